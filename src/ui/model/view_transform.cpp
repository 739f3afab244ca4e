#include "epochscope/ui/view_transform.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace epochscope::ui {

void Bounds::extend(Vec2 p) {
  if (!std::isfinite(p.x) || !std::isfinite(p.y)) return;
  if (!valid()) {
    min = max = p;
    return;
  }
  min = {std::min(min.x, p.x), std::min(min.y, p.y)};
  max = {std::max(max.x, p.x), std::max(max.y, p.y)};
}

Bounds Bounds::of(std::span<const float> xy) {
  Bounds b;
  for (std::size_t i = 0; i + 1 < xy.size(); i += 2) b.extend({xy[i], xy[i + 1]});
  return b;
}

Bounds Bounds::of_bulk(std::span<const float> xy, std::size_t* far) {
  if (far != nullptr) *far = 0;
  const Bounds all = of(xy);
  const std::size_t n = xy.size() / 2;
  if (n < 1000 || !all.valid()) return all;
  // The central 99.8% on each axis (finite values only), estimated from at most ~8,000 points taken
  // at a fixed stride (this runs whenever the positions move, every frame while playing).
  const std::size_t stride = std::max<std::size_t>(1, n / 8192);
  std::vector<float> v;
  v.reserve(n / stride + 1);
  float lo[2], hi[2];
  for (int axis = 0; axis < 2; ++axis) {
    v.clear();
    for (std::size_t i = 0; i < n; i += stride) {
      if (std::isfinite(xy[2 * i + static_cast<std::size_t>(axis)])) v.push_back(xy[2 * i + static_cast<std::size_t>(axis)]);
    }
    const auto at = [&](double q) {
      const auto k = static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
      std::nth_element(v.begin(), v.begin() + k, v.end());
      return v[static_cast<std::size_t>(k)];
    };
    const float a = at(0.001), b = at(0.999);
    const float pad = 0.5f * std::max(b - a, 1e-6f);
    lo[axis] = a - pad;
    hi[axis] = b + pad;
  }
  if (all.min.x >= lo[0] && all.max.x <= hi[0] && all.min.y >= lo[1] && all.max.y <= hi[1]) return all;
  Bounds bulk;
  std::size_t outside = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Vec2 p{xy[2 * i], xy[2 * i + 1]};
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    if (p.x < lo[0] || p.x > hi[0] || p.y < lo[1] || p.y > hi[1]) {
      ++outside;
    } else {
      bulk.extend(p);
    }
  }
  if (far != nullptr) *far = outside;
  return bulk;
}

Vec2 ViewTransform::to_screen(Vec2 data, const Rect& rect) const {
  const Vec2 c = rect.center();
  return {c.x + (data.x - center.x) * scale, c.y - (data.y - center.y) * scale};
}

Vec2 ViewTransform::to_data(Vec2 screen, const Rect& rect) const {
  const Vec2 c = rect.center();
  return {center.x + (screen.x - c.x) / scale, center.y - (screen.y - c.y) / scale};
}

void ViewTransform::pan(Vec2 delta) {
  center.x -= delta.x / scale;
  center.y += delta.y / scale;
}

void ViewTransform::zoom_at(Vec2 cursor, const Rect& rect, float factor) {
  const Vec2 before = to_data(cursor, rect);
  scale = std::clamp(scale * factor, 1e-6f, 1e9f);
  const Vec2 after = to_data(cursor, rect);
  center.x += before.x - after.x;
  center.y += before.y - after.y;
}

ViewTransform ViewTransform::fit(const Bounds& bounds, const Rect& rect, float margin) {
  ViewTransform t;
  if (!bounds.valid()) return t;
  t.center = {0.5f * (bounds.min.x + bounds.max.x), 0.5f * (bounds.min.y + bounds.max.y)};
  const float w = std::max(bounds.max.x - bounds.min.x, 1e-6f);
  const float h = std::max(bounds.max.y - bounds.min.y, 1e-6f);
  const float avail_w = std::max(rect.width() - 2 * margin, 1.0f);
  const float avail_h = std::max(rect.height() - 2 * margin, 1.0f);
  t.scale = std::clamp(std::min(avail_w / w, avail_h / h), 1e-6f, 1e9f);
  return t;
}

void ViewTransform::ndc(const Rect& rect, float scale_out[2], float offset_out[2]) const {
  const float sx = 2.0f * scale / std::max(rect.width(), 1.0f);
  const float sy = 2.0f * scale / std::max(rect.height(), 1.0f);
  scale_out[0] = sx;
  scale_out[1] = sy;
  offset_out[0] = -center.x * sx;
  offset_out[1] = -center.y * sy;
}

ViewTransform ViewTransform::toward(const ViewTransform& target, float t) const {
  ViewTransform r;
  r.center = {center.x + (target.center.x - center.x) * t, center.y + (target.center.y - center.y) * t};
  r.scale = std::exp(std::log(scale) + (std::log(target.scale) - std::log(scale)) * t);
  return r;
}

bool ViewTransform::near(const ViewTransform& other, float pixel_tolerance, const Rect& rect) const {
  const float diag = std::hypot(rect.width(), rect.height());
  const float ds = std::abs(scale / other.scale - 1.0f) * diag;
  const float dc = std::hypot(center.x - other.center.x, center.y - other.center.y) * scale;
  return ds < pixel_tolerance && dc < pixel_tolerance;
}

}  // namespace epochscope::ui
