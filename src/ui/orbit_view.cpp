#include "epochscope/ui/orbit_view.hpp"

#include <algorithm>
#include <cmath>

#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

ImVec2 im(Vec2 v) { return {v.x, v.y}; }

}  // namespace

OrbitView::OrbitView() { camera_.distance = kOrbitDistance; }

void OrbitView::restart() {
  fit_.valid = false;
  box_ = {};
  depth_.clear();
  dirty_ = true;
}

void OrbitView::set_layout(std::span<const float> xyz) {
  box_ = Box3::of(xyz);
  dirty_ = true;  // screen positions follow in project(), once the camera is known
}

bool OrbitView::follow(float dt) { return fit_.follow(box_, dt); }

bool OrbitView::project(const Rect& rect, std::span<const float> xyz, std::vector<float>& xy) {
  if (xyz.empty()) return false;
  const float sig[9] = {camera_.yaw, camera_.pitch, camera_.distance, fit_.center.x, fit_.center.y, fit_.center.z,
                        fit_.radius, rect.width(), rect.height()};
  if (!dirty_ && std::equal(std::begin(sig), std::end(sig), std::begin(projected_))) return false;
  std::copy(std::begin(sig), std::end(sig), std::begin(projected_));
  dirty_ = false;
  float m[16];
  camera_.clip_matrix(rect, kNear, kFar, m, fit_.center, fit_.model_scale(rect));
  project_to_screen(xyz, m, rect, kNear, xy, depth_);
  return true;
}

Vec2 OrbitView::screen_of(Vec3 p, const Rect& rect) const {
  const float inv = fit_.model_scale(rect);
  return camera_.project({(p.x - fit_.center.x) * inv, (p.y - fit_.center.y) * inv, (p.z - fit_.center.z) * inv}, rect);
}

int OrbitView::pick(const PointGrid& grid, std::span<const float> xy, Vec2 p, float radius, float point_px) const {
  if (depth_.size() != xy.size() / 2) return grid.nearest(p, radius);
  const auto near = grid.within(p, radius);
  const int best = front_most(near, xy, depth_, p, point_px, camera_.distance);
  return best >= 0 ? best : grid.nearest(p, radius);
}

void OrbitView::gl_params(const Rect& rect, render::ViewParams& params) const {
  camera_.clip_matrix(rect, kNear, kFar, params.transform, fit_.center, fit_.model_scale(rect));
  params.depth = true;
  params.ref_depth = camera_.distance;
  params.fog_near = camera_.distance - 0.7f;  // the fitted layout lies within 1 of the target
  params.fog_far = camera_.distance + 1.0f;
}

void OrbitView::fit_again() {
  camera_.distance = kOrbitDistance;
  camera_.target = {};
}

void OrbitView::reset() {
  camera_.reset();
  camera_.distance = kOrbitDistance;
}

// The layout's bounding box as a faint wireframe and, bottom left, which way its three axes point.
void OrbitView::draw_box(ImDrawList* dl, const Rect& rect, const Theme& th) const {
  if (!box_.valid) return;
  Vec2 corner[8];
  for (int k = 0; k < 8; ++k) {
    corner[k] = screen_of({(k & 1) ? box_.max.x : box_.min.x, (k & 2) ? box_.max.y : box_.min.y,
                           (k & 4) ? box_.max.z : box_.min.z}, rect);
  }
  for (int a = 0; a < 8; ++a) {
    for (const int bit : {1, 2, 4}) {
      const int b = a | bit;
      if (b == a || !std::isfinite(corner[a].x) || !std::isfinite(corner[b].x)) continue;
      dl->AddLine(im(corner[a]), im(corner[b]), to_imu32(th.axis, 55), 1.0f);
    }
  }
  Vec3 right, up, forward;
  camera_.basis(right, up, forward);
  const ImVec2 origin(rect.min.x + 34, rect.max.y - 34);
  const Vec3 axes[3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  const ImU32 colours[3] = {IM_COL32(230, 120, 110, 230), IM_COL32(130, 210, 130, 230), IM_COL32(120, 160, 240, 230)};
  const char* names[3] = {"1", "2", "3"};
  for (int k = 0; k < 3; ++k) {
    const float sx = axes[k].x * right.x + axes[k].y * right.y + axes[k].z * right.z;
    const float sy = -(axes[k].x * up.x + axes[k].y * up.y + axes[k].z * up.z);
    const ImVec2 tip(origin.x + 20 * sx, origin.y + 20 * sy);
    dl->AddLine(origin, tip, colours[k], 2.0f);
    dl->AddText(ImVec2(tip.x + 6 * sx - 3, tip.y + 6 * sy - 7), colours[k], names[k]);
  }
}

}  // namespace epochscope::ui
