#include "epochscope/ui/orbit_camera.hpp"

#include <algorithm>
#include <cmath>

namespace epochscope::ui {
namespace {

Vec3 cross(Vec3 a, Vec3 b) { return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x}; }
float dot(Vec3 a, Vec3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
Vec3 normalized(Vec3 a) {
  const float n = std::sqrt(dot(a, a));
  return n > 0 ? Vec3{a.x / n, a.y / n, a.z / n} : Vec3{0, 0, 0};
}

}  // namespace

void OrbitCamera::rotate(float dx_pixels, float dy_pixels) {
  yaw += 0.01f * dx_pixels;
  pitch = std::clamp(pitch + 0.01f * dy_pixels, -1.5f, 1.5f);
}

void OrbitCamera::zoom(float wheel_notches) {
  distance = std::clamp(distance * std::pow(1.15f, -wheel_notches), 0.5f, 50.0f);
}

Vec3 OrbitCamera::eye() const {
  // y is up; yaw turns about it, pitch lifts the eye above the x-z plane.
  return {target.x + distance * std::cos(pitch) * std::sin(yaw), target.y + distance * std::sin(pitch),
          target.z + distance * std::cos(pitch) * std::cos(yaw)};
}

void OrbitCamera::basis(Vec3& right, Vec3& up, Vec3& forward) const {
  const Vec3 e = eye();
  forward = normalized({target.x - e.x, target.y - e.y, target.z - e.z});
  right = normalized(cross(forward, {0, 1, 0}));
  up = cross(right, forward);
}

Vec2 OrbitCamera::project(Vec3 p, const Rect& rect, float* depth) const {
  Vec3 right, up, forward;
  basis(right, up, forward);
  const Vec3 e = eye();
  const Vec3 d{p.x - e.x, p.y - e.y, p.z - e.z};
  const float z = std::max(dot(d, forward), 1e-3f);
  if (depth != nullptr) *depth = z;
  const float f = 0.5f * rect.height() / std::tan(0.5f * fov_y);  // pixels per unit at depth 1
  const Vec2 c = rect.center();
  return {c.x + f * dot(d, right) / z, c.y - f * dot(d, up) / z};
}

void OrbitCamera::clip_matrix(const Rect& rect, float near, float far, float out[16], Vec3 model_center,
                              float model_scale) const {
  Vec3 right, up, forward;
  basis(right, up, forward);
  const Vec3 e = eye();
  const float f = 0.5f * rect.height() / std::tan(0.5f * fov_y);
  const float sx = 2.0f * f / std::max(rect.width(), 1e-6f), sy = 2.0f * f / std::max(rect.height(), 1e-6f);
  const float a = (far + near) / (far - near), b = -2.0f * far * near / (far - near);
  // Rows of the view-projection matrix acting on p (homogeneous): x_c = sx (p - e).right,
  // y_c = sy (p - e).up, w_c = (p - e).forward, z_c = a w_c + b.
  const Vec3 rows[4] = {{sx * right.x, sx * right.y, sx * right.z},
                        {sy * up.x, sy * up.y, sy * up.z},
                        {a * forward.x, a * forward.y, a * forward.z},
                        {forward.x, forward.y, forward.z}};
  const float row_offset[4] = {-sx * dot(right, e), -sy * dot(up, e), -a * dot(forward, e) + b, -dot(forward, e)};
  // Fold in the model map p = (q - c) * s: the row r acts on q as s r, offset r.(-s c) + offset.
  for (int r = 0; r < 4; ++r) {
    const Vec3 m{rows[r].x * model_scale, rows[r].y * model_scale, rows[r].z * model_scale};
    out[0 + r] = m.x;
    out[4 + r] = m.y;
    out[8 + r] = m.z;
    out[12 + r] = row_offset[r] - dot(m, model_center);
  }
}

}  // namespace epochscope::ui
