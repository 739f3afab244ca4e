// ProjectionView's canvas: camera, mouse input (pan, zoom, pick, select, drag star anchors) and the
// overlays drawn over the GL points (hover ring, selection, traces, star anchors).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "epochscope/render/atlas.hpp"
#include "epochscope/ui/damage.hpp"
#include "epochscope/ui/pixel_axes.hpp"
#include "epochscope/ui/projection_view.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

constexpr int kMaxTraces = 64;

// The command's clip rectangle (the canvas, or the part of it being drawn again) in framebuffer pixels.
render::Viewport scissor_of(const ImDrawCmd& cmd) {
  const ImGuiIO& io = ImGui::GetIO();
  const float sx = io.DisplayFramebufferScale.x, sy = io.DisplayFramebufferScale.y;
  const auto x0 = static_cast<int>(std::floor(cmd.ClipRect.x * sx)), x1 = static_cast<int>(std::ceil(cmd.ClipRect.z * sx));
  const auto y0 = static_cast<int>(std::floor((io.DisplaySize.y - cmd.ClipRect.w) * sy));
  const auto y1 = static_cast<int>(std::ceil((io.DisplaySize.y - cmd.ClipRect.y) * sy));
  return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

void render_callback(const ImDrawList*, const ImDrawCmd* cmd) {
  const render::Viewport scissor = scissor_of(*cmd);
  if (scissor.width <= 0 || scissor.height <= 0) return;  // outside the part being drawn
  static_cast<const ProjectionView*>(cmd->UserCallbackData)->render_gl(scissor);
}

ImVec2 im(Vec2 v) { return {v.x, v.y}; }

}  // namespace

std::optional<std::uint64_t> ProjectionView::callback_token(const ImDrawCmd& cmd) {
  if (cmd.UserCallback != render_callback) return std::nullopt;
  const auto& view = *static_cast<const ProjectionView*>(cmd.UserCallbackData);
  if (!view.a_.positions || view.xy_.empty()) return 0;  // draws nothing
  if (view.renderers_.compositor == nullptr || view.layer_failed_) return std::nullopt;  // no cache: every frame
  // A deferred view shows its previous picture (see Workspace::schedule_layer_redraws).
  const render::LayerKey key = view.layer_deferred_ && view.layer_ ? view.layer_->key() : view.layer_key();
  const auto& vp = view.gl_params_.viewport;
  const int where[4] = {vp.x, vp.y, vp.width, vp.height};
  return hash_bytes(key.params.data(), sizeof key.params,
                    hash_bytes(key.versions.data(), sizeof key.versions, hash_bytes(where, sizeof where)));
}

int ProjectionView::pick(const UiContext& ctx, const UiState& state, Vec2 mouse) {
  const auto* points = ctx.points();
  if (points == nullptr || xy_.empty() || !camera_valid_) return -1;
  const int filter = static_cast<int>(state.filter);
  if (visible_filter_ != filter || visible_.size() != points->size()) {
    visible_.resize(points->size());
    for (std::size_t i = 0; i < points->size(); ++i) visible_[i] = state.passes_filter(points->heldout[i] != 0);
    visible_filter_ = filter;
    grid_dirty_ = true;
  }
  if (grid_dirty_ && visible_.size() == xy_.size() / 2) {
    grid_.build(xy_, visible_);
    grid_dirty_ = false;
  }
  const float radius_px = std::max(6.0f, 0.5f * gl_point_px_ + 3.0f);
  return nearest_at(camera_.to_data(mouse, canvas_), radius_px / camera_.scale);
}

int ProjectionView::nearest_at(Vec2 data, float radius) const {
  const std::size_t n = xy_.size() / 2;
  if (shown_dims_ != 3 || depth_.size() != n) return grid_.nearest(data, radius);
  // 3-D: of the points drawn under the cursor, the front-most (what the user sees); else the nearest.
  int best = -1;
  float best_depth = std::numeric_limits<float>::infinity();
  for (const int i : grid_.within(data, radius)) {
    const auto k = static_cast<std::size_t>(i);
    const float drawn = 0.5f * gl_point_px_ * std::clamp(orbit_.distance / std::max(depth_[k], 1e-4f), 0.55f, 1.9f) + 1.0f;
    const float dx = xy_[2 * k] - data.x, dy = xy_[2 * k + 1] - data.y;
    if (dx * dx + dy * dy <= drawn * drawn && depth_[k] < best_depth) {
      best_depth = depth_[k];
      best = i;
    }
  }
  return best >= 0 ? best : grid_.nearest(data, radius);
}

// 3-D: the layout is shown normalised, (p - fit_center_) / fit_radius_, so the orbit camera's
// default distance frames it; the fit follows the layout smoothly as it converges or the frame changes.
void ProjectionView::fit_orbit(UiContext& ctx) {
  camera_ = ViewTransform{{0, 0}, 1};  // xy_ holds screen offsets from the canvas centre (y up)
  fit_scale_ = 1;
  if (!box_valid_) return;
  const Vec3 c{0.5f * (box_min_.x + box_max_.x), 0.5f * (box_min_.y + box_max_.y), 0.5f * (box_min_.z + box_max_.z)};
  const float r = std::max(0.5f * std::hypot(box_max_.x - box_min_.x, box_max_.y - box_min_.y, box_max_.z - box_min_.z), 1e-6f);
  if (!camera_valid_) {
    fit_center_ = c;
    fit_radius_ = r;
    camera_valid_ = true;
    return;
  }
  const float k = std::clamp(static_cast<float>(ctx.dt) * 8.0f, 0.05f, 1.0f);
  const float moved = std::hypot(c.x - fit_center_.x, c.y - fit_center_.y, c.z - fit_center_.z) / r;
  if (moved < 2e-3f && std::abs(std::log(r / fit_radius_)) < 2e-3f) {
    fit_center_ = c;
    fit_radius_ = r;
    return;
  }
  fit_center_ = {fit_center_.x + (c.x - fit_center_.x) * k, fit_center_.y + (c.y - fit_center_.y) * k,
                 fit_center_.z + (c.z - fit_center_.z) * k};
  fit_radius_ = std::exp(std::log(fit_radius_) + (std::log(r) - std::log(fit_radius_)) * k);
  ctx.animating = true;
}

// 3-D: data units to the camera's: the fitted layout has radius 1, less on a portrait canvas (the
// camera's field of view is vertical; this keeps the layout inside the narrower width too).
float ProjectionView::model_scale(const Rect& rect) const {
  const float narrow = rect.width() > 0 && rect.height() > rect.width() ? rect.width() / rect.height() : 1.0f;
  return narrow / fit_radius_;
}

// 3-D: every point's screen position (offset from the canvas centre, y up, in xy_) and depth, once
// per change of the layout, the camera, the fit or the canvas size.
void ProjectionView::project_points(const Rect& rect) {
  if (shown_dims_ != 3 || xyz_.empty()) return;
  const float sig[9] = {orbit_.yaw, orbit_.pitch, orbit_.distance, fit_center_.x, fit_center_.y,
                        fit_center_.z, fit_radius_, rect.width(), rect.height()};
  if (!projection_dirty_ && std::equal(std::begin(sig), std::end(sig), std::begin(projected_))) return;
  std::copy(std::begin(sig), std::end(sig), std::begin(projected_));
  projection_dirty_ = false;
  const std::size_t n = xyz_.size() / 3;
  xy_.resize(2 * n);
  depth_.resize(n);
  float m[16];
  const float near = 0.02f;
  orbit_.clip_matrix(rect, near, 100.0f, m, fit_center_, model_scale(rect));
  const float hw = 0.5f * rect.width(), hh = 0.5f * rect.height();
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  for (std::size_t i = 0; i < n; ++i) {
    const float x = xyz_[3 * i], y = xyz_[3 * i + 1], z = xyz_[3 * i + 2];
    const float cx = m[0] * x + m[4] * y + m[8] * z + m[12];
    const float cy = m[1] * x + m[5] * y + m[9] * z + m[13];
    const float w = m[3] * x + m[7] * y + m[11] * z + m[15];
    depth_[i] = w;
    if (!(w > near)) {  // behind the eye (zoomed into the cloud): not drawn, not pickable
      xy_[2 * i] = xy_[2 * i + 1] = nan;
      continue;
    }
    xy_[2 * i] = cx / w * hw;
    xy_[2 * i + 1] = cy / w * hh;
  }
  grid_dirty_ = true;
}

Vec2 ProjectionView::screen_of(float x, float y, float z, const Rect& rect) const {
  const float inv = model_scale(rect);
  return orbit_.project({(x - fit_center_.x) * inv, (y - fit_center_.y) * inv, (z - fit_center_.z) * inv}, rect);
}

// 3-D: the layout's bounding box as a faint wireframe and, bottom left, which way its three axes point.
void ProjectionView::draw_orbit_box(const Rect& rect) const {
  if (!box_valid_) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  Vec2 corner[8];
  for (int k = 0; k < 8; ++k) {
    corner[k] = screen_of((k & 1) ? box_max_.x : box_min_.x, (k & 2) ? box_max_.y : box_min_.y,
                          (k & 4) ? box_max_.z : box_min_.z, rect);
  }
  for (int a = 0; a < 8; ++a) {
    for (const int bit : {1, 2, 4}) {
      const int b = a | bit;
      if (b == a) continue;
      if (!std::isfinite(corner[a].x) || !std::isfinite(corner[b].x)) continue;
      dl->AddLine(im(corner[a]), im(corner[b]), IM_COL32(120, 126, 140, 55), 1.0f);
    }
  }
  Vec3 right, up, forward;
  orbit_.basis(right, up, forward);
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

int ProjectionView::anchor_at(Vec2 mouse, const Rect& rect) const {
  if (!is_star()) return -1;
  int best = -1;
  float best_d = 9.0f;
  for (Eigen::Index k = 0; k < anchors_.rows(); ++k) {
    const Vec2 s = camera_.to_screen({anchors_(k, 0), anchors_(k, 1)}, rect);
    const float d = std::hypot(s.x - mouse.x, s.y - mouse.y);
    if (d < best_d) {
      best_d = d;
      best = static_cast<int>(k);
    }
  }
  return best;
}

void ProjectionView::draw_canvas(UiContext& ctx, UiState& state, ImVec2 size) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const Rect rect{{p0.x, p0.y}, {p0.x + size.x, p0.y + size.y}};
  canvas_ = rect;
  report_.canvas = rect;
  ImGui::InvisibleButton("canvas", size);
  const bool hovered = ImGui::IsItemHovered();
  const bool active = ImGui::IsItemActive();
  under_cursor_ = hovered || active;
  layer_deferred_ = false;  // until Workspace::schedule_layer_redraws says otherwise
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, im(rect.max), to_imu32(kViewBackground), 4.0f);

  // Camera: follows the layout (smoothly) until the user pans or zooms; double-click restores that.
  // 3-D views: the orbit camera turns and zooms; the fit of the layout always follows it.
  const bool three = shown_dims_ == 3;
  if (three) {
    fit_orbit(ctx);
    project_points(rect);
  }
  Bounds fit_bounds = three ? Bounds{} : bounds_;
  if (is_star() && fit_bounds.valid()) {
    fit_bounds.extend({-1.12f, -1.12f});
    fit_bounds.extend({1.12f, 1.12f});
  }
  if (fit_bounds.valid()) {
    // The pixel explorer keeps its axis grids (in two corners) clear of the points.
    const auto fit = ViewTransform::fit(fit_bounds, rect, is_pixels() && config_.layer == "input" ? 100.0f : 26.0f);
    fit_scale_ = fit.scale;
    if (!camera_valid_) {
      camera_ = fit;
      camera_valid_ = true;
    } else if (auto_fit_) {
      if (camera_.near(fit, 0.5f, rect)) {
        camera_ = fit;
      } else {
        camera_ = camera_.toward(fit, std::clamp(static_cast<float>(ctx.dt) * 8.0f, 0.05f, 1.0f));
        ctx.animating = true;
      }
    }
  }
  handle_input(ctx, state, rect, hovered, active);
  if (three) project_points(rect);  // the camera may have turned

  const ImGuiIO& io = ImGui::GetIO();
  const float sx = io.DisplayFramebufferScale.x, sy = io.DisplayFramebufferScale.y;
  gl_params_.viewport = {static_cast<int>(std::lround(rect.min.x * sx)),
                         static_cast<int>(std::lround((io.DisplaySize.y - rect.max.y) * sy)),
                         static_cast<int>(std::lround(rect.width() * sx)), static_cast<int>(std::lround(rect.height() * sy))};
  if (three) {
    orbit_.clip_matrix(rect, 0.02f, 100.0f, gl_params_.transform, fit_center_, model_scale(rect));
    gl_params_.depth = true;
    gl_params_.ref_depth = orbit_.distance;
    gl_params_.fog_near = orbit_.distance - 0.7f;  // the fitted layout lies within 1 of the target
    gl_params_.fog_far = orbit_.distance + 1.0f;
  } else {
    float scale[2], offset[2];
    camera_.ndc(rect, scale, offset);
    gl_params_.set_2d(scale, offset);
  }
  const float zoom = camera_.scale / std::max(fit_scale_, 1e-9f);
  draw_images_ = image_mode(state) && ctx.atlas != nullptr;
  gl_atlas_ = ctx.atlas;
  gl_point_px_ = draw_images_ ? std::clamp(11.0f * std::sqrt(zoom), 14.0f, 160.0f)
                              : state.point_size * std::clamp(std::pow(zoom, 0.25f), 1.0f, 2.5f);
  draw_edges_ = config_.method == jobs::Method::graph && state.show_edges;
  report_.images = draw_images_;

  if (a_.positions) {
    dl->PushClipRect(p0, im(rect.max), true);
    if (is_star()) draw_star_anchors(ctx, rect, false);
    if (three) draw_orbit_box(rect);
    dl->AddCallback(render_callback, this);
    dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    if (is_star()) draw_star_anchors(ctx, rect, true);
    draw_traces(ctx, state, rect);
    draw_overlays(ctx, state, rect);
    if (color_change_) draw_change_legend(rect);
    if (is_pixels()) draw_pixel_axes(ctx, state, rect);
    draw_pca_components(ctx, rect);
    dl->PopClipRect();
  } else {
    const char* text = ctx.frame_count() == 0 ? "Waiting for the first frame..." : "Computing the first layout...";
    const ImVec2 ts = ImGui::CalcTextSize(text);
    dl->AddText(ImVec2(rect.center().x - ts.x / 2, rect.center().y - ts.y / 2), IM_COL32(160, 165, 175, 255), text);
  }
  if (ctx.test_mode) fill_samples(ctx, state, rect);
}

void ProjectionView::handle_input(UiContext& ctx, UiState& state, const Rect& rect, bool hovered, bool active) {
  const ImGuiIO& io = ImGui::GetIO();
  const Vec2 mouse{io.MousePos.x, io.MousePos.y};
  const bool three = shown_dims_ == 3;
  if (hovered && io.MouseWheel != 0.0f && camera_valid_) {
    if (three) {
      orbit_.zoom(io.MouseWheel);
    } else {
      camera_.zoom_at(mouse, rect, std::pow(1.2f, io.MouseWheel));
      auto_fit_ = false;
    }
  }
  if (ImGui::IsItemActivated()) {
    dragging_anchor_ = anchor_at(mouse, rect);
    panning_ = false;
    grid_click_ = false;
    if (is_pixels() && config_.layer == "input") {  // a cell of an axis grid picks that pixel
      for (const bool x_axis : {true, false}) {
        const int cell = axis_grid_cell(ctx, rect, x_axis, mouse);
        if (cell < 0) continue;
        ViewConfig next = config_;
        (x_axis ? next.axis_x : next.axis_y) = cell;
        pending_config_ = next;
        grid_click_ = true;
      }
    }
  }
  if (active && !grid_click_ && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
    if (dragging_anchor_ >= 0 && dragging_anchor_ < anchors_.rows()) {
      const Vec2 d = camera_.to_data(mouse, rect);
      anchors_(dragging_anchor_, 0) = d.x;
      anchors_(dragging_anchor_, 1) = d.y;
      anchors_moved_ = true;
      ++anchors_generation_;
      update_positions(ctx, state);  // the layout follows the drag in this very frame
    } else if (three) {  // grab and turn: the front of the cloud follows the mouse
      orbit_.rotate(-io.MouseDelta.x, io.MouseDelta.y);
      panning_ = true;
    } else if (camera_valid_) {
      camera_.pan({io.MouseDelta.x, io.MouseDelta.y});
      auto_fit_ = false;
      panning_ = true;
    }
  }
  if (ImGui::IsItemDeactivated()) {
    if (io.MouseDragMaxDistanceSqr[0] < 16.0f && dragging_anchor_ < 0 && !grid_click_) {
      const int p = pick(ctx, state, mouse);
      if (p >= 0) state.click_point(p, io.KeyShift);
    }
    dragging_anchor_ = -1;
    panning_ = false;
  }
  const auto fit_again = [&] {
    auto_fit_ = true;
    if (three) {  // back to the fitted distance, keeping the angle the user turned to
      orbit_.distance = kOrbitDistance;
      orbit_.target = {};
    }
  };
  if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) fit_again();
  if (ImGui::BeginPopupContextItem("view menu")) {
    if (ImGui::MenuItem("Fit to the points", "double-click")) fit_again();
    if (three && ImGui::MenuItem("Reset the camera")) {
      orbit_.reset();
      orbit_.distance = kOrbitDistance;
    }
    if (is_star() && ImGui::MenuItem("Reset the anchors", nullptr, false, anchors_moved_)) {
      reset_anchors(static_cast<int>(anchors_.rows()));
    }
    ImGui::MenuItem("Digit images", nullptr, &state.images);
    if (config_.method == jobs::Method::graph) ImGui::MenuItem("Graph edges", nullptr, &state.show_edges);
    ImGui::EndPopup();
  }
  const bool over_grid = is_pixels() && config_.layer == "input" &&
                         (axis_grid_cell(ctx, rect, true, mouse) >= 0 || axis_grid_cell(ctx, rect, false, mouse) >= 0);
  if (hovered && !panning_ && dragging_anchor_ < 0 && !over_grid) {
    const int p = pick(ctx, state, mouse);
    if (p >= 0) state.next_hovered = p;
    const int anchor = anchor_at(mouse, rect);
    if (anchor >= 0 && p < 0) ImGui::SetTooltip("Drag the anchor of dimension %d; right-click to reset", anchor);
  }
}

void ProjectionView::draw_overlays(UiContext& ctx, const UiState& state, const Rect& rect) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto* points = ctx.points();
  const std::size_t n = xy_.size() / 2;
  const float r = 0.5f * gl_point_px_;
  for (std::size_t k = 0; k < state.selection.size() && k < 512; ++k) {
    const auto i = static_cast<std::size_t>(state.selection[k]);
    if (i >= n) continue;
    const Vec2 s = camera_.to_screen({xy_[2 * i], xy_[2 * i + 1]}, rect);
    if (!std::isfinite(s.x) || !std::isfinite(s.y)) continue;
    const ImU32 c = points != nullptr ? to_imu32(class_color(points->labels[i])) : IM_COL32_WHITE;
    dl->AddCircleFilled(im(s), r + 2.5f, c, 20);
    dl->AddCircle(im(s), r + 3.5f, IM_COL32(255, 255, 255, 235), 24, 2.0f);
  }
  const int hovered = state.next_hovered >= 0 ? state.next_hovered : state.hovered;
  report_.hovered_ring = -1;
  report_.hovered_edges = -1;
  if (hovered >= 0 && static_cast<std::size_t>(hovered) < n) draw_hovered_edges(ctx, rect, static_cast<std::size_t>(hovered));
  if (hovered >= 0 && static_cast<std::size_t>(hovered) < n && std::isfinite(xy_[2 * static_cast<std::size_t>(hovered)])) {
    const auto i = static_cast<std::size_t>(hovered);
    const Vec2 s = camera_.to_screen({xy_[2 * i], xy_[2 * i + 1]}, rect);
    dl->AddCircle(im(s), r + 7.0f, IM_COL32(0, 0, 0, 200), 28, 4.0f);
    dl->AddCircle(im(s), r + 7.0f, IM_COL32(255, 255, 255, 255), 28, 2.0f);
    report_.hovered_ring = hovered;
  }
}

// Graph views: the hovered point's kNN edges drawn bright and its neighbours ringed in their class
// colours, so a point that sits among another class shows why.
void ProjectionView::draw_hovered_edges(const UiContext& ctx, const Rect& rect, std::size_t hovered) {
  const auto* points = ctx.points();
  if (config_.method != jobs::Method::graph || !a_.result || !a_.result->edges || points == nullptr) return;
  const std::size_t n = xy_.size() / 2;
  if (adjacency_source_ != a_.result->edges) {  // CSR of the undirected edge list, once per layout
    adjacency_source_ = a_.result->edges;
    adjacency_start_.assign(n + 1, 0);
    for (const auto& [a, b] : *adjacency_source_) {
      if (a < 0 || b < 0 || static_cast<std::size_t>(a) >= n || static_cast<std::size_t>(b) >= n) continue;
      ++adjacency_start_[static_cast<std::size_t>(a) + 1];
      ++adjacency_start_[static_cast<std::size_t>(b) + 1];
    }
    for (std::size_t i = 0; i < n; ++i) adjacency_start_[i + 1] += adjacency_start_[i];
    adjacency_.assign(adjacency_start_[n], 0);
    std::vector<std::uint32_t> fill(adjacency_start_.begin(), adjacency_start_.end() - 1);
    for (const auto& [a, b] : *adjacency_source_) {
      if (a < 0 || b < 0 || static_cast<std::size_t>(a) >= n || static_cast<std::size_t>(b) >= n) continue;
      adjacency_[fill[static_cast<std::size_t>(a)]++] = static_cast<std::uint32_t>(b);
      adjacency_[fill[static_cast<std::size_t>(b)]++] = static_cast<std::uint32_t>(a);
    }
  }
  if (hovered + 1 >= adjacency_start_.size() || !std::isfinite(xy_[2 * hovered])) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Vec2 h = camera_.to_screen({xy_[2 * hovered], xy_[2 * hovered + 1]}, rect);
  const float r = 0.5f * gl_point_px_;
  int count = 0;
  for (std::uint32_t k = adjacency_start_[hovered]; k < adjacency_start_[hovered + 1]; ++k) {
    const std::size_t j = adjacency_[k];
    const Vec2 s = camera_.to_screen({xy_[2 * j], xy_[2 * j + 1]}, rect);
    if (!std::isfinite(s.x)) continue;
    dl->AddLine(im(h), im(s), IM_COL32(0, 0, 0, 160), 3.5f);
    dl->AddLine(im(h), im(s), IM_COL32(255, 255, 255, 230), 1.5f);
    ++count;
  }
  for (std::uint32_t k = adjacency_start_[hovered]; k < adjacency_start_[hovered + 1]; ++k) {
    const std::size_t j = adjacency_[k];
    const Vec2 s = camera_.to_screen({xy_[2 * j], xy_[2 * j + 1]}, rect);
    if (!std::isfinite(s.x)) continue;
    dl->AddCircleFilled(im(s), r + 2.0f, to_imu32(class_color(points->labels[j])), 16);
    dl->AddCircle(im(s), r + 3.0f, IM_COL32(255, 255, 255, 220), 18, 1.5f);
  }
  report_.hovered_edges = count;
}

Rect ProjectionView::axis_grid_rect(const UiContext& ctx, const Rect& canvas, bool x_axis) const {
  const auto* points = ctx.points();
  return points == nullptr ? Rect{} : ui::axis_grid_rect(canvas, points->width, points->height, x_axis);
}

int ProjectionView::axis_grid_cell(const UiContext& ctx, const Rect& canvas, bool x_axis, Vec2 mouse) const {
  const auto* points = ctx.points();
  if (points == nullptr) return -1;
  return ui::axis_grid_cell(axis_grid_rect(ctx, canvas, x_axis), points->width, points->height, mouse);
}

// Pixel explorer overlays: on the input, a grid per axis showing which pixel it is (over the hovered
// point's image, or the mean image), and the axis names at the plot's edges.
void ProjectionView::draw_pixel_axes(UiContext& ctx, const UiState& state, const Rect& rect) {
  const auto* points = ctx.points();
  if (points == nullptr || points->size() == 0) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text = IM_COL32(210, 214, 222, 255);
  const Rgba8 x_colour = class_color(0), y_colour = class_color(1);  // orange and sky blue
  const int count = axis_count(ctx);
  if (count <= 0) return;
  const int ax = std::clamp(config_.axis_x, 0, count - 1), ay = std::clamp(config_.axis_y, 0, count - 1);
  // Axis names along the bottom and the left of the plot.
  const std::string xl = "x: " + axis_name(ctx, ax), yl = "y: " + axis_name(ctx, ay);
  dl->AddText(ImVec2(rect.center().x - ImGui::CalcTextSize(xl.c_str()).x / 2, rect.max.y - 22), to_imu32(x_colour), xl.c_str());
  if (config_.layer != "input") {
    dl->AddText(ImVec2(rect.min.x + 10, rect.min.y + 8), to_imu32(y_colour), yl.c_str());
    return;
  }
  const std::size_t size = points->image_size();
  if (mean_image_.size() != size) {
    mean_image_.assign(size, 0.0f);
    for (std::size_t i = 0; i < points->size(); ++i) {
      for (std::size_t p = 0; p < size; ++p) mean_image_[p] += points->images[i * size + p];
    }
    for (auto& v : mean_image_) v /= static_cast<float>(points->size());
  }
  const int hovered = state.next_hovered >= 0 ? state.next_hovered : state.hovered;
  const bool show_point = hovered >= 0 && static_cast<std::size_t>(hovered) < points->size();
  for (const bool x_axis : {true, false}) {
    const Rect r = axis_grid_rect(ctx, rect, x_axis);
    const float cw = r.width() / static_cast<float>(points->width), ch = r.height() / static_cast<float>(points->height);
    dl->AddRectFilled(ImVec2(r.min.x - 4, r.min.y - 18), ImVec2(r.max.x + 4, r.max.y + 4), IM_COL32(14, 15, 19, 235), 3.0f);
    for (int y = 0; y < points->height; ++y) {
      for (int x = 0; x < points->width; ++x) {
        const auto p = static_cast<std::size_t>(y * points->width + x);
        const float v = show_point ? points->images[static_cast<std::size_t>(hovered) * size + p] : mean_image_[p];
        const auto g = static_cast<int>(std::clamp(v, 0.0f, 255.0f) * 0.85f);
        const ImVec2 a(r.min.x + static_cast<float>(x) * cw, r.min.y + static_cast<float>(y) * ch);
        dl->AddRectFilled(a, ImVec2(a.x + cw, a.y + ch), IM_COL32(g, g, g, 255));
      }
    }
    const int chosen = x_axis ? ax : ay;
    const ImVec2 a(r.min.x + static_cast<float>(chosen % points->width) * cw, r.min.y + static_cast<float>(chosen / points->width) * ch);
    dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(a.x + cw + 1, a.y + ch + 1), to_imu32(x_axis ? x_colour : y_colour), 0, 0, 2.0f);
    const bool samples = points->signal || points->height == 1;
    const char* label = samples ? (x_axis ? "x sample" : "y sample") : (x_axis ? "x pixel" : "y pixel");
    dl->AddText(ImVec2(r.min.x, r.min.y - 16), to_imu32(x_axis ? x_colour : y_colour), label);
    const std::string hint = show_point ? fmt::format("#{}", hovered) : "mean";
    dl->AddText(ImVec2(r.max.x - ImGui::CalcTextSize(hint.c_str()).x, r.min.y - 16), text, hint.c_str());
    ctx.hooks[fmt::format("view{}_{}grid", slot_, x_axis ? "x" : "y")] = r;
  }
  dl->AddText(ImVec2(rect.min.x + 12, axis_grid_rect(ctx, rect, false).max.y + 8), to_imu32(y_colour), yl.c_str());
}

// PCA of the input images: the first components as images of their loadings (red positive, blue
// negative, each scaled to its largest magnitude), down the right edge of the canvas.
void ProjectionView::draw_pca_components(UiContext& ctx, const Rect& rect) {
  report_.component_images = 0;
  const auto* points = ctx.points();
  if (config_.method != jobs::Method::pca || config_.layer != "input" || points == nullptr || points->signal ||
      points->height < 2 || !a_.result || !a_.result->components) {
    return;
  }
  const auto& c = *a_.result->components;
  const auto w = points->width, h = points->height;
  if (c.loadings.rows() != static_cast<Eigen::Index>(points->image_size())) return;
  const int count = static_cast<int>(std::min<Eigen::Index>(c.loadings.cols(), 4));
  const float cell = std::clamp((rect.height() - 40.0f) / static_cast<float>(count) / static_cast<float>(h + 7), 1.0f, 2.5f);
  const float tw = cell * static_cast<float>(w), th = cell * static_cast<float>(h);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float y = rect.min.y + 10;
  const float x = rect.max.x - tw - 10;
  for (int k = 0; k < count; ++k) {
    const auto col = c.loadings.col(k);
    const float top = std::max(col.cwiseAbs().maxCoeff(), 1e-12f);
    dl->AddRectFilled(ImVec2(x - 3, y - 3), ImVec2(x + tw + 3, y + th + 17), IM_COL32(14, 15, 19, 235), 3.0f);
    for (int r = 0; r < h; ++r) {
      for (int q = 0; q < w; ++q) {
        const float v = col(r * w + q) / top;
        const float a = std::min(1.0f, std::abs(v));
        const ImU32 colour = v >= 0 ? IM_COL32(static_cast<int>(235 * a), static_cast<int>(60 * a), static_cast<int>(50 * a), 255)
                                    : IM_COL32(static_cast<int>(50 * a), static_cast<int>(115 * a), static_cast<int>(235 * a), 255);
        const ImVec2 p(x + static_cast<float>(q) * cell, y + static_cast<float>(r) * cell);
        dl->AddRectFilled(p, ImVec2(p.x + cell, p.y + cell), colour);
      }
    }
    const double ratio = static_cast<std::size_t>(k) < c.explained_ratio.size() ? c.explained_ratio[static_cast<std::size_t>(k)] : 0.0;
    const std::string label = fmt::format("PC{} {:.1f}%", k + 1, 100 * ratio);
    dl->AddText(ImVec2(x, y + th + 2), IM_COL32(200, 204, 214, 255), label.c_str());
    y += th + 24;
    ++report_.component_images;
  }
  if (ImGui::IsMouseHoveringRect(ImVec2(x - 3, rect.min.y + 7), ImVec2(x + tw + 3, y))) {
    ImGui::SetTooltip("The first principal components of the input pixels as images of their loadings:\n"
                      "red pixels push a point along +PC, blue along -PC; x is PC1, y is PC2.");
  }
  ctx.hooks[fmt::format("view{}_components", slot_)] = {{x, rect.min.y + 10}, {x + tw, y}};
}

// The colour scale of the neighbourhood-change colouring, bottom left of the canvas.
void ProjectionView::draw_change_legend(const Rect& rect) const {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float w = 140, h = 8, x0 = rect.min.x + 12, y0 = rect.max.y - 34;
  dl->AddRectFilled(ImVec2(x0 - 6, y0 - 6), ImVec2(x0 + w + 6, y0 + h + 22), IM_COL32(22, 24, 29, 210), 4.0f);
  constexpr int kSteps = 14;
  for (int k = 0; k < kSteps; ++k) {
    const float a = static_cast<float>(k) / kSteps, b = static_cast<float>(k + 1) / kSteps;
    dl->AddRectFilled(ImVec2(x0 + a * w, y0), ImVec2(x0 + b * w + 0.5f, y0 + h), to_imu32(sequential_color(0.5f * (a + b)), 255));
  }
  const ImU32 text = IM_COL32(190, 194, 204, 255);
  dl->AddText(ImVec2(x0, y0 + h + 3), text, "same");
  const char* right = "all new";
  dl->AddText(ImVec2(x0 + w - ImGui::CalcTextSize(right).x, y0 + h + 3), text, right);
}

void ProjectionView::draw_traces(UiContext& ctx, const UiState& state, const Rect& rect) {
  report_.trace_lengths.clear();
  if (state.selection.empty() || ctx.points() == nullptr) return;
  const int n = ctx.frame_count();
  std::vector<Shown> held(static_cast<std::size_t>(n));
  std::vector<const Matrix*> layouts(static_cast<std::size_t>(n), nullptr);
  int budget = 3;  // star layouts recomputed after an anchor drag: a few per frame
  for (int f = 0; f < n; ++f) {
    const bool compute = is_star() && budget > 0 &&
                         (static_cast<std::size_t>(f) >= star_generation_.size() ||
                          star_generation_[static_cast<std::size_t>(f)] != anchors_generation_);
    if (compute) {
      --budget;
      ctx.animating = true;
    }
    held[static_cast<std::size_t>(f)] = layout_of(ctx, f, compute);
    layouts[static_cast<std::size_t>(f)] = held[static_cast<std::size_t>(f)].positions.get();
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  std::vector<ImVec2> line;
  for (std::size_t k = 0; k < state.selection.size() && k < static_cast<std::size_t>(kMaxTraces); ++k) {
    const auto i = static_cast<std::size_t>(state.selection[k]);
    const auto trace = assemble_trace(layouts, i);
    report_.trace_lengths.push_back(static_cast<int>(trace.size()));
    if (trace.size() < 2) continue;
    const Rgba8 c = class_color(ctx.points()->labels[i]);
    line.clear();
    for (const auto& tp : trace) {
      const Vec2 p = shown_dims_ == 3 ? screen_of(tp.position.x, tp.position.y, tp.z, rect) : camera_.to_screen(tp.position, rect);
      if (std::isfinite(p.x) && std::isfinite(p.y)) line.push_back(im(p));
    }
    if (line.size() < 2) continue;
    dl->AddPolyline(line.data(), static_cast<int>(line.size()), IM_COL32(0, 0, 0, 150), 0, 4.0f);
    dl->AddPolyline(line.data(), static_cast<int>(line.size()), to_imu32(c, 230), 0, 2.0f);
    for (std::size_t j = 0; j < line.size(); ++j) {
      const bool first = j == 0;
      dl->AddCircleFilled(line[j], first ? 3.5f : 2.2f, first ? IM_COL32(255, 255, 255, 220) : to_imu32(c, 255), 10);
    }
  }
}

void ProjectionView::draw_star_anchors(const UiContext& ctx, const Rect& rect, bool handles) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Vec2 origin = camera_.to_screen({0, 0}, rect);
  if (!handles) {
    dl->AddCircle(im(origin), camera_.scale, IM_COL32(120, 126, 140, 70), 128, 1.0f);
    for (Eigen::Index k = 0; k < anchors_.rows(); ++k) {
      const Vec2 a = camera_.to_screen({anchors_(k, 0), anchors_(k, 1)}, rect);
      dl->AddLine(im(origin), im(a), IM_COL32(120, 126, 140, 45), 1.0f);
    }
    return;
  }
  const auto* points = ctx.points();
  const auto d = anchors_.rows();
  const bool classes = points != nullptr && d == points->class_count();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (Eigen::Index k = 0; k < d; ++k) {
    const Vec2 a = camera_.to_screen({anchors_(k, 0), anchors_(k, 1)}, rect);
    const bool hot = std::hypot(a.x - mouse.x, a.y - mouse.y) < 9.0f || dragging_anchor_ == k;
    const float radius = d > 16 ? 3.5f : 6.0f;
    const ImU32 fill = classes ? to_imu32(class_color(static_cast<int>(k))) : IM_COL32(200, 204, 214, 255);
    dl->AddCircleFilled(im(a), radius + (hot ? 2.0f : 0.0f), fill, 16);
    dl->AddCircle(im(a), radius + (hot ? 2.0f : 0.0f), IM_COL32(15, 16, 20, 255), 16, 1.5f);
    if (d <= 16) {
      const std::string label = classes ? points->class_names[static_cast<std::size_t>(k)] : fmt::format("d{}", k);
      const float dx = a.x - origin.x, dy = a.y - origin.y;
      const float len = std::max(std::hypot(dx, dy), 1.0f);
      const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
      const ImVec2 at(a.x + dx / len * (radius + 10) - ts.x / 2, a.y + dy / len * (radius + 10) - ts.y / 2);
      dl->AddText(at, IM_COL32(230, 232, 236, 255), label.c_str());
    }
  }
}

void ProjectionView::fill_samples(const UiContext& ctx, const UiState& state, const Rect& rect) {
  report_.samples.clear();
  const std::size_t n = xy_.size() / 2;
  if (n == 0 || !camera_valid_) return;
  pick(ctx, state, {rect.min.x - 1000, rect.min.y - 1000});  // makes sure the grid is current
  const std::size_t stride = std::max<std::size_t>(1, n / 400);
  for (std::size_t i = 0; i < n && report_.samples.size() < 6; i += stride) {
    if (!visible_.empty() && visible_[i] == 0) continue;
    const Vec2 s = camera_.to_screen({xy_[2 * i], xy_[2 * i + 1]}, rect);
    if (!std::isfinite(s.x) || !std::isfinite(s.y)) continue;
    if (s.x < rect.min.x + 30 || s.x > rect.max.x - 30 || s.y < rect.min.y + 30 || s.y > rect.max.y - 30) continue;
    // A point the cursor picks when it rests on the pixel right of it (as the GUI test moves it).
    const Vec2 pixel{std::round(s.x), std::round(s.y)};
    const float radius_px = std::max(6.0f, 0.5f * gl_point_px_ + 3.0f);
    if (nearest_at(camera_.to_data({pixel.x + 1, pixel.y}, rect), radius_px / camera_.scale) != static_cast<int>(i)) continue;
    report_.samples.push_back({static_cast<int>(i), pixel});
  }
}

}  // namespace epochscope::ui
