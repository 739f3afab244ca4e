// The trajectory view's landscape mode (ui/trajectory_view.hpp, draw_landscape): the loss over the
// plane of the path in parameter space as shaded cells and contours, the frames' path on top.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "epochscope/store/parameter_plane.hpp"
#include "epochscope/ui/style.hpp"
#include "epochscope/ui/trajectory_plot.hpp"
#include "epochscope/ui/trajectory_view.hpp"

namespace epochscope::ui {
namespace {

constexpr int kContourLevels = 12;

ImVec2 im(Vec2 v) { return {v.x, v.y}; }

// An axis value at a fractional grid index (the axes are evenly spaced, but any spacing is followed).
double axis_at(const std::vector<double>& axis, float index) {
  const auto i = static_cast<std::size_t>(std::clamp(index, 0.0f, static_cast<float>(axis.size() - 1)));
  if (i + 1 >= axis.size()) return axis.back();
  return axis[i] + (index - static_cast<float>(i)) * (axis[i + 1] - axis[i]);
}

// The loss at (a, b) by bilinear interpolation of the grid; NaN outside it or where a corner is missing.
double loss_at(const LandscapeGrid& g, double a, double b) {
  const std::size_t na = g.a.size(), nb = g.b.size();
  if (na < 2 || nb < 2 || a < g.a.front() || a > g.a.back() || b < g.b.front() || b > g.b.back()) return NAN;
  const auto ia = std::min<std::size_t>(static_cast<std::size_t>(std::upper_bound(g.a.begin(), g.a.end(), a) - g.a.begin()), na - 1) - 1;
  const auto ib = std::min<std::size_t>(static_cast<std::size_t>(std::upper_bound(g.b.begin(), g.b.end(), b) - g.b.begin()), nb - 1) - 1;
  const double u = (a - g.a[ia]) / (g.a[ia + 1] - g.a[ia]), v = (b - g.b[ib]) / (g.b[ib + 1] - g.b[ib]);
  const auto& values = g.shown.empty() ? g.loss : g.shown;
  auto l = [&](std::size_t x, std::size_t y) { return values[y * na + x]; };
  return (1 - u) * (1 - v) * l(ia, ib) + u * (1 - v) * l(ia + 1, ib) + (1 - u) * v * l(ia, ib + 1) + u * v * l(ia + 1, ib + 1);
}

}  // namespace

std::string landscape_status(const UiContext& ctx) {
  const auto& g = ctx.landscape;
  if (!g) return "Landscape: starting...";
  if (!g->error.empty()) return "Landscape: " + g->error;
  const std::string progress =
      g->evaluated < g->total
          ? fmt::format("{} of {} losses{}{}", g->evaluated, g->total, g->throttled ? " (a fifth of a core while training)" : "",
                        g->stride > 1 ? fmt::format("; drawn from {}", coarse_grid(*g)) : "")
          : fmt::format("{} losses in {:.0f} s", g->total, g->seconds);
  return fmt::format("Landscape: {} x {} grid, {}, on {} training images; plane of {} frames", g->a.size(), g->b.size(),
                     progress, g->sample, fitted_frames(*g));
}

std::size_t fitted_frames(const LandscapeGrid& g) {
  std::size_t n = 0;
  while (n < g.path.size() && !g.path[n].newer) ++n;
  return n;
}

std::string coarse_grid(const LandscapeGrid& g) {
  return fmt::format("{} x {} computed, the rest interpolated", store::lattice_points(g.a.size(), g.stride),
                     store::lattice_points(g.b.size(), g.stride));
}

void draw_landscape(UiContext& ctx, UiState& state, const Rect& rect, TrajectoryReport& report, bool hovered, bool clicked) {
  const Theme& th = *ctx.theme;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  report.landscape = true;
  const auto g = ctx.landscape;  // kept alive while drawing: the app may publish a newer one
  auto centred = [&](const std::string& text) {
    ImGui::PushClipRect(im(rect.min), im(rect.max), true);
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str(), nullptr, false, rect.width() - 40 * em());
    dl->AddText(nullptr, 0.0f, ImVec2(rect.center().x - ts.x / 2, rect.center().y - ts.y / 2), to_imu32(th.text_dim),
                text.c_str(), nullptr, rect.width() - 40 * em());
    ImGui::PopClipRect();
  };
  if (!g || g->a.size() < 2 || g->b.size() < 2) {
    report.message = g && !g->error.empty() ? g->error : "Computing the landscape...";
    centred(g && !g->error.empty() ? "No landscape: " + g->error : "Fitting the plane of the path and starting the landscape...");
    if (!g || g->error.empty()) ctx.animating = true;
    return;
  }
  report.evaluated = g->evaluated;
  report.total = g->total;
  report.stride = g->stride;
  const std::size_t fitted = fitted_frames(*g);
  report.plane_frames = static_cast<int>(fitted);
  report.path_frames = static_cast<int>(g->path.size());
  report.runs = static_cast<int>(1 + g->others.size());
  const std::size_t na = g->a.size(), nb = g->b.size();

  // The loss scale: log, over every value there is (grid and frames), bright = low.
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  const auto& values = g->shown.empty() ? g->loss : g->shown;  // interpolated where not computed yet
  std::vector<double> logs(values.size(), NAN);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] > 0 && std::isfinite(values[i])) logs[i] = std::log(values[i]);
  }
  for (const double l : logs) {
    if (std::isfinite(l)) lo = std::min(lo, l), hi = std::max(hi, l);
  }
  for (const auto& f : g->path) {
    if (f.loss > 0 && std::isfinite(f.loss)) lo = std::min(lo, std::log(f.loss)), hi = std::max(hi, std::log(f.loss));
  }
  auto colour = [&](double log_loss, std::uint8_t alpha) {
    if (!std::isfinite(log_loss)) return to_imu32(th.view_bg);
    return to_imu32(sequential_color(hi > lo ? static_cast<float>(1 - (log_loss - lo) / (hi - lo)) : 0.5f), alpha);
  };

  // The plot above; below, the colour bar and what the plane is (as many lines as that takes).
  const float pad = 8 * em(), line_h = ImGui::GetTextLineHeight();
  double off = 0, reach = 0;
  for (std::size_t i = 0; i < fitted; ++i) {
    const auto& f = g->path[i];
    off = std::max(off, f.off_plane);
    reach = std::max(reach, std::sqrt(f.a * f.a + f.b * f.b + f.off_plane * f.off_plane));
  }
  const std::string plane = fmt::format(
      "The plane of {} frame snapshot{} first two principal directions, centred on frame {}{}; the frames lie at most "
      "{:.0f}% of their distance off it. The path is their exact projection, straight between frames.{}",
      fitted, fitted == 1 ? "'s" : "s'", fitted == 0 ? 0 : g->path[fitted - 1].frame,
      g->random_directions > 0 ? fmt::format(" ({} random: the path spans fewer than two)", g->random_directions) : "",
      reach > 0 ? 100 * off / reach : 0.0,
      fitted < g->path.size()
          ? fmt::format(" Frames {} to {} came after it: hollow, projected onto it until a newer plane is drawn.",
                        g->path[fitted].frame, g->path.back().frame)
          : "");
  const float text_w = rect.width() - 2 * pad;
  const float below = 2 * (line_h + 4 * em()) + ImGui::CalcTextSize(plane.c_str(), nullptr, false, text_w).y + 8 * em();
  const Rect plot{{rect.min.x + pad, rect.min.y + pad}, {rect.max.x - pad, rect.max.y - pad - below}};
  report.plots = {plot};
  const float label = line_h + 6 * em();
  const Rect cells{{plot.min.x, plot.min.y + label}, {plot.max.x, plot.max.y - label}};
  const std::vector<float> xs{static_cast<float>(g->a.front()), static_cast<float>(g->a.back())};
  const std::vector<float> ys{static_cast<float>(g->b.front()), static_cast<float>(g->b.back())};
  const auto fit = AxisFit::of(xs, ys, cells, 0);
  auto screen = [&](double a, double b) { return fit.to_screen(static_cast<float>(a), static_cast<float>(b)); };
  ImGui::PushClipRect(im(rect.min), im(rect.max), true);
  for (std::size_t ib = 0; ib + 1 < nb; ++ib) {
    for (std::size_t ia = 0; ia + 1 < na; ++ia) {
      const double bl = logs[ib * na + ia], br = logs[ib * na + ia + 1], tl = logs[(ib + 1) * na + ia], tr = logs[(ib + 1) * na + ia + 1];
      if (!std::isfinite(bl) || !std::isfinite(br) || !std::isfinite(tl) || !std::isfinite(tr)) continue;
      const Vec2 p0 = screen(g->a[ia], g->b[ib + 1]), p1 = screen(g->a[ia + 1], g->b[ib]);
      dl->AddRectFilledMultiColor(im(p0), im(p1), colour(tl, 255), colour(tr, 255), colour(br, 255), colour(bl, 255));
    }
  }
  // Contours at evenly spaced log losses.
  report.contours = 0;
  for (int k = 1; k < kContourLevels && hi > lo; ++k) {
    const double level = lo + (hi - lo) * k / kContourLevels;
    for (const auto& s : contour_segments(logs, na, nb, level)) {
      const Vec2 p = screen(axis_at(g->a, s.p.x), axis_at(g->b, s.p.y)), q = screen(axis_at(g->a, s.q.x), axis_at(g->b, s.q.y));
      dl->AddLine(im(p), im(q), IM_COL32(0, 0, 0, 90), 1.0f);
      ++report.contours;
    }
  }
  dl->AddRect(im(cells.min), im(cells.max), to_imu32(th.axis), 0.0f);
  auto pct = [](double share) { return share >= 0.1 ? fmt::format("{:.0f}%", 100 * share) : fmt::format("{:.1f}%", 100 * share); };
  const std::string xl = fmt::format("direction 1 ({} of the path) \xe2\x86\x92", pct(g->explained[0]));
  const std::string yl = fmt::format("\xe2\x86\x91 direction 2 ({})", pct(g->explained[1]));
  dl->AddText(ImVec2(cells.max.x - ImGui::CalcTextSize(xl.c_str()).x, cells.max.y + 3 * em()), to_imu32(th.text_dim), xl.c_str());
  dl->AddText(ImVec2(cells.min.x, plot.min.y), to_imu32(th.text_dim), yl.c_str());
  if (g->evaluated < g->total || !g->pending.empty()) {  // on a dimmed band over the cells' top
    std::string text = g->pending.empty() ? fmt::format("computing: {} of {} losses", g->evaluated, g->total) : "";
    if (g->evaluated < g->total && g->stride > 1) text += (text.empty() ? "" : "; ") + coarse_grid(*g);
    if (!g->pending.empty()) text += (text.empty() ? "" : "; ") + g->pending;
    const float wrap = cells.width() - 12 * em();
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
    dl->AddRectFilled(ImVec2(cells.min.x + 1, cells.min.y + 1), ImVec2(cells.max.x - 1, cells.min.y + ts.y + 8 * em()),
                      to_imu32(th.view_bg, 170));
    dl->AddText(nullptr, 0.0f, ImVec2(cells.min.x + 6 * em(), cells.min.y + 4 * em()), to_imu32(th.text), text.c_str(), nullptr,
                wrap);
    ctx.animating = true;  // the app publishes more as it goes; look again
  }

  // Overlaid runs first (under this run's path): their frames projected onto this plane, in the
  // runs' colours (as on the components' plots), their own losses in the dots.
  std::vector<Vec2> other_at;
  std::vector<std::pair<std::size_t, std::size_t>> other_of;  // (run, frame) of each entry of other_at
  for (std::size_t r = 0; r < g->others.size(); ++r) {
    const ImU32 run_colour = to_imu32(th.class_color(static_cast<int>(r) + 5), 255);
    std::vector<ImVec2> pts;
    for (std::size_t i = 0; i < g->others[r].path.size(); ++i) {
      const auto& f = g->others[r].path[i];
      other_at.push_back(screen(f.a, f.b));
      other_of.emplace_back(r, i);
      pts.push_back(im(other_at.back()));
    }
    dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), to_imu32(th.ring_shadow), 0, 4.0f * em());
    dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), run_colour, 0, 2.0f * em());
    for (std::size_t i = 0; i < pts.size(); ++i) {
      const double l = g->others[r].path[i].loss > 0 ? std::log(g->others[r].path[i].loss) : NAN;
      dl->AddCircleFilled(pts[i], 5.0f * em(), run_colour, 14);
      dl->AddCircleFilled(pts[i], 3.5f * em(), colour(l, 255), 14);
    }
  }

  // The path: the frames' exact projections, straight lines between them, the start a square and the
  // frame on the epoch bar ringed.
  std::vector<ImVec2> line;
  std::vector<Vec2> at;
  for (const auto& f : g->path) {
    at.push_back(screen(f.a, f.b));
    line.push_back(im(at.back()));
  }
  dl->AddPolyline(line.data(), static_cast<int>(line.size()), to_imu32(th.ring_shadow), 0, 4.0f * em());
  dl->AddPolyline(line.data(), static_cast<int>(line.size()), to_imu32(th.ring, 230), 0, 2.0f * em());
  int marked = -1;
  for (std::size_t i = 0; i < g->path.size(); ++i) {
    if (g->path[i].frame <= state.frame) marked = static_cast<int>(i);
    const double l = g->path[i].loss > 0 ? std::log(g->path[i].loss) : NAN;
    dl->AddCircleFilled(line[i], 6.0f * em(), to_imu32(th.ring_shadow), 14);
    if (g->path[i].newer) {  // after the plane: a hollow ring
      dl->AddCircle(line[i], 4.5f * em(), to_imu32(th.ring), 14, 1.5f * em());
      continue;
    }
    dl->AddCircleFilled(line[i], 5.0f * em(), to_imu32(th.ring), 14);
    dl->AddCircleFilled(line[i], 3.5f * em(), colour(l, 255), 14);
  }
  if (!line.empty()) {
    const float s = 5 * em();
    dl->AddRect(ImVec2(line[0].x - s, line[0].y - s), ImVec2(line[0].x + s, line[0].y + s), to_imu32(th.ring), 0, 0, 2.0f);
    dl->AddText(ImVec2(line[0].x + 8 * em(), line[0].y - line_h - 2 * em()), to_imu32(th.text), "start");
    report.last_at = at.back();
  }
  if (marked >= 0) {
    const auto m = static_cast<std::size_t>(marked);
    dl->AddCircle(line[m], 8.0f * em(), to_imu32(th.ring_shadow), 20, 4.0f * em());
    dl->AddCircle(line[m], 8.0f * em(), to_imu32(th.badge_bg), 20, 2.5f * em());
    report.marked = marked;
    report.marked_step = g->path[m].frame;
    report.marked_at = at[m];
  }

  // Hover: a frame (its loss, how far it lies off the plane), else the grid's loss under the cursor.
  const ImGuiIO& io = ImGui::GetIO();
  const Vec2 mouse{io.MousePos.x, io.MousePos.y};
  if (hovered && cells.contains(mouse)) {
    const int near = nearest_within(at, mouse, 9 * em());
    const int near_other = near >= 0 ? -1 : nearest_within(other_at, mouse, 9 * em());
    if (near_other >= 0) {
      const auto [r, i] = other_of[static_cast<std::size_t>(near_other)];
      const auto& f = g->others[r].path[i];
      report.hovered = static_cast<int>(g->path.size()) + near_other;
      report.hover = fmt::format("{}: frame {} (epoch {}): loss {:.4g} on the sample; {:.3g} off the plane", g->others[r].name,
                                 f.frame, f.epoch, f.loss, f.off_plane);
      ImGui::SetTooltip("%s", report.hover.c_str());
    } else if (near >= 0) {
      const auto& f = g->path[static_cast<std::size_t>(near)];
      const double reach = std::sqrt(f.a * f.a + f.b * f.b + f.off_plane * f.off_plane);
      report.hovered = near;
      report.hover = f.newer ? fmt::format("frame {} (epoch {}): after this plane, projected onto it; {:.3g} off it ({:.0f}% of its "
                                           "distance)", f.frame, f.epoch, f.off_plane, reach > 0 ? 100 * f.off_plane / reach : 0.0)
                             : fmt::format("frame {} (epoch {}): loss {:.4g} on the sample; {:.3g} off the plane ({:.0f}% of its "
                                           "distance)", f.frame, f.epoch, f.loss, f.off_plane, reach > 0 ? 100 * f.off_plane / reach : 0.0);
      ImGui::SetTooltip("%s\nClick: show this frame on the epoch bar", report.hover.c_str());
      dl->AddCircle(line[static_cast<std::size_t>(near)], 6.0f * em(), to_imu32(th.ring), 16, 2.0f * em());
      if (clicked) {
        state.frame = std::clamp(f.frame, 0, std::max(ctx.frame_count() - 1, 0));
        state.phase = 0;
        state.playing = false;
        state.follow_latest = false;
      }
    } else {
      const double a = g->a.front() + (mouse.x - cells.min.x) / cells.width() * (g->a.back() - g->a.front());
      const double b = g->b.front() + (cells.max.y - mouse.y) / cells.height() * (g->b.back() - g->b.front());
      const double l = loss_at(*g, a, b);
      report.hover = std::isfinite(l) ? fmt::format("a = {:.3g}, b = {:.3g}: loss {:.4g}{}", a, b, l,
                                                    g->stride > 1 ? " (interpolated from the coarse grid so far)" : "")
                                      : fmt::format("a = {:.3g}, b = {:.3g}: not computed yet", a, b);
      ImGui::SetTooltip("%s\n(a, b: distances in parameter space from the latest frame, at 0, 0)", report.hover.c_str());
    }
  }

  // Below: the colour bar, and how the plane relates to the path.
  const float y0 = plot.max.y + 6 * em();
  const std::string title = fmt::format("training loss on {} images (log):", g->sample);
  dl->AddText(ImVec2(plot.min.x, y0), to_imu32(th.text_dim), title.c_str());
  const std::string left = fmt::format("{:.3g}", std::exp(hi)), right = fmt::format("{:.3g}", std::exp(lo));
  float x = plot.min.x + ImGui::CalcTextSize(title.c_str()).x + 8 * em();
  dl->AddText(ImVec2(x, y0), to_imu32(th.text_dim), left.c_str());
  x += ImGui::CalcTextSize(left.c_str()).x + 4 * em();
  const float bar_w = 90 * em();
  constexpr int kSteps = 24;
  for (int i = 0; i < kSteps; ++i) {
    const float a = x + bar_w * static_cast<float>(i) / kSteps, b = x + bar_w * static_cast<float>(i + 1) / kSteps;
    dl->AddRectFilled(ImVec2(a, y0 + 3 * em()), ImVec2(b, y0 + line_h - 3 * em()),
                      to_imu32(sequential_color((static_cast<float>(i) + 0.5f) / kSteps), 255));
  }
  dl->AddText(ImVec2(x + bar_w + 4 * em(), y0), to_imu32(th.text_dim), right.c_str());
  // The runs, on a line of their own: this one's path white, the overlaid ones in their colours.
  x = plot.min.x;
  const float y1 = y0 + line_h + 4 * em();
  const std::string own = ctx.session_file.empty() ? "this run" : ctx.session_file.stem().string();
  for (std::size_t r = 0; r <= g->others.size(); ++r) {
    const std::string& name = r == 0 ? own : g->others[r - 1].name;
    const ImU32 c = r == 0 ? to_imu32(th.ring) : to_imu32(th.class_color(static_cast<int>(r) + 4), 255);
    const float mid = y1 + line_h / 2;
    dl->AddLine(ImVec2(x, mid), ImVec2(x + 16 * em(), mid), c, 2.5f * em());
    dl->AddText(ImVec2(x + 20 * em(), y1), to_imu32(th.text), name.c_str());
    x += 28 * em() + ImGui::CalcTextSize(name.c_str()).x;
  }
  dl->AddText(nullptr, 0.0f, ImVec2(plot.min.x, y1 + line_h + 4 * em()), to_imu32(th.text_dim), plane.c_str(), nullptr,
              text_w);
  ImGui::PopClipRect();
}

}  // namespace epochscope::ui
