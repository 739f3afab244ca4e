// ProjectionView as vector shapes, for `render --svg` and the view menu's export: the points as the
// canvas shows them (the same colours, highlight and drawing order as the point styles) and the
// traces, in the canvas's own pixels.
#include <algorithm>
#include <cmath>

#include "epochscope/ui/projection_view.hpp"

namespace epochscope::ui {

SvgScene ProjectionView::svg_scene(const UiContext& ctx, const UiState& state) const {
  SvgScene scene;
  scene.width = canvas_.width();
  scene.height = canvas_.height();
  const Theme& th = *ctx.theme;
  scene.background = th.view_bg;
  scene.text = th.text;
  scene.outline = th.ring_shadow;
  scene.radius = 0.5f * gl_point_px_;
  const auto* points = ctx.points();
  if (points == nullptr || shown_dims_ == 3 || xy_.size() != 2 * points->size()) return scene;
  const int n_frames = ctx.frame_count();
  const store::Frame* frame = n_frames == 0 ? nullptr
      : ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, n_frames - 1))].get();
  const int highlight = state.highlight_class();
  std::vector<SvgPoint> back, front;
  for (std::size_t i = 0; i < points->size(); ++i) {
    if (!state.passes_filter(points->heldout[i] != 0)) continue;
    const int label = points->labels[i];
    const bool wrong = frame != nullptr && i < frame->predicted.size() && frame->predicted[i] != label;
    bool emphasis = false, dim = false;
    if (highlight >= 0) {
      emphasis = label == highlight && (!state.show_misclassified || wrong);
      dim = !emphasis;
    } else if (state.show_misclassified) {
      emphasis = wrong;
      dim = !wrong;
    }
    Rgba8 c = dim ? th.dimmed : th.class_color(label);
    if (!dim) c.a = 215;
    const Vec2 s = camera_.to_screen({xy_[2 * i], xy_[2 * i + 1]}, canvas_);
    SvgPoint p{{s.x - canvas_.min.x, s.y - canvas_.min.y}, c, points->heldout[i] != 0};
    (emphasis ? front : back).push_back(p);
  }
  // Like the GL points: one colour's points together (a run per colour keeps the file small), the
  // emphasised ones last, on top.
  const auto by_colour = [](const SvgPoint& a, const SvgPoint& b) {
    return std::tie(a.colour.r, a.colour.g, a.colour.b, a.hollow) < std::tie(b.colour.r, b.colour.g, b.colour.b, b.hollow);
  };
  std::stable_sort(back.begin(), back.end(), by_colour);
  std::stable_sort(front.begin(), front.end(), by_colour);
  scene.points = std::move(back);
  scene.points.insert(scene.points.end(), front.begin(), front.end());
  for (auto t : trace_lines_) {
    for (auto& p : t.points) p = {p.x - canvas_.min.x, p.y - canvas_.min.y};
    scene.traces.push_back(std::move(t));
  }
  return scene;
}

}  // namespace epochscope::ui
