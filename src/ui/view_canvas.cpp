// ProjectionView's canvas: the camera, mouse input (pan, zoom, pick, select, and what the parts take:
// star anchors, axis grids, turning a 3-D view), and what is drawn over the GL points (rings of the
// selection and the hovered point, traces, the parts' overlays).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "epochscope/ui/pca_overlay.hpp"
#include "epochscope/ui/projection_view.hpp"
#include "epochscope/ui/style.hpp"
#include "epochscope/ui/traces.hpp"

namespace epochscope::ui {
namespace {

// Traces for every selected point up to this many; a larger selection (a lasso, a confusion cell)
// traces only the point the inspector shows, so the picture stays readable.
constexpr int kMaxTraces = 16;

ImVec2 im(Vec2 v) { return {v.x, v.y}; }

// The picking radius covers the drawn disc and a little more.
float pick_radius_px(float point_px) { return std::max(6.0f, 0.5f * point_px + 3.0f); }

}  // namespace

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
  const Vec2 data = camera_.to_data(mouse, canvas_);
  const float radius = pick_radius_px(gl_point_px_) / camera_.scale;
  if (shown_dims_ == 3) return orbit_.pick(grid_, xy_, data, radius, gl_point_px_);
  return grid_.nearest(data, radius);
}

// Point i on screen: xy_ holds data positions (2-D) or screen offsets (3-D, camera_ the identity).
Vec2 ProjectionView::screen_of_point(std::size_t i, const Rect& rect) const {
  return camera_.to_screen({xy_[2 * i], xy_[2 * i + 1]}, rect);
}

// 2-D: the camera follows the layout (smoothly) until the user pans or zooms; double-click restores
// that. 3-D: the orbit fit follows the layout, and xy_ holds screen offsets (the camera is the identity).
void ProjectionView::fit_camera(UiContext& ctx, const Rect& rect) {
  if (shown_dims_ == 3) {
    camera_ = ViewTransform{{0, 0}, 1};
    fit_scale_ = 1;
    if (orbit_.follow(static_cast<float>(ctx.dt))) ctx.animating = true;
    camera_valid_ = camera_valid_ || !xyz_.empty();
    if (orbit_.project(rect, xyz_, xy_)) grid_dirty_ = true;
    return;
  }
  Bounds fit_bounds = bounds_;
  if (is_star() && fit_bounds.valid()) {
    fit_bounds.extend({-1.12f, -1.12f});
    fit_bounds.extend({1.12f, 1.12f});
  }
  if (!fit_bounds.valid()) return;
  // (The pixel explorer keeps its axis grids clear of the points; star views their anchor labels.)
  const bool grids = is_pixels() && config_.layer == "input";
  const float margin = grids ? 8.0f : is_star() ? 26.0f + ImGui::GetTextLineHeight() : 26.0f;
  Rect area = grids ? pixels_.plot_rect(ctx, config_, rect) : rect;
  if (config_.method == jobs::Method::pca && config_.layer == "input" && a_.result && a_.result->components) {
    area.max.x -= pca_components_width(ctx, *a_.result->components, rect);  // the component images' column
  }
  auto fit = ViewTransform::fit(fit_bounds, area, margin);
  fit.pan({area.center().x - rect.center().x, area.center().y - rect.center().y});  // the camera maps around rect's centre
  fit_scale_ = fit.scale;
  if (!camera_valid_) {
    camera_ = fit;
    camera_valid_ = true;
  } else if (auto_fit_) {
    // Drawn as density, every step of the camera aggregates every point again on the CPU: while a
    // layout grew (a new one every half second, each followed by ~40 steps) that was 30-60
    // aggregations a second at 70,000 points, a fifth of a core taken from training. There the
    // camera follows in one step; the points jump to their new places then anyway.
    if (report_.density || camera_.near(fit, 0.5f, rect)) {
      camera_ = fit;
    } else {
      camera_ = camera_.toward(fit, std::clamp(static_cast<float>(ctx.dt) * 8.0f, 0.05f, 1.0f));
      ctx.animating = true;
    }
  }
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
  const Theme& th = *ctx.theme;
  dl->AddRectFilled(p0, im(rect.max), to_imu32(th.view_bg), 4.0f);

  const bool three = shown_dims_ == 3;
  fit_camera(ctx, rect);
  handle_input(ctx, state, rect, hovered, active);
  if (three && orbit_.project(rect, xyz_, xy_)) grid_dirty_ = true;  // the camera may have turned

  const ImGuiIO& io = ImGui::GetIO();
  const float sx = io.DisplayFramebufferScale.x, sy = io.DisplayFramebufferScale.y;
  gl_params_.viewport = {static_cast<int>(std::lround(rect.min.x * sx)),
                         static_cast<int>(std::lround((io.DisplaySize.y - rect.max.y) * sy)),
                         static_cast<int>(std::lround(rect.width() * sx)), static_cast<int>(std::lround(rect.height() * sy))};
  if (three) {
    orbit_.gl_params(rect, gl_params_);
  } else {
    float scale[2], offset[2];
    camera_.ndc(rect, scale, offset);
    gl_params_.set_2d(scale, offset);
  }
  const float zoom = camera_.scale / std::max(fit_scale_, 1e-9f);
  draw_images_ = image_mode(state) && ctx.atlas != nullptr;
  gl_atlas_ = ctx.atlas;
  gl_point_px_ = draw_images_ ? std::clamp(11.0f * std::sqrt(zoom), 14.0f, 160.0f) * em()
                              : state.point_size * em() * std::clamp(std::pow(zoom, 0.25f), 1.0f, 2.5f);
  draw_edges_ = config_.method == jobs::Method::graph && state.show_edges;
  report_.images = draw_images_;
  report_.component_images = 0;
  update_density(state);

  if (a_.positions) {
    dl->PushClipRect(p0, im(rect.max), true);
    if (is_star()) star_.draw_under(dl, camera_, rect, th);
    if (three) orbit_.draw_box(dl, rect, th);
    dl->AddCallback(render_callback(), this);
    dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    if (is_star()) star_.draw_over(dl, camera_, rect, ctx.points(), th);
    draw_traces(ctx, state, rect);
    draw_rings(ctx, state, rect);
    if (color_change_) ChangeOverlay::draw_legend(dl, rect, th);
    if (is_pixels()) pixels_.draw(ctx, state, config_, rect, slot_);
    if (config_.method == jobs::Method::pca && config_.layer == "input" && a_.result && a_.result->components) {
      report_.component_images = draw_pca_components(ctx, *a_.result->components, rect, slot_);
    }
    draw_frame_badge(ctx, state, rect);
    // Bottom left: why the picture looks different (density; the Options panel has the switch), and
    // the points the camera's fit left out.
    std::string corner = gl_density_ ? "density" : "";
    if (far_points_ > 0 && shown_dims_ == 2) {
      corner += fmt::format("{}{} point{} far outside (zoom out)", corner.empty() ? "" : "  |  ", far_points_,
                            far_points_ == 1 ? "" : "s");
    }
    if (!corner.empty()) {
      const ImVec2 at(rect.min.x + 6 * em(), rect.max.y - ImGui::GetTextLineHeight() - 4 * em());
      dl->AddText(at, to_imu32(th.text_dim), corner.c_str());
    }
    report_.far_points = shown_dims_ == 2 ? static_cast<int>(far_points_) : 0;
    draw_lasso(ctx, state);
    dl->PopClipRect();
  } else {
    report_.badge.clear();
    const std::string text = ctx.frame_count() == 0 ? "Waiting for the first frame..."
                             : loading_             ? "Loading the frame from the session..."
                             : !local_error_.empty() ? local_error_
                                                     : "Computing the first layout...";
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
    dl->AddText(ImVec2(rect.center().x - ts.x / 2, rect.center().y - ts.y / 2), to_imu32(th.text_dim), text.c_str());
  }
  if (ctx.test_mode) fill_samples(ctx, state, rect);
}

// A view that shows an older frame than the epoch bar says so in the picture itself (the status line
// may be cut off in a narrow view): a badge in the top-right corner.
void ProjectionView::draw_frame_badge(const UiContext& ctx, const UiState& state, const Rect& rect) {
  report_.badge.clear();
  const int wanted = std::clamp(state.frame, 0, std::max(ctx.frame_count() - 1, 0));
  if (shown_frame_ < 0 || shown_frame_ == wanted || state.playing) return;
  report_.badge = fmt::format("frame {} (bar: {})", shown_frame_, wanted);
  const Theme& th = *ctx.theme;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 ts = ImGui::CalcTextSize(report_.badge.c_str());
  const float pad = 5;
  const ImVec2 max(rect.max.x - 8, rect.min.y + 8 + ts.y + 2 * pad);
  const ImVec2 min(max.x - ts.x - 2 * pad, rect.min.y + 8);
  dl->AddRectFilled(min, max, to_imu32(th.badge_bg), 4.0f);
  dl->AddText(ImVec2(min.x + pad, min.y + pad), to_imu32(th.badge_text), report_.badge.c_str());
  if (ImGui::IsMouseHoveringRect(min, max)) {
    ImGui::SetTooltip("This view still shows frame %d: the layout of frame %d is being computed.", shown_frame_, wanted);
  }
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
  if (handle_lasso(ctx, state, rect, active)) return;
  if (ImGui::IsItemActivated()) {
    panning_ = false;
    grid_click_ = is_pixels() && pixels_.press(ctx, config_, rect, mouse, pending_config_);
    if (is_star() && !grid_click_) star_.press(mouse, camera_, rect);
  }
  if (active && !grid_click_ && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f)) {
    if (is_star() && star_.drag(mouse, camera_, rect)) {
      update_positions(ctx, state);  // the layout follows as soon as the worker has it
    } else if (three) {  // grab and turn: the front of the cloud follows the mouse
      orbit_.turn(-io.MouseDelta.x, io.MouseDelta.y);
      panning_ = true;
    } else if (camera_valid_) {
      camera_.pan({io.MouseDelta.x, io.MouseDelta.y});
      auto_fit_ = false;
      panning_ = true;
    }
  }
  if (ImGui::IsItemDeactivated()) {
    if (io.MouseDragMaxDistanceSqr[0] < 16.0f && !star_.dragging() && !grid_click_) {
      const int p = pick(ctx, state, mouse);
      if (p >= 0) state.click_point(p, io.KeyShift);
    }
    star_.release();
    panning_ = false;
  }
  const auto fit_again = [&] {
    auto_fit_ = true;
    if (three) orbit_.fit_again();
  };
  if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) fit_again();
  if (ImGui::BeginPopupContextItem("view menu")) {
    if (ImGui::MenuItem("Fit to the points", "double-click")) fit_again();
    if (three && ImGui::MenuItem("Reset the camera")) orbit_.reset();
    if (is_star() && ImGui::MenuItem("Reset the anchors", nullptr, false, star_.anchors().moved())) {
      star_.anchors().reset(star_.anchors().dims());
    }
    if (ctx.atlas != nullptr) ImGui::MenuItem("Point images", nullptr, &state.images);
    ImGui::MenuItem("Rectangle selection", "Ctrl + drag", &state.select_rectangle);
    if (config_.method == jobs::Method::graph) ImGui::MenuItem("Graph edges", nullptr, &state.show_edges);
    ImGui::Separator();
    // The pixel explorer is drawn from the data, not laid out: `render` has nothing to draw of it.
    const bool shown_final = is_star() || (a_.result && a_.result->final && shown_frame_ >= 0);
    const bool can = ctx.can_export && !is_pixels() && shown_final;
    if (ImGui::MenuItem("Export view...", nullptr, false, can)) open_export_ = true;
    ctx.hooks[fmt::format("view{}_export", slot_)] = last_item_rect();
    if (!can && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
      ImGui::SetTooltip("%s", !ctx.can_export ? "Export needs a session file"
                              : is_pixels()   ? "The pixel explorer cannot be exported"
                                              : "Export once this frame's layout is final");
    }
    ImGui::EndPopup();
  }
  draw_export_dialog(ctx, state);
  const bool over_grid = is_pixels() && pixels_.over_grid(ctx, config_, rect, mouse);
  if (hovered && !panning_ && !star_.dragging() && !over_grid) {
    const int p = pick(ctx, state, mouse);
    if (p >= 0) state.next_hovered = p;
    const int anchor = is_star() ? star_.hovered(mouse, camera_, rect) : -1;
    if (anchor >= 0 && p < 0) ImGui::SetTooltip("Drag the anchor of dimension %d; right-click to reset", anchor);
  }
}

// Rings: the selection in the class colours, the hovered point in white (and, in graph views, its
// kNN edges and neighbours).
void ProjectionView::draw_rings(UiContext& ctx, const UiState& state, const Rect& rect) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const auto* points = ctx.points();
  const Theme& th = *ctx.theme;
  const std::size_t n = xy_.size() / 2;
  const float r = 0.5f * gl_point_px_;
  for (std::size_t k = 0; k < state.selection.size() && k < 512; ++k) {
    const auto i = static_cast<std::size_t>(state.selection[k]);
    if (i >= n) continue;
    const Vec2 s = screen_of_point(i, rect);
    if (!std::isfinite(s.x) || !std::isfinite(s.y)) continue;
    const ImU32 c = points != nullptr ? to_imu32(th.class_color(points->labels[i])) : to_imu32(th.ring);
    dl->AddCircleFilled(im(s), r + 2.5f, c, 20);
    dl->AddCircle(im(s), r + 3.5f, to_imu32(th.ring, 235), 24, 2.0f);
  }
  // The Neighbours panel's point's nearest in the layer: thin rings in the ring colour, so a user sees
  // whether this picture keeps them near it.
  report_.neighbour_rings = 0;
  for (int p : state.layer_neighbours) {
    const auto i = static_cast<std::size_t>(p);
    if (p < 0 || i >= n || !std::isfinite(xy_[2 * i]) || !std::isfinite(xy_[2 * i + 1])) continue;
    const Vec2 s = screen_of_point(i, rect);
    dl->AddCircle(im(s), r + 4.5f, to_imu32(th.ring_shadow), 20, 3.0f);
    dl->AddCircle(im(s), r + 4.5f, to_imu32(th.ring, 220), 20, 1.5f);
    ++report_.neighbour_rings;
  }
  const int hovered = state.next_hovered >= 0 ? state.next_hovered : state.hovered;
  report_.hovered_ring = -1;
  report_.hovered_edges = -1;
  if (hovered < 0 || static_cast<std::size_t>(hovered) >= n) return;
  const auto i = static_cast<std::size_t>(hovered);
  if (config_.method == jobs::Method::graph && points != nullptr) {
    report_.hovered_edges = graph_.draw_hovered(dl, *points, xy_, camera_, rect, i, gl_point_px_, th);
  }
  if (!std::isfinite(xy_[2 * i])) return;
  const Vec2 s = screen_of_point(i, rect);
  dl->AddCircle(im(s), r + 7.0f, to_imu32(th.ring_shadow), 28, 4.0f);
  dl->AddCircle(im(s), r + 7.0f, to_imu32(th.ring), 28, 2.0f);
  report_.hovered_ring = hovered;
}

// Each selected point's path across every frame that has a layout, in its class colour.
void ProjectionView::draw_traces(UiContext& ctx, const UiState& state, const Rect& rect) {
  report_.trace_lengths.clear();
  trace_lines_.clear();
  if (state.selection.empty() || ctx.points() == nullptr) return;
  const int n = ctx.frame_count();
  std::vector<Shown> held(static_cast<std::size_t>(n));
  std::vector<const Matrix*> layouts(static_cast<std::size_t>(n), nullptr);
  for (int f = 0; f < n; ++f) {
    held[static_cast<std::size_t>(f)] = layout_of(ctx, f, true);
    layouts[static_cast<std::size_t>(f)] = held[static_cast<std::size_t>(f)].positions.get();
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = *ctx.theme;
  std::vector<ImVec2> line;
  std::vector<int> frames;
  const int current = std::clamp(state.frame, 0, std::max(n - 1, 0));
  std::vector<int> traced(state.selection);
  if (traced.size() > static_cast<std::size_t>(kMaxTraces)) {
    traced = {state.selection[static_cast<std::size_t>(std::clamp(state.inspected, 0, static_cast<int>(state.selection.size()) - 1))]};
  }
  for (std::size_t k = 0; k < traced.size(); ++k) {
    const auto i = static_cast<std::size_t>(traced[k]);
    const auto trace = assemble_trace(layouts, i);
    report_.trace_lengths.push_back(static_cast<int>(trace.size()));
    if (trace.size() < 2) continue;
    const Rgba8 c = th.class_color(ctx.points()->labels[i]);
    line.clear();
    frames.clear();
    for (const auto& tp : trace) {
      const Vec2 p = shown_dims_ == 3 ? orbit_.screen_of({tp.position.x, tp.position.y, tp.z}, rect)
                                      : camera_.to_screen(tp.position, rect);
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      line.push_back(im(p));
      frames.push_back(tp.frame);
    }
    if (line.size() < 2) continue;
    SvgTrace saved{{}, c};
    for (const auto& p : line) saved.points.push_back({p.x, p.y});
    trace_lines_.push_back(std::move(saved));
    // A halo, a line in the ring colour and dots in the class colour: it shows on its own cluster.
    dl->AddPolyline(line.data(), static_cast<int>(line.size()), to_imu32(th.ring_shadow, 170), 0, 5.0f);
    dl->AddPolyline(line.data(), static_cast<int>(line.size()), to_imu32(th.ring, 220), 0, 2.0f);
    // Which way it goes: an arrowhead halfway along every segment long enough to hold one.
    for (std::size_t j = 0; j + 1 < line.size(); ++j) {
      const float dx = line[j + 1].x - line[j].x, dy = line[j + 1].y - line[j].y, len = std::hypot(dx, dy);
      if (len < 18.0f) continue;
      const float ux = dx / len, uy = dy / len;
      const ImVec2 tip(line[j].x + dx * 0.5f + ux * 4.0f, line[j].y + dy * 0.5f + uy * 4.0f);
      const ImVec2 a(tip.x - ux * 8.0f - uy * 4.5f, tip.y - uy * 8.0f + ux * 4.5f);
      const ImVec2 b(tip.x - ux * 8.0f + uy * 4.5f, tip.y - uy * 8.0f - ux * 4.5f);
      dl->AddTriangleFilled(tip, a, b, to_imu32(th.ring, 230));
      dl->AddTriangle(tip, a, b, to_imu32(th.ring_shadow, 200), 1.0f);
    }
    for (std::size_t j = 0; j < line.size(); ++j) {
      const bool now = frames[j] == current;
      dl->AddCircleFilled(line[j], now ? 5.0f : 3.0f, to_imu32(c, 255), 12);
      dl->AddCircle(line[j], now ? 6.0f : 3.5f, to_imu32(th.ring_shadow, 220), 12, now ? 2.0f : 1.0f);
    }
    // Epoch marks at both ends.
    for (const std::size_t j : {std::size_t{0}, line.size() - 1}) {
      const std::string mark = fmt::format("{}", frames[j]);
      const ImVec2 at(line[j].x + 6, line[j].y - 16);
      const ImVec2 ts = ImGui::CalcTextSize(mark.c_str());
      dl->AddRectFilled(ImVec2(at.x - 2, at.y - 1), ImVec2(at.x + ts.x + 2, at.y + ts.y + 1), to_imu32(th.overlay_bg), 3.0f);
      dl->AddText(at, to_imu32(th.text), mark.c_str());
    }
  }
}

void ProjectionView::fill_samples(const UiContext& ctx, const UiState& state, const Rect& rect) {
  report_.samples.clear();
  report_.screen.clear();
  const std::size_t n = xy_.size() / 2;
  if (n == 0 || !camera_valid_) return;
  if (n <= 2000 && shown_dims_ == 2) {  // for the GUI tests' lasso
    for (std::size_t i = 0; i < n; ++i) {
      const Vec2 s = screen_of_point(i, rect);
      report_.screen.push_back(s.x);
      report_.screen.push_back(s.y);
    }
  }
  // (Up to 400 picks a frame: at 70,000 points, in cells of hundreds, they took 80% of the window's
  // thread and made every frame-time measurement with --test-state a measurement of this loop.)
  if (n > 20000) return;
  pick(ctx, state, {rect.min.x - 1000, rect.min.y - 1000});  // makes sure the grid is current
  const std::size_t stride = std::max<std::size_t>(1, n / 400);
  const float radius = pick_radius_px(gl_point_px_) / camera_.scale;
  for (std::size_t i = 0; i < n && report_.samples.size() < 6; i += stride) {
    if (!visible_.empty() && visible_[i] == 0) continue;
    const Vec2 s = screen_of_point(i, rect);
    if (!std::isfinite(s.x) || !std::isfinite(s.y)) continue;
    if (s.x < rect.min.x + 30 || s.x > rect.max.x - 30 || s.y < rect.min.y + 30 || s.y > rect.max.y - 30) continue;
    // A point the cursor picks when it rests on the pixel right of it (as the GUI test moves it).
    const Vec2 pixel{std::round(s.x), std::round(s.y)};
    const Vec2 data = camera_.to_data({pixel.x + 1, pixel.y}, rect);
    const int picked = shown_dims_ == 3 ? orbit_.pick(grid_, xy_, data, radius, gl_point_px_) : grid_.nearest(data, radius);
    if (picked != static_cast<int>(i)) continue;
    report_.samples.push_back({static_cast<int>(i), pixel});
  }
}

}  // namespace epochscope::ui
