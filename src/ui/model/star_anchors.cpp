#include "epochscope/ui/star_anchors.hpp"

#include <algorithm>
#include <cmath>

#include "epochscope/project/star.hpp"

namespace epochscope::ui {

void StarAnchors::reset(int dims) {
  anchors_ = project::default_star_anchors(std::max(dims, 1));
  moved_ = false;
  ++generation_;
}

void StarAnchors::ensure(int dims) {
  if (anchors_.rows() != std::max(dims, 1)) reset(dims);
}

void StarAnchors::move(int k, Vec2 data) {
  if (k < 0 || k >= anchors_.rows()) return;
  anchors_(k, 0) = data.x;
  anchors_(k, 1) = data.y;
  moved_ = true;
  ++generation_;
}

int StarAnchors::hit(Vec2 mouse, const ViewTransform& camera, const Rect& rect, float radius_px) const {
  int best = -1;
  float best_d = radius_px;
  for (Eigen::Index k = 0; k < anchors_.rows(); ++k) {
    const Vec2 s = camera.to_screen({anchors_(k, 0), anchors_(k, 1)}, rect);
    const float d = std::hypot(s.x - mouse.x, s.y - mouse.y);
    if (d < best_d) {
      best_d = d;
      best = static_cast<int>(k);
    }
  }
  return best;
}

Vec2 anchor_label_position(Vec2 anchor, Vec2 origin, Vec2 text, float gap) {
  const float dx = anchor.x - origin.x, dy = anchor.y - origin.y;
  const float len = std::max(std::hypot(dx, dy), 1.0f);
  const float ux = dx / len, uy = dy / len;
  // Pushed out by half the label's extent along the spoke, so its near edge is `gap` beyond the
  // anchor whatever its length ("T-shirt/top" on the left anchor does not cover the circle).
  const float push = gap + std::abs(ux) * text.x / 2 + std::abs(uy) * text.y / 2;
  return {anchor.x + ux * push - text.x / 2, anchor.y + uy * push - text.y / 2};
}

bool labels_overlap(const std::vector<Rect>& labels, float spacing) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    for (std::size_t j = i + 1; j < labels.size(); ++j) {
      const Rect& a = labels[i];
      const Rect& b = labels[j];
      if (a.min.x < b.max.x + spacing && b.min.x < a.max.x + spacing && a.min.y < b.max.y + spacing && b.min.y < a.max.y + spacing) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace epochscope::ui
