// The training trajectory in parameter space: the sketched snapshots' PCA (project/trajectory.hpp)
// on a chosen pair of the top 12 components, coloured by the batch loss on one scale (bright = low),
// with the step of the frame on the epoch bar marked.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "epochscope/project/trajectory.hpp"
#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"
#include "epochscope/ui/trajectory_view.hpp"

namespace epochscope::ui {

namespace {

// The runs in 3-D: x and z are the two chosen components, the height is minus the held-out loss,
// interpolated in steps between the frames (frame f is the state after the last step of epoch f).
// Overlaid runs share the axes (one basis, one loss scale). Drag rotates, the wheel zooms,
// double-click resets the orbit camera.
void draw_trajectory_3d(UiContext& ctx, const UiState& state, ImVec2 p0, float w, float h) {
  auto& t = ctx.trajectory;
  const Rect rect{{p0.x, p0.y}, {p0.x + w, p0.y + h}};
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 1.0f)) t.camera.rotate(-io.MouseDelta.x, io.MouseDelta.y);  // grab and turn
  if (ImGui::IsItemHovered() && io.MouseWheel != 0.0f) t.camera.zoom(io.MouseWheel);
  if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) t.camera.reset();
  // Each run's rows in t.coordinates (this run first, then the overlays) and its heights.
  struct Run {
    const std::vector<store::TrajectoryPoint>* points;
    std::vector<float> height;
    std::size_t first;
    ImU32 colour;
  };
  std::vector<float> frame_loss;
  for (const auto& f : ctx.frames) frame_loss.push_back(static_cast<float>(f->metrics.heldout_loss));
  std::vector<Run> runs;
  std::size_t first = 0;
  runs.push_back({&t.points, store::heldout_loss_at_snapshots(t.points, frame_loss), first, IM_COL32(150, 156, 170, 140)});
  first += t.points.size();
  for (std::size_t r = 0; r < t.others.size(); ++r) {
    const auto& o = t.others[r];
    runs.push_back({&o.points, store::heldout_loss_at_snapshots(o.points, o.heldout_loss), first,
                    to_imu32(ctx.theme->class_color(static_cast<int>(r) + 5), 200)});
    first += o.points.size();
  }
  if (runs.front().height.empty()) return;
  // Shared ranges: the components over every snapshot drawn, the height over every run's.
  float x0 = 1e30f, x1 = -1e30f, z0 = 1e30f, z1 = -1e30f, y0 = 1e30f, y1 = -1e30f;
  for (auto& run : runs) {
    if (run.height.empty()) continue;
    for (auto& v : run.height) v = -v;
    for (std::size_t i = 0; i < run.points->size(); ++i) {
      const auto k = static_cast<Eigen::Index>(run.first + i);
      x0 = std::min(x0, t.coordinates(k, t.pc_x));
      x1 = std::max(x1, t.coordinates(k, t.pc_x));
      z0 = std::min(z0, t.coordinates(k, t.pc_y));
      z1 = std::max(z1, t.coordinates(k, t.pc_y));
      y0 = std::min(y0, run.height[i]);
      y1 = std::max(y1, run.height[i]);
    }
  }
  auto unit = [](float v, float lo, float hi) { return hi > lo ? (v - lo) / (hi - lo) - 0.5f : 0.0f; };
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(p0, ImVec2(p0.x + w, p0.y + h), true);
  // The box's floor edges and the height axis, for orientation.
  auto pr = [&](float x, float y, float z) {
    const Vec2 v = t.camera.project({x, y, z}, rect);
    return ImVec2(v.x, v.y);
  };
  const ImU32 axis = IM_COL32(120, 126, 140, 160);
  dl->AddLine(pr(-0.5f, -0.5f, -0.5f), pr(0.5f, -0.5f, -0.5f), axis);
  dl->AddLine(pr(-0.5f, -0.5f, -0.5f), pr(-0.5f, -0.5f, 0.5f), axis);
  dl->AddLine(pr(-0.5f, -0.5f, -0.5f), pr(-0.5f, 0.5f, -0.5f), axis);
  dl->AddText(pr(0.55f, -0.5f, -0.5f), axis, fmt::format("PC{}", t.pc_x + 1).c_str());
  dl->AddText(pr(-0.5f, -0.5f, 0.55f), axis, fmt::format("PC{}", t.pc_y + 1).c_str());
  dl->AddText(pr(-0.5f, 0.55f, -0.5f), axis, "-loss");
  std::vector<ImVec2> line;
  std::vector<ImVec2> current;
  t.drawn_runs = 0;
  for (const auto& run : runs) {
    if (run.height.empty()) continue;  // an overlay whose frames are missing
    line.resize(run.points->size());
    for (std::size_t i = 0; i < line.size(); ++i) {
      const auto k = static_cast<Eigen::Index>(run.first + i);
      line[i] = pr(unit(t.coordinates(k, t.pc_x), x0, x1), unit(run.height[i], y0, y1), unit(t.coordinates(k, t.pc_y), z0, z1));
    }
    dl->AddPolyline(line.data(), static_cast<int>(line.size()), run.colour, 0, 1.2f);
    for (std::size_t i = 0; i < line.size(); ++i) {
      const float v = y1 > y0 ? (run.height[i] - y0) / (y1 - y0) : 0.5f;  // bright = low held-out loss
      dl->AddCircleFilled(line[i], 2.2f, to_imu32(sequential_color(v), 255), 8);
    }
    if (t.drawn_runs == 0) current = line;
    ++t.drawn_runs;
  }
  if (t.marked >= 0 && static_cast<std::size_t>(t.marked) < current.size()) {
    dl->AddCircle(current[static_cast<std::size_t>(t.marked)], 6.0f, IM_COL32(255, 255, 255, 255), 16, 2.0f);
  }
  dl->PopClipRect();
  (void)state;
}

}  // namespace

void draw_trajectory_panel(UiContext& ctx, UiState& state) {
  auto& t = ctx.trajectory;
  t.drawn_points = 0;
  // The PCA is shared with trajectory views (ui/trajectory_view.hpp): whoever draws first refits it.
  std::string why;
  if (!refresh_trajectory(ctx, &why)) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%s", why.c_str());
    ImGui::PopTextWrapPos();
    return;
  }
  std::size_t total = t.points.size();
  for (const auto& o : t.others) total += o.points.size();

  const int k = static_cast<int>(t.coordinates.cols());
  t.pc_x = std::clamp(t.pc_x, 0, k - 1);
  t.pc_y = std::clamp(t.pc_y, 0, k - 1);
  const char* names[] = {"PC1", "PC2", "PC3", "PC4", "PC5", "PC6", "PC7", "PC8", "PC9", "PC10", "PC11", "PC12"};
  ImGui::SetNextItemWidth(70);
  ImGui::Combo("##pcx", &t.pc_x, names, k);
  ImGui::SameLine();
  ImGui::TextUnformatted("against");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(70);
  ImGui::Combo("##pcy", &t.pc_y, names, k);
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("%zu snapshots, steps %d-%d; the axes hold %.0f%% and %.0f%% of the path's variance", t.points.size(),
                      t.points.front().step, t.points.back().step, 100 * t.explained[static_cast<std::size_t>(t.pc_x)],
                      100 * t.explained[static_cast<std::size_t>(t.pc_y)]);
  ImGui::PopTextWrapPos();

  // The plot.
  const float w = ImGui::GetContentRegionAvail().x, h = std::min(220.0f, w * 0.8f);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("trajectory plot", ImVec2(w, h));
  ctx.hooks["trajectory_plot"] = {{p0.x, p0.y}, {p0.x + w, p0.y + h}};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), to_imu32(kViewBackground), 4.0f);
  // The step of the frame shown: the last snapshot of its epoch (frame f is the state after epoch f).
  int marked = -1;
  for (std::size_t i = 0; i < t.points.size(); ++i) {
    if (t.points[i].epoch <= state.frame) marked = static_cast<int>(i);
  }
  t.marked = marked;
  t.drawn_points = static_cast<int>(t.points.size());
  if (t.three_d) {
    draw_trajectory_3d(ctx, state, p0, w, h);
  } else {
    const auto xs = t.coordinates.col(t.pc_x), ys = t.coordinates.col(t.pc_y);
    const float x0 = xs.minCoeff(), x1 = xs.maxCoeff(), y0 = ys.minCoeff(), y1 = ys.maxCoeff();
    const float span = std::max({x1 - x0, y1 - y0, 1e-12f});
    const float scale = (std::min(w, h) - 20) / span;
    const ImVec2 c(p0.x + w / 2, p0.y + h / 2);
    auto at = [&](Eigen::Index i) {
      return ImVec2(c.x + (xs(i) - 0.5f * (x0 + x1)) * scale, c.y - (ys(i) - 0.5f * (y0 + y1)) * scale);
    };
    // Loss on one scale for the whole run: log-loss between the run's lowest and highest.
    float lo = 1e30f, hi = -1e30f;
    auto scan = [&](const std::vector<store::TrajectoryPoint>& pts) {
      for (const auto& p : pts) {
        if (!(p.loss > 0) || !std::isfinite(p.loss)) continue;
        lo = std::min(lo, std::log(p.loss));
        hi = std::max(hi, std::log(p.loss));
      }
    };
    scan(t.points);
    for (const auto& o : t.others) scan(o.points);
    std::vector<ImVec2> line;
    line.reserve(total);
    for (Eigen::Index i = 0; i < t.coordinates.rows(); ++i) line.push_back(at(i));
    // This run first, then each overlaid run: a line in its own colour, dots coloured by loss.
    std::size_t first = 0;
    auto draw_run = [&](const std::vector<store::TrajectoryPoint>& pts, ImU32 line_colour) {
      dl->AddPolyline(line.data() + first, static_cast<int>(pts.size()), line_colour, 0, 1.2f);
      for (std::size_t i = 0; i < pts.size(); ++i) {
        const float loss = pts[i].loss;
        const float v = hi > lo && loss > 0 ? 1.0f - (std::log(loss) - lo) / (hi - lo) : 0.5f;
        dl->AddCircleFilled(line[first + i], 2.2f, to_imu32(sequential_color(v), 255), 8);
      }
      first += pts.size();
    };
    draw_run(t.points, IM_COL32(150, 156, 170, 140));
    for (std::size_t r = 0; r < t.others.size(); ++r) draw_run(t.others[r].points, to_imu32(ctx.theme->class_color(static_cast<int>(r) + 5), 200));
    t.drawn_runs = static_cast<int>(1 + t.others.size());
    if (marked >= 0) {
      dl->AddCircle(line[static_cast<std::size_t>(marked)], 6.0f, IM_COL32(255, 255, 255, 255), 16, 2.0f);
      const auto label = fmt::format("frame {}: step {}", state.frame, t.points[static_cast<std::size_t>(marked)].step);
      dl->AddText(ImVec2(p0.x + 6, p0.y + 4), IM_COL32(220, 224, 232, 255), label.c_str());
    }
  }
  const bool plot_hovered = ImGui::IsItemHovered();
  ImGui::Checkbox("3-D: height = -held-out loss", &t.three_d);
  ctx.hooks["trajectory_3d"] = last_item_rect();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Drag the plot to turn it, the wheel zooms, double-click resets");
  // Other runs (e.g. the same model with momentum 0.5, 0.9, 0.99) in the same basis.
  for (std::size_t r = 0; r < t.others.size(); ++r) {
    ImGui::TextColored(to_imvec4(ctx.theme->class_color(static_cast<int>(r) + 5)), "%s (%zu steps)", t.others[r].name.c_str(),
                       t.others[r].points.size());
  }
  char path[512] = {};
  t.overlay_path.copy(path, sizeof(path) - 1);
  ImGui::SetNextItemWidth(-70);
  if (ImGui::InputTextWithHint("##overlay", "another session file", path, sizeof(path))) t.overlay_path = path;
  ctx.hooks["trajectory_overlay_path"] = last_item_rect();
  ImGui::SameLine();
  const bool overlay = ImGui::Button("Overlay");
  ctx.hooks["trajectory_overlay"] = last_item_rect();
  if (overlay && !t.overlay_path.empty() && !t.overlay_task && ctx.tasks != nullptr && ctx.read_run) {
    // Read on a worker: a session file can take seconds, the window must not wait for it.
    t.overlay_reading = t.overlay_path;
    t.overlay_message.clear();
    t.overlay_task = ctx.tasks->submit([read = ctx.read_run, path = t.overlay_path] { return read(path); });
  }
  if (t.overlay_task) {
    if (!t.overlay_task->ready()) {
      ImGui::TextDisabled("Reading %s...", std::filesystem::path(t.overlay_reading).filename().c_str());
      ctx.animating = true;  // look again next frame
    } else {
      if (t.overlay_task->failed()) {
        t.overlay_message = t.overlay_task->error();
      } else if (t.overlay_task->value().points.size() < 2) {
        t.overlay_message = t.overlay_reading + ": holds no parameter snapshots";
      } else if (t.overlay_task->value().points.front().sketch.size() != t.points.front().sketch.size()) {
        t.overlay_message = t.overlay_reading + ": its snapshots are sketched differently";
      } else {
        t.others.push_back(t.overlay_task->value());
        t.refit = true;
      }
      t.overlay_task.reset();
    }
  }
  if (!t.overlay_message.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(to_imvec4(ctx.theme->bad), "%s", t.overlay_message.c_str());
    ImGui::PopTextWrapPos();
  }
  if (plot_hovered) {
    ImGui::SetTooltip("Each dot is the network's parameters after one optimisation step (a 256-number sketch),\n"
                      "on two principal components of the whole path. Colour: the batch loss, dark (high) to\n"
                      "bright (low). The ring is the frame on the epoch bar.");
  }
}

}  // namespace epochscope::ui
