#include "epochscope/ui/star_overlay.hpp"

#include <fmt/core.h>

#include <cmath>
#include <string>
#include <vector>

#include "epochscope/ui/chart_axes.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

ImVec2 im(Vec2 v) { return {v.x, v.y}; }

}  // namespace

void StarOverlay::draw_under(ImDrawList* dl, const ViewTransform& camera, const Rect& rect, const Theme& th) const {
  const Vec2 origin = camera.to_screen({0, 0}, rect);
  dl->AddCircle(im(origin), camera.scale, to_imu32(th.axis, 70), 128, 1.0f);
  const Matrix& a = anchors_.anchors();
  for (Eigen::Index k = 0; k < a.rows(); ++k) {
    dl->AddLine(im(origin), im(camera.to_screen({a(k, 0), a(k, 1)}, rect)), to_imu32(th.axis, 45), 1.0f);
  }
}

void StarOverlay::draw_over(ImDrawList* dl, const ViewTransform& camera, const Rect& rect, const store::PointSet* points,
                            const Theme& th) const {
  const Vec2 origin = camera.to_screen({0, 0}, rect);
  const Matrix& a = anchors_.anchors();
  const auto d = a.rows();
  const bool classes = points != nullptr && d == points->class_count();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  // Full class names where they fit beside each other; the shortest prefixes that tell the classes
  // apart where they would touch (Fashion-MNIST on a small view), the full name on hover.
  const float gap = (d > 16 ? 3.5f : 6.0f) + 10;
  std::vector<std::string> labels;
  for (Eigen::Index k = 0; k < d && d <= 16; ++k) {
    labels.push_back(classes ? points->class_names[static_cast<std::size_t>(k)] : fmt::format("d{}", k));
  }
  const auto label_rects = [&](const std::vector<std::string>& names) {
    std::vector<Rect> out;
    for (std::size_t k = 0; k < names.size(); ++k) {
      const Vec2 s = camera.to_screen({a(static_cast<Eigen::Index>(k), 0), a(static_cast<Eigen::Index>(k), 1)}, rect);
      const ImVec2 ts = ImGui::CalcTextSize(names[k].c_str());
      const Vec2 at = anchor_label_position(s, origin, {ts.x, ts.y}, gap);
      out.push_back({at, {at.x + ts.x, at.y + ts.y}});
    }
    return out;
  };
  if (classes && labels_overlap(label_rects(labels), 4.0f)) labels = short_names(labels);
  const std::vector<Rect> placed = label_rects(labels);
  for (Eigen::Index k = 0; k < d; ++k) {
    const Vec2 s = camera.to_screen({a(k, 0), a(k, 1)}, rect);
    const bool hot = std::hypot(s.x - mouse.x, s.y - mouse.y) < 9.0f || dragging_ == k;
    const float radius = (d > 16 ? 3.5f : 6.0f) + (hot ? 2.0f : 0.0f);
    const ImU32 fill = classes ? to_imu32(th.class_color(static_cast<int>(k))) : to_imu32(th.text_dim);
    dl->AddCircleFilled(im(s), radius, fill, 16);
    dl->AddCircle(im(s), radius, to_imu32(th.ring_shadow, 255), 16, 1.5f);
    if (d > 16) continue;
    const auto i = static_cast<std::size_t>(k);
    dl->AddText(im(placed[i].min), to_imu32(th.text), labels[i].c_str());
    if (classes && labels[i] != points->class_names[i] && (hot || placed[i].contains({mouse.x, mouse.y}))) {
      ImGui::SetTooltip("%s", points->class_names[i].c_str());
    }
  }
}

bool StarOverlay::press(Vec2 mouse, const ViewTransform& camera, const Rect& rect) {
  dragging_ = anchors_.hit(mouse, camera, rect);
  return dragging_ >= 0;
}

bool StarOverlay::drag(Vec2 mouse, const ViewTransform& camera, const Rect& rect) {
  if (dragging_ < 0 || dragging_ >= anchors_.dims()) return false;
  anchors_.move(dragging_, camera.to_data(mouse, rect));
  return true;
}

}  // namespace epochscope::ui
