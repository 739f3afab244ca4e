// Contract: which point is under the cursor. A uniform grid over a layout's bounds (about two points
// per cell), rebuilt when the layout changes (O(N)); nearest() looks only at the cells within the
// radius, so a hover query costs microseconds instead of a scan of every point. Hidden points (mask
// 0) are never returned. Ties go to the lower index; exactly the brute-force answer.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

class PointGrid {
 public:
  /// xy: n interleaved points; visible: empty (all visible) or n flags.
  void build(std::span<const float> xy, std::span<const std::uint8_t> visible = {});
  /// The visible point nearest to p within `radius` (data units), or -1.
  int nearest(Vec2 p, float radius) const;
  /// Every visible point within `radius` of p, in index order.
  std::vector<int> within(Vec2 p, float radius) const;
  std::size_t size() const { return xy_.size() / 2; }

 private:
  template <class F>
  void visit(Vec2 p, float radius, F&& f) const;
  std::vector<float> xy_;
  std::vector<std::uint32_t> cell_start_;
  std::vector<std::uint32_t> items_;
  Vec2 origin_;
  float cell_ = 1;
  int nx_ = 0, ny_ = 0;
};

/// The visible points inside `polygon` (data units, any orientation, closed implicitly; even-odd
/// rule, so a lasso that crosses itself leaves out what it wraps twice), in index order. Fewer than
/// three corners: none.
std::vector<int> points_in_polygon(std::span<const float> xy, std::span<const std::uint8_t> visible,
                                   std::span<const Vec2> polygon);

/// Reference answer for tests: the nearest visible point by a linear scan.
int nearest_brute_force(std::span<const float> xy, std::span<const std::uint8_t> visible, Vec2 p, float radius);

}  // namespace epochscope::ui
