#include "epochscope/ui/graph_overlay.hpp"

#include <cmath>

#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

ImVec2 im(Vec2 v) { return {v.x, v.y}; }

}  // namespace

GraphOverlay::GraphOverlay() : buffer_(std::make_unique<render::EdgeBuffer>()) {}

void GraphOverlay::set_edges(const EdgeList& edges) {
  if (edges == uploaded_) return;
  std::vector<std::uint32_t> pairs;
  if (edges) {
    pairs.reserve(edges->size() * 2);
    for (const auto& [i, j] : *edges) {
      pairs.push_back(static_cast<std::uint32_t>(i));
      pairs.push_back(static_cast<std::uint32_t>(j));
    }
  }
  buffer_->set_edges(pairs);
  uploaded_ = edges;
}

int GraphOverlay::draw_hovered(ImDrawList* dl, const store::PointSet& points, std::span<const float> xy,
                               const ViewTransform& camera, const Rect& rect, std::size_t hovered, float point_px,
                               const Theme& th) {
  if (!uploaded_) return -1;
  const std::size_t n = xy.size() / 2;
  if (adjacent_ != uploaded_ || adjacency_.size() != n) {  // once per layout
    adjacency_.build(*uploaded_, n);
    adjacent_ = uploaded_;
  }
  if (hovered >= n || !std::isfinite(xy[2 * hovered])) return -1;
  const Vec2 h = camera.to_screen({xy[2 * hovered], xy[2 * hovered + 1]}, rect);
  const float r = 0.5f * point_px;
  int count = 0;
  const auto neighbours = adjacency_.of(hovered);
  for (const std::uint32_t j : neighbours) {
    const Vec2 s = camera.to_screen({xy[2 * j], xy[2 * j + 1]}, rect);
    if (!std::isfinite(s.x)) continue;
    dl->AddLine(im(h), im(s), to_imu32(th.ring_shadow, 160), 3.5f);
    dl->AddLine(im(h), im(s), to_imu32(th.ring, 230), 1.5f);
    ++count;
  }
  for (const std::uint32_t j : neighbours) {
    const Vec2 s = camera.to_screen({xy[2 * j], xy[2 * j + 1]}, rect);
    if (!std::isfinite(s.x)) continue;
    dl->AddCircleFilled(im(s), r + 2.0f, to_imu32(th.class_color(points.labels[j])), 16);
    dl->AddCircle(im(s), r + 3.0f, to_imu32(th.ring, 220), 18, 1.5f);
  }
  return count;
}

}  // namespace epochscope::ui
