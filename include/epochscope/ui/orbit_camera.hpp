// Contract: a 3-D orbit camera, pure arithmetic (no ImGui, no GL): it looks at `target` from
// `distance` away along the direction given by yaw (about the vertical axis) and pitch (up from
// the horizontal plane), with a perspective projection onto a view rectangle (y down). Drag
// rotates (0.01 rad a pixel, pitch kept within +/- 1.5 rad so the view never flips), the wheel
// zooms (x 1.15 a notch, within 0.5..50), reset() returns to the default three-quarter view. Used by
// the trajectory panel's 3-D plot and by 3-D projection views, whose points the GPU projects with
// clip_matrix(): the same mapping as project(), as a 4x4 matrix for a viewport covering the rect.
#pragma once

#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

struct Vec3 {
  float x = 0, y = 0, z = 0;
};

struct OrbitCamera {
  float yaw = 0.7f;
  float pitch = 0.45f;
  float distance = 3.2f;   ///< from the target, in data units
  Vec3 target{0, 0, 0};
  float fov_y = 0.8f;      ///< vertical field of view, radians

  void rotate(float dx_pixels, float dy_pixels);
  void zoom(float wheel_notches);
  void reset() { *this = OrbitCamera{}; }

  /// Where the camera is, and its unit right / up / forward vectors (a right-handed, orthonormal basis).
  Vec3 eye() const;
  void basis(Vec3& right, Vec3& up, Vec3& forward) const;
  /// Screen position of p in `rect` (perspective); depth (distance along the view direction) out.
  Vec2 project(Vec3 p, const Rect& rect, float* depth = nullptr) const;
  /// Column-major 4x4 matrix taking a data point q to clip space for a GL viewport covering `rect`:
  /// q is first mapped to p = (q - model_center) * model_scale, then projected as project(p) does
  /// (x and y of the NDC match project()'s screen position; w is the depth; z maps depth `near` to
  /// -1 and `far` to +1 for depth testing). near > 0, far > near.
  void clip_matrix(const Rect& rect, float near, float far, float out[16], Vec3 model_center = {}, float model_scale = 1) const;
};

}  // namespace epochscope::ui
