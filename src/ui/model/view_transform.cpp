#include "epochscope/ui/view_transform.hpp"

#include <algorithm>
#include <cmath>

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
