// A view's lasso and rectangle selection: Ctrl + drag in a 2-D view.
#include <fmt/format.h>

#include <vector>

#include "epochscope/ui/picking.hpp"
#include "epochscope/ui/projection_view.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

// The rectangle spanned by two corners, as a polygon.
std::vector<Vec2> rectangle(Vec2 a, Vec2 b) { return {a, {b.x, a.y}, b, {a.x, b.y}}; }

}  // namespace

bool ProjectionView::handle_lasso(UiContext& ctx, UiState& state, const Rect& rect, bool active) {
  const ImGuiIO& io = ImGui::GetIO();
  const Vec2 mouse{io.MousePos.x, io.MousePos.y};
  if (ImGui::IsItemActivated() && io.KeyCtrl && shown_dims_ == 2 && camera_valid_ && !xy_.empty()) {
    lassoing_ = true;
    lasso_ = {mouse};
  }
  if (!lassoing_) return false;
  if (active) {
    const Vec2 last = lasso_.back();
    if ((mouse.x - last.x) * (mouse.x - last.x) + (mouse.y - last.y) * (mouse.y - last.y) > 9.0f) lasso_.push_back(mouse);
    ctx.animating = true;
    return true;
  }
  // Released: the points inside, by their positions in the layout (the picture's data units).
  lassoing_ = false;
  lasso_.push_back(mouse);
  const auto shape = state.select_rectangle ? rectangle(lasso_.front(), mouse) : lasso_;
  std::vector<Vec2> polygon;
  polygon.reserve(shape.size());
  for (const Vec2& s : shape) polygon.push_back(camera_.to_data(s, rect));
  pick(ctx, state, mouse);  // brings the split filter's visibility up to date
  const auto inside = points_in_polygon(xy_, visible_.size() == xy_.size() / 2 ? std::span<const std::uint8_t>(visible_)
                                                                              : std::span<const std::uint8_t>(),
                                        polygon);
  if (io.KeyAlt) {
    state.deselect_points(inside);
  } else {
    state.select_points(inside, io.KeyShift);
  }
  report_.lasso_count = static_cast<int>(inside.size());
  lasso_.clear();
  return true;
}

void ProjectionView::draw_lasso(UiContext& ctx, const UiState& state) const {
  if (!lassoing_ || lasso_.empty()) return;
  const ImGuiIO& io = ImGui::GetIO();
  const Vec2 mouse{io.MousePos.x, io.MousePos.y};
  auto shape = state.select_rectangle ? rectangle(lasso_.front(), mouse) : lasso_;
  if (!state.select_rectangle) shape.push_back(mouse);
  std::vector<ImVec2> pts;
  for (const Vec2& v : shape) pts.emplace_back(v.x, v.y);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = *ctx.theme;
  // (A lasso may be concave: only the rectangle is filled.)
  if (state.select_rectangle) dl->AddConvexPolyFilled(pts.data(), static_cast<int>(pts.size()), to_imu32(th.text, 18));
  dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), to_imu32(th.text, 220), ImDrawFlags_Closed, 1.5f);
  const char* what = io.KeyAlt ? "take away" : io.KeyShift ? "add" : "select";
  dl->AddText(ImVec2(mouse.x + 12, mouse.y + 4), to_imu32(th.text, 220), what);
}

}  // namespace epochscope::ui
