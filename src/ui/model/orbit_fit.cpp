#include "epochscope/ui/orbit_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace epochscope::ui {

void Box3::extend(Vec3 p) {
  if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) return;
  if (!valid) {
    min = max = p;
    valid = true;
    return;
  }
  min = {std::min(min.x, p.x), std::min(min.y, p.y), std::min(min.z, p.z)};
  max = {std::max(max.x, p.x), std::max(max.y, p.y), std::max(max.z, p.z)};
}

Box3 Box3::of(std::span<const float> xyz) {
  Box3 b;
  for (std::size_t i = 0; i + 2 < xyz.size(); i += 3) b.extend({xyz[i], xyz[i + 1], xyz[i + 2]});
  return b;
}

Vec3 Box3::center() const { return {0.5f * (min.x + max.x), 0.5f * (min.y + max.y), 0.5f * (min.z + max.z)}; }

float Box3::radius() const { return std::max(0.5f * std::hypot(max.x - min.x, max.y - min.y, max.z - min.z), 1e-6f); }

bool OrbitFit::follow(const Box3& box, float dt) {
  if (!box.valid) return false;
  const Vec3 c = box.center();
  const float r = box.radius();
  if (!valid) {
    center = c;
    radius = r;
    valid = true;
    return false;
  }
  const float k = std::clamp(dt * 8.0f, 0.05f, 1.0f);
  const float moved = std::hypot(c.x - center.x, c.y - center.y, c.z - center.z) / r;
  if (moved < 2e-3f && std::abs(std::log(r / radius)) < 2e-3f) {
    center = c;
    radius = r;
    return false;
  }
  center = {center.x + (c.x - center.x) * k, center.y + (c.y - center.y) * k, center.z + (c.z - center.z) * k};
  radius = std::exp(std::log(radius) + (std::log(r) - std::log(radius)) * k);
  return true;
}

float OrbitFit::model_scale(const Rect& rect) const {
  const float narrow = rect.width() > 0 && rect.height() > rect.width() ? rect.width() / rect.height() : 1.0f;
  return narrow / radius;
}

void project_to_screen(std::span<const float> xyz, const float m[16], const Rect& rect, float near,
                       std::vector<float>& xy, std::vector<float>& depth) {
  const std::size_t n = xyz.size() / 3;
  xy.resize(2 * n);
  depth.resize(n);
  const float hw = 0.5f * rect.width(), hh = 0.5f * rect.height();
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  for (std::size_t i = 0; i < n; ++i) {
    const float x = xyz[3 * i], y = xyz[3 * i + 1], z = xyz[3 * i + 2];
    const float cx = m[0] * x + m[4] * y + m[8] * z + m[12];
    const float cy = m[1] * x + m[5] * y + m[9] * z + m[13];
    const float w = m[3] * x + m[7] * y + m[11] * z + m[15];
    depth[i] = w;
    if (!(w > near)) {  // behind the eye (zoomed into the cloud)
      xy[2 * i] = xy[2 * i + 1] = nan;
      continue;
    }
    xy[2 * i] = cx / w * hw;
    xy[2 * i + 1] = cy / w * hh;
  }
}

int front_most(std::span<const int> candidates, std::span<const float> xy, std::span<const float> depth, Vec2 p,
               float point_px, float distance) {
  int best = -1;
  float best_depth = std::numeric_limits<float>::infinity();
  for (const int i : candidates) {
    const auto k = static_cast<std::size_t>(i);
    if (k >= depth.size() || 2 * k + 1 >= xy.size()) continue;
    const float drawn = 0.5f * point_px * std::clamp(distance / std::max(depth[k], 1e-4f), 0.55f, 1.9f) + 1.0f;
    const float dx = xy[2 * k] - p.x, dy = xy[2 * k + 1] - p.y;
    if (dx * dx + dy * dy <= drawn * drawn && depth[k] < best_depth) {
      best_depth = depth[k];
      best = i;
    }
  }
  return best;
}

}  // namespace epochscope::ui
