// ProjectionView's core: the source and configuration, where each frame's layout comes from, and
// the positions uploaded for the frame shown. The header is in view_header.cpp, the canvas (camera,
// input, rings, traces) in view_canvas.cpp, the cached GL layer in view_layer.cpp.
#include "epochscope/ui/projection_view.hpp"

#include <algorithm>
#include <cmath>

#include "epochscope/project/star.hpp"
#include "epochscope/ui/pixel_axes.hpp"
#include "epochscope/ui/traces.hpp"

namespace epochscope::ui {

ProjectionView::ProjectionView(int slot, ViewRenderers renderers) : slot_(slot), renderers_(renderers) {
  cloud_ = std::make_unique<render::PointCloud>(*renderers_.styles);
}

ProjectionView::~ProjectionView() { release(); }

void ProjectionView::release() {
  if (pool_ != nullptr && requested_) pool_->release(key());
  requested_ = false;
}

void ProjectionView::set_source(jobs::LayoutPool* pool) {
  release();
  pool_ = pool;
  a_ = b_ = {};
  t_ = -1;
  shown_frame_ = -1;
  local_.reset();
  star_.anchors().reset(star_.anchors().dims());
  auto_fit_ = true;
  camera_valid_ = false;
  pixels_.restart();
  orbit_.restart();
  xy_.clear();
  xyz_.clear();
  if (pool_ != nullptr && jobs::is_computed(config_.method)) {
    pool_->request(key());  // star too: the pool's result carries recall@10
    requested_ = true;
  }
}

void ProjectionView::set_config(const ViewConfig& config) {
  if (config == config_) return;
  auto* pool = pool_;
  release();
  config_ = config;
  set_source(pool);
}

// What the view's own layouts are made with: star coordinates with the current anchors, or the
// pixel explorer's two axes. A change makes the layouts stale; LocalLayouts makes them again.
void ProjectionView::update_local_recipe(const UiContext& ctx) {
  const auto* points = ctx.points();
  if (!is_local() || points == nullptr) return;
  if (is_star()) {
    const int width = layer_width(*points, config_.layer);
    if (width <= 0) return;  // "input" is not a frame layer
    star_.anchors().ensure(width);
    const unsigned generation = star_.anchors().generation();
    if (generation == local_.generation()) return;
    local_.set_recipe([anchors = star_.anchors().anchors()](const store::PointSet&, const Matrix* layer) {
      return project::star_layout(project::star_normalized(*layer), anchors);
    }, generation, config_.layer);
    return;
  }
  const auto [ax, ay] = PixelExplorer::axes(*points, config_);
  const auto generation = static_cast<unsigned>(ax * 65536 + ay + 1);
  if (generation == local_.generation()) return;
  local_.set_recipe(PixelExplorer::recipe(*points, config_), generation, config_.layer);
}

ProjectionView::Shown ProjectionView::layout_of(UiContext& ctx, int frame, bool make, LocalLayouts::Lookup* local) {
  if (frame < 0 || frame >= ctx.frame_count()) return {};
  if (is_local()) {
    update_local_recipe(ctx);
    auto got = local_.get(ctx.store, ctx.tasks, frame, make);
    if (got.reading || got.computing) ctx.animating = true;  // look again next frame
    Shown shown{got.layout, nullptr};
    if (local != nullptr) *local = std::move(got);
    return shown;
  }
  if (pool_ == nullptr) return {};
  auto r = pool_->get(key(), frame);
  if (!r || !r->positions || r->positions->rows() == 0) return {};
  return {r->positions, r};
}

bool ProjectionView::final_layout_of(UiContext& ctx, int frame) {
  if (is_trajectory() && config_.landscape) return ctx.landscape && ctx.landscape->total > 0 && ctx.landscape->evaluated == ctx.landscape->total;
  if (is_trajectory()) return refresh_trajectory(ctx);  // the same path whatever the frame
  if (is_local()) {
    update_local_recipe(ctx);
    return local_.get(ctx.store, ctx.tasks, frame).current;
  }
  auto shown = layout_of(ctx, frame, true);
  return shown.result && shown.result->final;
}

bool ProjectionView::image_mode(const UiState& state) const {
  const float zoom = camera_.scale / std::max(fit_scale_, 1e-9f);
  return state.images || zoom >= 6.0f;
}

void ProjectionView::update_positions(UiContext& ctx, const UiState& state) {
  const int n = ctx.frame_count();
  loading_ = false;
  local_error_.clear();
  if (n == 0 || is_trajectory()) return;
  const int f0 = std::clamp(state.frame, 0, n - 1);
  LocalLayouts::Lookup wanted;
  Shown a = layout_of(ctx, f0, true, &wanted);
  loading_ = wanted.reading;
  local_error_ = wanted.error;
  int frame = f0;
  for (int f = f0 - 1; f >= 0 && !a.positions; --f) {  // not there yet: the newest earlier frame that is
    a = layout_of(ctx, f, false);
    frame = f;
  }
  if (!a.positions) {
    a_ = {};
    shown_frame_ = -1;
    return;
  }
  Shown b;
  float t = 0;
  if (frame == f0 && state.phase > 0 && f0 + 1 < n) {
    b = layout_of(ctx, f0 + 1, true);
    if (b.positions && b.positions->rows() == a.positions->rows()) t = ease(state.phase);
  }
  const int d = dims();
  if (a.positions != a_.positions || b.positions != b_.positions || t != t_ || d != shown_dims_) {
    shown_dims_ = d;
    if (d == 3) {
      interpolate(*a.positions, t > 0 ? b.positions.get() : nullptr, t, xyz_, 3);
      cloud_->set_positions(xyz_, 3);
      change_.set_positions(xyz_, 3);
      orbit_.set_layout(xyz_);
      if (xy_.size() != 2 * (xyz_.size() / 3)) xy_.assign(2 * (xyz_.size() / 3), std::nanf(""));
    } else {
      interpolate(*a.positions, t > 0 ? b.positions.get() : nullptr, t, xy_);
      xyz_.clear();
      cloud_->set_positions(xy_);
      change_.set_positions(xy_, 2);
      bounds_ = Bounds::of_bulk(xy_, &far_points_);
    }
    grid_dirty_ = true;
  }
  a_ = std::move(a);
  b_ = std::move(b);
  t_ = t;
  shown_frame_ = frame;
  graph_.set_edges(a_.result ? a_.result->edges : nullptr);  // graph edges follow the layout they belong to
}

// The change of the layer and frame shown, from the pool (it belongs to the layer and frame, not to
// the method; for layouts read from a session file the pool computes it when first asked).
void ProjectionView::update_change(const UiContext& ctx, const UiState& state) {
  report_.color_change = color_change_;
  report_.mean_change = -1;
  const auto* points = ctx.points();
  if (!color_change_ || points == nullptr || shown_frame_ < 0 || xy_.size() != 2 * points->size()) return;
  ChangeShares change = pool_ != nullptr ? pool_->neighbourhood_change(config_.layer, shown_frame_) : nullptr;
  change_.set_change(change, points->size());
  report_.mean_change = change_.mean();
  if (shown_dims_ == 3) {
    change_.update(*points, state, xyz_, 3);
  } else {
    change_.update(*points, state, xy_, 2);
  }
}

void ProjectionView::draw(UiContext& ctx, UiState& state, ImVec2 size, bool header, bool canvas) {
  if (pending_config_) {  // an axis picked on a grid last frame
    const ViewConfig next = *pending_config_;
    pending_config_.reset();
    set_config(next);
    if (slot_ < kMaxViews) state.views[static_cast<std::size_t>(slot_)] = next;
  }
  if (is_trajectory()) {
    draw_trajectory(ctx, state, size, header, canvas);
    return;
  }
  ImGui::PushID(slot_);
  const ImVec2 start = ImGui::GetCursorPos();
  update_positions(ctx, state);
  if (header) {
    draw_header(ctx, state);
  } else if (!is_pixels()) {  // what the header would say, for the caller (a depth strip's panel, tests)
    float progress = 0;
    std::string readouts;
    const std::string status = status_line(ctx, state, progress, readouts);
    fill_report(readouts.empty() ? status : status + "  |  " + readouts);
  }
  const ImVec2 used = {0, ImGui::GetCursorPos().y - start.y};
  update_change(ctx, state);
  if (canvas) draw_canvas(ctx, state, ImVec2(size.x, std::max(40.0f, size.y - used.y)));
  ImGui::PopID();
}

}  // namespace epochscope::ui
