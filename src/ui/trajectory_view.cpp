// The trajectory view (ui/trajectory_view.hpp): the parameters' path on principal components at full
// size, small multiples, explained-variance bars, a legend of the runs, hover and click.
#include "epochscope/ui/trajectory_view.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "epochscope/project/trajectory.hpp"
#include "epochscope/ui/style.hpp"
#include "epochscope/ui/trajectory_plot.hpp"

namespace epochscope::ui {
namespace {

constexpr const char* kPcNames[] = {"PC1", "PC2", "PC3", "PC4", "PC5", "PC6", "PC7", "PC8", "PC9", "PC10", "PC11", "PC12"};

ImVec2 im(Vec2 v) { return {v.x, v.y}; }

// One run as drawn: its snapshots' rows in ctx.trajectory.coordinates start at `first`.
struct Run {
  std::string name;
  const std::vector<store::TrajectoryPoint>* points = nullptr;
  std::size_t first = 0;
  ImU32 line = 0;
  int marked = -1;
};

std::vector<Run> runs_of(const UiContext& ctx, int epoch) {
  const auto& t = ctx.trajectory;
  std::vector<Run> runs;
  const std::string own = ctx.session_file.empty() ? "this run" : ctx.session_file.stem().string();
  runs.push_back({own, &t.points, 0, to_imu32(ctx.theme->text_dim, 170), -1});
  std::size_t first = t.points.size();
  for (std::size_t r = 0; r < t.others.size(); ++r) {
    runs.push_back({t.others[r].name, &t.others[r].points, first, to_imu32(ctx.theme->class_color(static_cast<int>(r) + 5), 210), -1});
    first += t.others[r].points.size();
  }
  for (auto& run : runs) run.marked = snapshot_of_epoch(*run.points, epoch);
  return runs;
}

// The epoch of the frame on the epoch bar (frame f holds the state after epoch f's last step).
int shown_epoch(const UiContext& ctx, const UiState& state) {
  if (ctx.frames.empty()) return state.frame;
  const auto f = static_cast<std::size_t>(std::clamp(state.frame, 0, static_cast<int>(ctx.frames.size()) - 1));
  return ctx.frames[f]->epoch;
}

void centred_text(ImDrawList* dl, const Rect& rect, ImU32 colour, const std::string& text) {
  const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
  dl->AddText(ImVec2(rect.center().x - ts.x / 2, rect.center().y - ts.y / 2), colour, text.c_str());
}

// The runs and the colour scale, in a box: in the top-right corner of `plot`, or when `at_left` is
// given, with its top-left corner there. Returns the box's width, or 0 when it did not fit.
float draw_legend(ImDrawList* dl, const Theme& th, const std::vector<Run>& runs, const ColourScale& scale, const Rect& plot,
                  const Vec2* at_left = nullptr) {
  const float line_h = ImGui::GetTextLineHeight();
  const float pad = 6 * em(), swatch = 16 * em(), bar_w = 90 * em();
  std::vector<std::string> names;
  float w = 0;
  for (const auto& run : runs) {
    names.push_back(fmt::format("{} ({} steps)", run.name, run.points->empty() ? 0 : run.points->back().step));
    w = std::max(w, swatch + 6 * em() + ImGui::CalcTextSize(names.back().c_str()).x);
  }
  const std::string title = scale.by_epoch ? "colour: epoch" : "colour: batch loss (log)";
  const std::string left = scale.by_epoch ? fmt::format("{:.0f}", scale.lo) : fmt::format("{:.3g}", std::exp(scale.hi));
  const std::string right = scale.by_epoch ? fmt::format("{:.0f}", scale.hi) : fmt::format("{:.3g}", std::exp(scale.lo));
  w = std::max({w, ImGui::CalcTextSize(title.c_str()).x, bar_w + ImGui::CalcTextSize(left.c_str()).x + ImGui::CalcTextSize(right.c_str()).x + 12 * em()});
  const float h = static_cast<float>(runs.size() + 2) * (line_h + 2 * em()) + 2 * pad;
  ImVec2 max(plot.max.x - 6 * em(), plot.min.y + 6 * em() + h), min(max.x - w - 2 * pad, plot.min.y + 6 * em());
  if (at_left != nullptr) {
    min = ImVec2(at_left->x, at_left->y);
    max = ImVec2(min.x + w + 2 * pad, min.y + h);
  }
  if (min.x < plot.min.x || max.y > plot.max.y) return 0;  // no room: the status line and hover still say it
  dl->AddRectFilled(min, max, to_imu32(th.overlay_bg), 4.0f);
  float y = min.y + pad;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const float mid = y + line_h / 2;
    dl->AddLine(ImVec2(min.x + pad, mid), ImVec2(min.x + pad + swatch, mid), runs[r].line | IM_COL32_A_MASK, 2.5f);
    dl->AddText(ImVec2(min.x + pad + swatch + 6 * em(), y), to_imu32(th.text), names[r].c_str());
    y += line_h + 2 * em();
  }
  dl->AddText(ImVec2(min.x + pad, y), to_imu32(th.text_dim), title.c_str());
  y += line_h + 2 * em();
  // The colour bar: dark (high loss, or the first epoch) to bright, its ends' values either side.
  dl->AddText(ImVec2(min.x + pad, y), to_imu32(th.text_dim), left.c_str());
  const float x0 = min.x + pad + ImGui::CalcTextSize(left.c_str()).x + 6 * em();
  constexpr int kSteps = 24;
  for (int i = 0; i < kSteps; ++i) {
    const float a = x0 + bar_w * static_cast<float>(i) / kSteps, b = x0 + bar_w * static_cast<float>(i + 1) / kSteps;
    dl->AddRectFilled(ImVec2(a, y + 3 * em()), ImVec2(b, y + line_h - 3 * em()),
                      to_imu32(sequential_color((static_cast<float>(i) + 0.5f) / kSteps), 255));
  }
  dl->AddText(ImVec2(x0 + bar_w + 6 * em(), y), to_imu32(th.text_dim), right.c_str());
  return max.x - min.x;
}

// The legend's size (draw_legend's box), to make room for it.
ImVec2 legend_size(const std::vector<Run>& runs) {
  const float line_h = ImGui::GetTextLineHeight();
  float w = ImGui::CalcTextSize("colour: batch loss (log)").x;
  for (const auto& run : runs) {
    const auto name = fmt::format("{} ({} steps)", run.name, run.points->empty() ? 0 : run.points->back().step);
    w = std::max(w, 22 * em() + ImGui::CalcTextSize(name.c_str()).x);
  }
  w = std::max(w, 90 * em() + ImGui::CalcTextSize("0.000").x * 2 + 12 * em());
  return {w + 12 * em(), static_cast<float>(runs.size() + 2) * (line_h + 2 * em()) + 12 * em()};
}

// The explained variance of every component as bars along `strip`; the components in `shown` lit.
// Returns the bars drawn.
int draw_variance_bars(ImDrawList* dl, const Theme& th, const std::vector<double>& explained,
                       const std::vector<std::pair<int, int>>& shown, const Rect& strip) {
  const float line_h = ImGui::GetTextLineHeight();
  const char* title = ImGui::CalcTextSize("share of the path's variance").x < strip.width() ? "share of the path's variance"
                                                                                          : "variance";
  dl->AddText(ImVec2(strip.min.x, strip.min.y), to_imu32(th.text_dim), title);
  // As many bars as fit at 30 pixels each (at least the first 4; the status line names the shown ones).
  const auto k = std::min(static_cast<int>(explained.size()), std::max(4, static_cast<int>(strip.width() / (30 * em()))));
  if (k == 0) return 0;
  const float top = strip.min.y + line_h + 2 * em(), bottom = strip.max.y - line_h;
  const float slot = std::min(44.0f * em(), strip.width() / static_cast<float>(k));
  const double largest = std::max(explained.front(), 1e-12);
  const ImGuiIO& io = ImGui::GetIO();
  for (int i = 0; i < k; ++i) {
    const bool lit = std::any_of(shown.begin(), shown.end(), [i](auto p) { return p.first == i || p.second == i; });
    const float x = strip.min.x + slot * static_cast<float>(i);
    const auto share = explained[static_cast<std::size_t>(i)];
    const float h = static_cast<float>(share / largest) * (bottom - top - line_h);
    const ImVec2 a(x + 4 * em(), bottom - h), b(x + slot - 4 * em(), bottom);
    if (h >= 1.0f) dl->AddRectFilled(a, b, lit ? to_imu32(sequential_color(0.8f), 255) : to_imu32(th.axis, 200), 2.0f);
    const std::string pct = share >= 0.1 ? fmt::format("{:.0f}%", 100 * share) : fmt::format("{:.1f}%", 100 * share);
    const float pw = ImGui::CalcTextSize(pct.c_str()).x, nw = ImGui::CalcTextSize(kPcNames[i]).x;
    if (pw < slot) dl->AddText(ImVec2(x + (slot - pw) / 2, a.y - line_h), to_imu32(th.text_dim), pct.c_str());
    if (nw < slot) dl->AddText(ImVec2(x + (slot - nw) / 2, bottom), to_imu32(lit ? th.text : th.text_dim), kPcNames[i]);
    if (io.MousePos.x >= x && io.MousePos.x < x + slot && io.MousePos.y >= top && io.MousePos.y < strip.max.y) {
      double cumulative = 0;
      for (int j = 0; j <= i; ++j) cumulative += explained[static_cast<std::size_t>(j)];
      ImGui::SetTooltip("%s holds %.1f%% of the path's variance (PC1-%s together: %.1f%%)", kPcNames[i], 100 * share,
                        kPcNames[i], 100 * cumulative);
    }
  }
  return k;
}

}  // namespace

bool refresh_trajectory(UiContext& ctx, std::string* why) {
  auto& t = ctx.trajectory;
  auto fail = [&](std::string w) {
    if (why != nullptr) *why = std::move(w);
    return false;
  };
  if (ctx.store == nullptr) return fail("No session yet.");
  const std::size_t count = ctx.store->trajectory().size();
  if (count < 3) {
    return fail(fmt::format("{} parameter snapshots so far: the path needs 3 (sessions before format 1.2, and recorders "
                            "that do not sketch the parameters, have none).", count));
  }
  if (t.refit || (count != t.points.size() && (t.points.empty() || ctx.now - t.computed_at > 0.5))) {
    t.refit = false;
    t.points = ctx.store->trajectory().since(0);
    std::vector<const std::vector<store::TrajectoryPoint>*> runs{&t.points};
    for (const auto& o : t.others) runs.push_back(&o.points);
    try {
      auto pca = project::trajectory_pca(store::stack_sketches(runs), 12);
      t.coordinates = std::move(pca.coordinates);
      t.explained = std::move(pca.explained_ratio);
      t.fit_error.clear();
    } catch (const std::exception& e) {
      t.fit_error = e.what();
    }
    t.computed_at = ctx.now;
  }
  if (count != t.points.size()) ctx.animating = true;  // come back for the refit
  if (!t.fit_error.empty()) return fail(t.fit_error);
  std::size_t total = t.points.size();
  for (const auto& o : t.others) total += o.points.size();
  if (t.coordinates.rows() != static_cast<Eigen::Index>(total) || t.coordinates.cols() < 2) return fail("Fitting the path...");
  return true;
}

void TrajectoryView::controls(UiContext& ctx, const ViewConfig& config, ViewConfig& next, int slot) const {
  const auto& t = ctx.trajectory;
  // Each control after the last one (the method menu) while it fits, else on the next line: a narrow
  // view (four views at a large UI scale) wraps them instead of cutting them off.
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  const auto flow = [&](float width) {
    if (ImGui::GetItemRectMax().x + spacing + width <= right) ImGui::SameLine();
  };
  flow(chip_width("landscape"));
  toggle_chip("landscape", &next.landscape);
  ctx.hooks[fmt::format("view{}_landscape", slot)] = last_item_rect();
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("The training loss over the plane of the path in parameter space (Li et al. 2018), computed in\n"
                      "the background (a fifth of one core while training runs), with the frames' path on it");
  }
  if (config.landscape) return;  // the plane's two directions: no components, no colour choice
  const int k = t.coordinates.cols() >= 2 ? static_cast<int>(std::min<Eigen::Index>(t.coordinates.cols(), 12)) : 12;
  // The two menus as wide as "PC12" needs, narrower where a whole line is less than that.
  const float line_w = right - ImGui::GetWindowPos().x - ImGui::GetWindowContentRegionMin().x;
  const float combo_w = std::min(ImGui::CalcTextSize("PC12").x + ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().FramePadding.x,
                                 (line_w - ImGui::CalcTextSize("vs").x - 2 * spacing) / 2);
  if (!config.pc_pairs) {
    int x = std::clamp(config.pc_x, 0, k - 1), y = std::clamp(config.pc_y, 0, k - 1);
    flow(2 * combo_w + ImGui::CalcTextSize("vs").x + 2 * spacing);  // "PC1 vs PC2" stays together
    ImGui::SetNextItemWidth(combo_w);
    if (ImGui::Combo("##pc_x", &x, kPcNames, k)) next.pc_x = x;
    ctx.hooks[fmt::format("view{}_pc_x", slot)] = last_item_rect();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The principal component on the horizontal axis");
    ImGui::SameLine();
    ImGui::TextDisabled("vs");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(combo_w);
    if (ImGui::Combo("##pc_y", &y, kPcNames, k)) next.pc_y = y;
    ctx.hooks[fmt::format("view{}_pc_y", slot)] = last_item_rect();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The principal component on the vertical axis");
  }
  flow(chip_width("pairs"));
  toggle_chip("pairs", &next.pc_pairs);
  ctx.hooks[fmt::format("view{}_pc_pairs", slot)] = last_item_rect();
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Small multiples: PC1 against PC2, PC1-PC3, PC2-PC3 and PC3-PC4, as in Lorch's figures;\n"
                      "off: one pair, chosen in the two menus. A small view shows the first pair only.");
  }
  flow(chip_width("by epoch"));
  toggle_chip("by epoch", &next.colour_by_epoch);
  ctx.hooks[fmt::format("view{}_colour_epoch", slot)] = last_item_rect();
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Colour the steps by epoch (dark: early, bright: late); off: by batch loss\n"
                      "(log scale, one scale for every run drawn; bright: low)");
  }
}

std::string TrajectoryView::status(UiContext& ctx, const ViewConfig& config) {
  if (config.landscape) return landscape_status(ctx);
  std::string why;
  if (!refresh_trajectory(ctx, &why)) return "Trajectory: " + why;
  const auto& t = ctx.trajectory;
  const int k = static_cast<int>(t.coordinates.cols());
  const auto pairs = trajectory_pairs(k, config.pc_pairs, config.pc_x, config.pc_y);
  std::vector<int> shown;
  for (const auto& [a, b] : pairs) {
    for (const int c : {a, b}) {
      if (std::find(shown.begin(), shown.end(), c) == shown.end()) shown.push_back(c);
    }
  }
  std::sort(shown.begin(), shown.end());
  std::string shares;
  for (const int c : shown) {
    shares += fmt::format("{}{} {:.0f}%", shares.empty() ? "" : ", ", kPcNames[c], 100 * t.explained[static_cast<std::size_t>(c)]);
  }
  const std::size_t runs = 1 + t.others.size();
  return fmt::format("Trajectory: {} snapshots{}; variance {}", t.points.size(),
                     runs > 1 ? fmt::format(", {} runs in one basis", runs) : "", shares);
}

void TrajectoryView::draw(UiContext& ctx, UiState& state, const ViewConfig& config, const Rect& rect, int slot) {
  const Theme& th = *ctx.theme;
  ImGui::SetCursorScreenPos(im(rect.min));
  ImGui::InvisibleButton("trajectory", ImVec2(std::max(rect.width(), 1.0f), std::max(rect.height(), 1.0f)));
  const bool hovered = ImGui::IsItemHovered();
  const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(im(rect.min), im(rect.max), to_imu32(th.view_bg), 4.0f);
  report_ = {};
  report_.pairs = config.pc_pairs;
  report_.colour = config.colour_by_epoch ? "epoch" : "loss";
  if (config.landscape) {
    ctx.landscape_wanted = true;  // the app computes it
    draw_landscape(ctx, state, rect, report_, hovered, clicked);
    return;
  }
  std::string why;
  if (!refresh_trajectory(ctx, &why)) {
    report_.message = why;
    ImGui::PushClipRect(im(rect.min), im(rect.max), true);
    centred_text(dl, rect, to_imu32(th.text_dim), why);
    ImGui::PopClipRect();
    return;
  }
  const auto& t = ctx.trajectory;
  const int k = static_cast<int>(t.coordinates.cols());
  const auto runs = runs_of(ctx, shown_epoch(ctx, state));
  std::vector<const std::vector<store::TrajectoryPoint>*> run_points;
  for (const auto& run : runs) run_points.push_back(run.points);
  const auto scale = ColourScale::of(run_points, config.colour_by_epoch);
  auto pairs = trajectory_pairs(k, config.pc_pairs, config.pc_x, config.pc_y);
  report_.pc_x = pairs.front().first;
  report_.pc_y = pairs.front().second;
  report_.snapshots = static_cast<int>(t.points.size());
  report_.runs = static_cast<int>(runs.size());
  report_.marked = runs.front().marked;
  report_.marked_step = report_.marked >= 0 ? t.points[static_cast<std::size_t>(report_.marked)].step : -1;

  // The plots above, the variance bars below when the view is tall enough for both.
  const float pad = 8 * em(), line_h = ImGui::GetTextLineHeight();
  const ImVec2 legend = legend_size(runs);
  const float bars_h = rect.height() > 300 * em() ? std::max(3 * line_h + 34 * em(), legend.y) : 0.0f;
  const Rect area{{rect.min.x + pad, rect.min.y + pad}, {rect.max.x - pad, rect.max.y - pad - (bars_h > 0 ? bars_h + pad : 0.0f)}};
  // Small multiples need room: under 160 x 120 pixels a plot (at scale 1) the view shows the first pair.
  if (pairs.size() > 1 && (area.width() < 2 * 160 * em() || area.height() < 2 * 120 * em())) pairs.resize(1);
  const auto plots = trajectory_plot_rects(area, static_cast<int>(pairs.size()), 10 * em());
  report_.plots = plots;
  const ImGuiIO& io = ImGui::GetIO();
  const Vec2 mouse{io.MousePos.x, io.MousePos.y};
  const float dot = (t.coordinates.rows() > 2000 ? 1.8f : 2.8f) * em();
  std::vector<Vec2> screen(static_cast<std::size_t>(t.coordinates.rows()));
  std::vector<ImVec2> line;
  int hovered_row = -1;
  std::vector<AxisFit> fits;  // each plot's, for the hovered step's ring in all of them
  ImGui::PushClipRect(im(rect.min), im(rect.max), true);
  for (std::size_t pi = 0; pi < plots.size(); ++pi) {
    const Rect& plot = plots[pi];
    const auto [cx, cy] = pairs[pi];
    ctx.hooks[fmt::format("view{}_trajectory_plot{}", slot, pi)] = plot;
    dl->AddRect(im(plot.min), im(plot.max), to_imu32(th.axis), 3.0f);
    const float margin = 12 * em() + line_h;
    std::vector<float> xs(screen.size()), ys(screen.size());
    for (std::size_t i = 0; i < screen.size(); ++i) {
      xs[i] = t.coordinates(static_cast<Eigen::Index>(i), cx);
      ys[i] = t.coordinates(static_cast<Eigen::Index>(i), cy);
    }
    const auto fit = AxisFit::of(xs, ys, plot, margin);
    // The path's mean (the PCA's origin) as two faint lines, and what each axis is.
    const Vec2 origin = fit.to_screen(0, 0);
    if (origin.x > plot.min.x && origin.x < plot.max.x) dl->AddLine(ImVec2(origin.x, plot.min.y), ImVec2(origin.x, plot.max.y), to_imu32(th.grid));
    if (origin.y > plot.min.y && origin.y < plot.max.y) dl->AddLine(ImVec2(plot.min.x, origin.y), ImVec2(plot.max.x, origin.y), to_imu32(th.grid));
    // Each axis's name and share; only the name where a narrow plot has no room for both labels.
    std::string xl = fmt::format("{} ({:.0f}%) \xe2\x86\x92", kPcNames[cx], 100 * t.explained[static_cast<std::size_t>(cx)]);
    std::string yl = fmt::format("\xe2\x86\x91 {} ({:.0f}%)", kPcNames[cy], 100 * t.explained[static_cast<std::size_t>(cy)]);
    if (ImGui::CalcTextSize((xl + yl).c_str()).x + 24 * em() > plot.width()) {
      xl = fmt::format("{} \xe2\x86\x92", kPcNames[cx]);
      yl = fmt::format("\xe2\x86\x91 {}", kPcNames[cy]);
    }
    dl->AddText(ImVec2(plot.max.x - ImGui::CalcTextSize(xl.c_str()).x - 6 * em(), plot.max.y - line_h - 3 * em()),
                to_imu32(th.text_dim), xl.c_str());
    dl->AddText(ImVec2(plot.min.x + 6 * em(), plot.min.y + 3 * em()), to_imu32(th.text_dim), yl.c_str());
    for (std::size_t i = 0; i < screen.size(); ++i) screen[i] = fit.to_screen(xs[i], ys[i]);
    // Each run: its line in the run's colour, then its steps coloured on the shared scale.
    for (const auto& run : runs) {
      const std::size_t n = run.points->size();
      line.resize(n);
      for (std::size_t i = 0; i < n; ++i) line[i] = im(screen[run.first + i]);
      dl->AddPolyline(line.data(), static_cast<int>(n), run.line, 0, (runs.size() > 1 ? 2.2f : 1.5f) * em());
      for (std::size_t i = 0; i < n; ++i) {
        const float v = scale.value((*run.points)[i]);
        dl->AddCircleFilled(line[i], dot, std::isnan(v) ? to_imu32(th.dimmed, 255) : to_imu32(sequential_color(v), 255), 8);
      }
      // Where the run starts: an open square.
      if (n > 0) {
        const float s = 4 * em();
        dl->AddRect(ImVec2(line[0].x - s, line[0].y - s), ImVec2(line[0].x + s, line[0].y + s), run.line | IM_COL32_A_MASK, 0, 0, 1.5f);
      }
    }
    if (pi == 0) {
      report_.drawn = static_cast<int>(screen.size());
      if (!t.points.empty()) report_.last_at = screen[t.points.size() - 1];
      // "start" beside the first step: above it, or below where the axis label sits above.
      const Vec2 start = screen[0];
      const float y = start.y - line_h - 2 * em() < plot.min.y + line_h + 6 * em() ? start.y + 4 * em() : start.y - line_h - 2 * em();
      dl->AddText(ImVec2(start.x + 7 * em(), y), to_imu32(th.text_dim), "start");
    }
    // The frame on the epoch bar: its step ringed in every run (this run's brighter and larger).
    for (std::size_t r = runs.size(); r-- > 0;) {
      if (runs[r].marked < 0) continue;
      const Vec2 at = screen[runs[r].first + static_cast<std::size_t>(runs[r].marked)];
      const float radius = (r == 0 ? 7.0f : 5.5f) * em();
      dl->AddCircle(im(at), radius + 1, to_imu32(th.ring_shadow), 20, 3.0f * em());
      dl->AddCircle(im(at), radius, r == 0 ? to_imu32(th.ring) : runs[r].line | IM_COL32_A_MASK, 20, 2.0f * em());
      if (r == 0 && pi == 0) report_.marked_at = at;
    }
    fits.push_back(fit);
    if (hovered && plot.contains(mouse)) hovered_row = nearest_within(screen, mouse, 8 * em());
  }
  // The hovered step ringed in every plot (the small multiples show one step four ways).
  if (hovered_row >= 0) {
    const auto row = static_cast<Eigen::Index>(hovered_row);
    for (std::size_t pi = 0; pi < plots.size(); ++pi) {
      const Vec2 at = fits[pi].to_screen(t.coordinates(row, pairs[pi].first), t.coordinates(row, pairs[pi].second));
      dl->AddCircle(im(at), dot + 4 * em(), to_imu32(th.ring), 16, 2.0f * em());
    }
  }
  // Below the plots: the variance bars, and the legend at the right; in a short view the legend goes
  // over the first plot's corner when there is room.
  if (bars_h > 0) {
    const Rect strip{{area.min.x, area.max.y + pad}, {area.max.x, rect.max.y - pad}};
    const Vec2 legend_at{strip.max.x - legend.x, strip.min.y};
    const bool beside = strip.width() > legend.x + 4 * 30 * em();
    if (beside) draw_legend(dl, th, runs, scale, strip, &legend_at);
    report_.bars = draw_variance_bars(dl, th, t.explained, pairs,
                                      {strip.min, {beside ? legend_at.x - pad : strip.max.x, strip.max.y}});
    if (!beside) draw_legend(dl, th, runs, scale, plots.front());
  } else {
    draw_legend(dl, th, runs, scale, plots.front());
  }
  ImGui::PopClipRect();

  // Hover: which run, step, epoch and loss; a click shows that step's frame on the epoch bar.
  if (hovered_row >= 0) {
    const auto row = static_cast<std::size_t>(hovered_row);
    const Run* run = &runs.front();
    for (const auto& r : runs) {
      if (row >= r.first && row < r.first + r.points->size()) run = &r;
    }
    const auto& p = (*run->points)[row - run->first];
    report_.hovered = hovered_row;
    report_.hover = fmt::format("{}: step {}, epoch {}, batch loss {:.4g}", run->name, p.step, p.epoch, p.loss);
    ImGui::SetTooltip("%s\nClick: show the frame of epoch %d", report_.hover.c_str(), p.epoch);
    if (clicked && !ctx.frames.empty()) {
      std::vector<int> epochs;
      for (const auto& f : ctx.frames) epochs.push_back(f->epoch);
      state.frame = frame_of_epoch(epochs, p.epoch);
      state.phase = 0;
      state.playing = false;
      state.follow_latest = false;
    }
  }
}

}  // namespace epochscope::ui
