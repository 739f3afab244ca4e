// Contract: the geometry of a 3-D projection view, pure arithmetic (no ImGui, no GL). The layout is
// shown normalised, (p - center) / radius, so the orbit camera's default distance frames it; the fit
// follows the layout smoothly as it converges or the frame changes (snapping the first time).
// project_to_screen() gives every point's screen offset from the canvas centre (y up) and its depth
// under the camera's clip matrix, for picking, rings, traces and edges; front_most() picks, of the
// points near the cursor, the nearest to the eye whose drawn disc covers it (what the user sees).
#pragma once

#include <span>
#include <vector>

#include "epochscope/ui/orbit_camera.hpp"

namespace epochscope::ui {

/// Axis-aligned bounds of a 3-D point set (non-finite points skipped).
struct Box3 {
  Vec3 min, max;
  bool valid = false;
  void extend(Vec3 p);
  /// Bounds of n interleaved points x0 y0 z0 x1 ...
  static Box3 of(std::span<const float> xyz);
  Vec3 center() const;
  /// Half the diagonal (at least 1e-6).
  float radius() const;
};

struct OrbitFit {
  Vec3 center;
  float radius = 1;
  bool valid = false;
  /// Moves towards `box`: at once the first time (or when not valid), else a share
  /// clamp(8 dt, 0.05, 1) of the way (the radius in log space). Returns true while still moving.
  bool follow(const Box3& box, float dt);
  /// Data units to the camera's: 1 / radius, less on a portrait canvas (the field of view is
  /// vertical; this keeps the layout inside the narrower width too).
  float model_scale(const Rect& rect) const;
};

/// xy: n interleaved screen offsets from the rect's centre (y up, pixels), depth: n distances along
/// the view, for the points `xyz` under `clip` (OrbitCamera::clip_matrix). Points at or behind
/// `near` get NaN offsets (not drawn, not pickable).
void project_to_screen(std::span<const float> xyz, const float clip[16], const Rect& rect, float near,
                       std::vector<float>& xy, std::vector<float>& depth);

/// Of `candidates` (indices into xy and depth), the front-most whose disc, drawn at `point_px`
/// scaled by its depth relative to `distance` as the point shader does, covers `p`; -1 if none.
int front_most(std::span<const int> candidates, std::span<const float> xy, std::span<const float> depth, Vec2 p,
               float point_px, float distance);

}  // namespace epochscope::ui
