#include "epochscope/ui/picking.hpp"

#include <algorithm>
#include <cmath>

namespace epochscope::ui {

void PointGrid::build(std::span<const float> xy, std::span<const std::uint8_t> visible) {
  const std::size_t n = xy.size() / 2;
  xy_.assign(xy.begin(), xy.begin() + static_cast<std::ptrdiff_t>(2 * n));
  Bounds b;
  for (std::size_t i = 0; i < n; ++i) {
    if (visible.empty() || visible[i] != 0) b.extend({xy[2 * i], xy[2 * i + 1]});
  }
  items_.clear();
  if (!b.valid()) {
    nx_ = ny_ = 0;
    cell_start_.assign(1, 0);
    return;
  }
  const float w = std::max(b.max.x - b.min.x, 1e-9f);
  const float h = std::max(b.max.y - b.min.y, 1e-9f);
  const double cells = std::max<double>(1.0, static_cast<double>(n) / 2.0);
  cell_ = static_cast<float>(std::sqrt(static_cast<double>(w) * h / cells));
  cell_ = std::max({cell_, w / 4096.0f, h / 4096.0f, 1e-12f});
  nx_ = std::clamp(static_cast<int>(w / cell_) + 1, 1, 4096);
  ny_ = std::clamp(static_cast<int>(h / cell_) + 1, 1, 4096);
  origin_ = b.min;
  const std::size_t total = static_cast<std::size_t>(nx_) * static_cast<std::size_t>(ny_);
  cell_start_.assign(total + 1, 0);
  std::vector<std::uint32_t> cell_of(n, UINT32_MAX);
  for (std::size_t i = 0; i < n; ++i) {
    if (!visible.empty() && visible[i] == 0) continue;
    const float x = xy[2 * i], y = xy[2 * i + 1];
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    const int cx = std::clamp(static_cast<int>((x - origin_.x) / cell_), 0, nx_ - 1);
    const int cy = std::clamp(static_cast<int>((y - origin_.y) / cell_), 0, ny_ - 1);
    cell_of[i] = static_cast<std::uint32_t>(cy * nx_ + cx);
    ++cell_start_[cell_of[i] + 1];
  }
  for (std::size_t c = 0; c < total; ++c) cell_start_[c + 1] += cell_start_[c];
  items_.resize(cell_start_[total]);
  std::vector<std::uint32_t> fill(cell_start_.begin(), cell_start_.end() - 1);
  for (std::size_t i = 0; i < n; ++i) {
    if (cell_of[i] != UINT32_MAX) items_[fill[cell_of[i]]++] = static_cast<std::uint32_t>(i);
  }
}

template <class F>
void PointGrid::visit(Vec2 p, float radius, F&& f) const {
  if (nx_ == 0 || !(radius >= 0) || !std::isfinite(p.x) || !std::isfinite(p.y)) return;
  const auto cell_index = [&](float v, float o, int count) {
    const float c = std::floor((v - o) / cell_);
    return static_cast<int>(std::clamp(c, -1.0f, static_cast<float>(count)));
  };
  const int x0 = std::max(cell_index(p.x - radius, origin_.x, nx_), 0);
  const int x1 = std::min(cell_index(p.x + radius, origin_.x, nx_), nx_ - 1);
  const int y0 = std::max(cell_index(p.y - radius, origin_.y, ny_), 0);
  const int y1 = std::min(cell_index(p.y + radius, origin_.y, ny_), ny_ - 1);
  for (int cy = y0; cy <= y1; ++cy) {
    for (int cx = x0; cx <= x1; ++cx) {
      const auto c = static_cast<std::size_t>(cy * nx_ + cx);
      for (auto k = cell_start_[c]; k < cell_start_[c + 1]; ++k) f(items_[k]);
    }
  }
}

int PointGrid::nearest(Vec2 p, float radius) const {
  int best = -1;
  float best_d2 = radius * radius;
  visit(p, radius, [&](std::uint32_t i) {
    const float dx = xy_[2 * i] - p.x, dy = xy_[2 * i + 1] - p.y;
    const float d2 = dx * dx + dy * dy;
    if (d2 < best_d2 || (d2 == best_d2 && best >= 0 && static_cast<int>(i) < best) || (d2 == best_d2 && best < 0)) {
      best_d2 = d2;
      best = static_cast<int>(i);
    }
  });
  return best;
}

std::vector<int> PointGrid::within(Vec2 p, float radius) const {
  std::vector<int> out;
  visit(p, radius, [&](std::uint32_t i) {
    const float dx = xy_[2 * i] - p.x, dy = xy_[2 * i + 1] - p.y;
    if (dx * dx + dy * dy <= radius * radius) out.push_back(static_cast<int>(i));
  });
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> points_in_polygon(std::span<const float> xy, std::span<const std::uint8_t> visible,
                                   std::span<const Vec2> polygon) {
  std::vector<int> out;
  if (polygon.size() < 3) return out;
  Vec2 lo = polygon[0], hi = polygon[0];
  for (const Vec2& v : polygon) {
    lo = {std::min(lo.x, v.x), std::min(lo.y, v.y)};
    hi = {std::max(hi.x, v.x), std::max(hi.y, v.y)};
  }
  const std::size_t m = polygon.size();
  for (std::size_t i = 0; i < xy.size() / 2; ++i) {
    if (!visible.empty() && (i >= visible.size() || visible[i] == 0)) continue;
    const float x = xy[2 * i], y = xy[2 * i + 1];
    if (!(x >= lo.x && x <= hi.x && y >= lo.y && y <= hi.y)) continue;  // (NaN positions fail here too)
    bool inside = false;
    for (std::size_t a = 0, b = m - 1; a < m; b = a++) {  // a ray to +x crosses edge b-a?
      const Vec2 &pa = polygon[a], &pb = polygon[b];
      if ((pa.y > y) != (pb.y > y) && x < (pb.x - pa.x) * (y - pa.y) / (pb.y - pa.y) + pa.x) inside = !inside;
    }
    if (inside) out.push_back(static_cast<int>(i));
  }
  return out;
}

int nearest_brute_force(std::span<const float> xy, std::span<const std::uint8_t> visible, Vec2 p, float radius) {
  int best = -1;
  float best_d2 = radius * radius;
  for (std::size_t i = 0; i < xy.size() / 2; ++i) {
    if (!visible.empty() && visible[i] == 0) continue;
    const float dx = xy[2 * i] - p.x, dy = xy[2 * i + 1] - p.y;
    const float d2 = dx * dx + dy * dy;
    if (d2 < best_d2 || (d2 == best_d2 && best < 0)) {
      best_d2 = d2;
      best = static_cast<int>(i);
    }
  }
  return best;
}

}  // namespace epochscope::ui
