// Contract: what makes a projection view 3-D: an orbit camera (drag turns it, the wheel zooms,
// double-click fits, reset() returns to the default view), a fit that follows the layout smoothly
// (ui/orbit_fit.hpp), the GPU's transform with depth testing and depth-dimmed points, and on the CPU
// every point's screen position and depth, recomputed only when the camera, the fit, the layout or
// the canvas changes, so hover (the front-most point under the cursor), rings, traces and edges work
// in screen space as in 2-D. Also a faint bounding box and an axis gizmo for orientation.
#pragma once

#include <imgui.h>

#include <span>
#include <vector>

#include "epochscope/render/point_renderer.hpp"
#include "epochscope/ui/orbit_fit.hpp"
#include "epochscope/ui/palette.hpp"
#include "epochscope/ui/picking.hpp"

namespace epochscope::ui {

/// The orbit camera's fitted distance (the layout fills about 85% of the canvas height).
inline constexpr float kOrbitDistance = 2.7f;

class OrbitView {
 public:
  OrbitView();
  /// A new source or configuration: the next layout is fitted at once.
  void restart();
  /// The layout shown changed: x y z interleaved.
  void set_layout(std::span<const float> xyz);
  /// Follows the layout's bounds; returns true while the fit still moves (another frame is needed).
  bool follow(float dt);
  /// Screen offsets from the canvas centre (y up) into xy, when anything they depend on changed;
  /// returns whether it recomputed them.
  bool project(const Rect& rect, std::span<const float> xyz, std::vector<float>& xy);
  /// A data point on screen.
  Vec2 screen_of(Vec3 p, const Rect& rect) const;
  /// The front-most point under `p` (screen offsets, as in xy), or grid's nearest within radius.
  int pick(const PointGrid& grid, std::span<const float> xy, Vec2 p, float radius, float point_px) const;
  /// The transform, depth test and fog for the GL point renderer.
  void gl_params(const Rect& rect, render::ViewParams& params) const;
  void draw_box(ImDrawList* dl, const Rect& rect, const Theme& theme) const;

  // Input.
  void turn(float dx, float dy) { camera_.rotate(dx, dy); }
  void zoom(float notches) { camera_.zoom(notches); }
  /// Back to the fitted distance, keeping the angle the user turned to.
  void fit_again();
  /// Back to the default angle and distance.
  void reset();
  const OrbitCamera& camera() const { return camera_; }

 private:
  static constexpr float kNear = 0.02f, kFar = 100.0f;
  OrbitCamera camera_;
  OrbitFit fit_;
  Box3 box_;
  std::vector<float> depth_;
  float projected_[9] = {};  ///< camera, fit and rect the screen positions were computed for
  bool dirty_ = true;
};

}  // namespace epochscope::ui
