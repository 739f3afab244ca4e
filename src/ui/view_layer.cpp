// ProjectionView's points on the GPU: drawn from an ImDrawList callback into the view's offscreen
// layer, which is drawn again only when the positions, styles, edges or the camera changed, then
// composited inside the part of the window being drawn.
#include <cmath>

#include "epochscope/ui/damage.hpp"
#include "epochscope/ui/projection_view.hpp"

namespace epochscope::ui {
namespace {

// The command's clip rectangle (the canvas, or the part of it being drawn again) in framebuffer pixels.
render::Viewport scissor_of(const ImDrawCmd& cmd) {
  const ImGuiIO& io = ImGui::GetIO();
  const float sx = io.DisplayFramebufferScale.x, sy = io.DisplayFramebufferScale.y;
  const auto x0 = static_cast<int>(std::floor(cmd.ClipRect.x * sx)), x1 = static_cast<int>(std::ceil(cmd.ClipRect.z * sx));
  const auto y0 = static_cast<int>(std::floor((io.DisplaySize.y - cmd.ClipRect.w) * sy));
  const auto y1 = static_cast<int>(std::ceil((io.DisplaySize.y - cmd.ClipRect.y) * sy));
  return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

void callback(const ImDrawList*, const ImDrawCmd* cmd) {
  const render::Viewport scissor = scissor_of(*cmd);
  if (scissor.width <= 0 || scissor.height <= 0) return;  // outside the part being drawn
  static_cast<const ProjectionView*>(cmd->UserCallbackData)->render_gl(scissor);
}

}  // namespace

ImDrawCallback ProjectionView::render_callback() { return callback; }

std::optional<std::uint64_t> ProjectionView::callback_token(const ImDrawCmd& cmd) {
  if (cmd.UserCallback != callback) return std::nullopt;
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

bool ProjectionView::drawn_by_change() const { return color_change_ && change_.cloud(xy_.size() / 2) != nullptr; }

const render::PointCloud& ProjectionView::drawn_cloud() const {
  return drawn_by_change() ? *change_.cloud(xy_.size() / 2) : *cloud_;
}

const render::ImageAtlas* ProjectionView::drawn_atlas() const {
  return draw_images_ && !drawn_by_change() ? gl_atlas_ : nullptr;
}

render::LayerKey ProjectionView::layer_key() const {
  const render::PointCloud& cloud = drawn_cloud();
  const render::ImageAtlas* atlas = drawn_atlas();
  render::LayerKey key;
  // (A cloud is bound to one style buffer for life: its identity stands for both.)
  key.versions = {cloud.version(), cloud.styles().version(), reinterpret_cast<std::uintptr_t>(&cloud),
                  draw_edges_ ? graph_.buffer().version() + 1 : 0, reinterpret_cast<std::uintptr_t>(atlas),
                  gl_density_ ? 1u : 0u, 0, 0};
  render::describe(gl_params_, gl_point_px_, key);
  return key;
}

bool ProjectionView::layer_stale() const {
  if (!a_.positions || xy_.empty() || renderers_.compositor == nullptr || layer_failed_) return false;
  return !layer_ || !layer_->valid(layer_key(), gl_params_.viewport);
}

bool ProjectionView::defer_layer() {
  const auto& vp = gl_params_.viewport;
  if (!layer_ || !layer_->drawn() || layer_->width() != std::max(vp.width, 1) || layer_->height() != std::max(vp.height, 1)) {
    return false;
  }
  layer_deferred_ = true;
  ++stale_frames_;
  return true;
}

void ProjectionView::update_density(const UiState& state) {
  const bool can = renderers_.density != nullptr && shown_dims_ == 2 && !draw_images_ && a_.positions && !xy_.empty();
  if (!can || state.density == DensityMode::off) {
    gl_density_ = false;
  } else if (state.density == DensityMode::on) {
    gl_density_ = true;
  }
  if (can) {
    // Count the points inside the canvas again only when the positions, styles or camera changed.
    render::LayerKey key = layer_key();
    key.versions[5] = 0;
    if (!(key == coverage_key_)) {
      coverage_key_ = key;
      const auto& styles = drawn_cloud().styles();
      const auto order = styles.cpu_order().first(std::min(styles.emphasised_from(), styles.cpu_order().size()));
      const float* t = gl_params_.transform;
      std::size_t inside = 0;
      for (const std::uint32_t i : order) {
        if (2 * static_cast<std::size_t>(i) + 1 >= xy_.size()) continue;
        const float x = xy_[2 * i] * t[0] + t[12], y = xy_[2 * i + 1] * t[5] + t[13];
        inside += (x >= -1 && x <= 1 && y >= -1 && y <= 1) ? 1 : 0;
      }
      report_.coverage = render::sprite_coverage(inside, gl_point_px_, gl_params_.viewport.width, gl_params_.viewport.height);
    }
    // Some hysteresis, so that zooming across the threshold does not flicker between the two.
    if (state.density == DensityMode::automatic) {
      gl_density_ = report_.coverage > (gl_density_ ? 0.8 : 1.0) * kDensityCoverage;
    }
  } else {
    report_.coverage = 0;
  }
  report_.density = gl_density_;
}

void ProjectionView::render_gl(const render::Viewport& scissor) const {
  if (!a_.positions || xy_.empty()) return;
  const render::PointCloud& cloud = drawn_cloud();
  const render::ImageAtlas* atlas = drawn_atlas();
  const auto draw = [&](const render::ViewParams& params) {
    if (draw_edges_) {
      const float color[4] = {0.55f, 0.60f, 0.70f, 0.16f};
      renderers_.lines->draw(cloud, graph_.buffer(), params, color);
    }
    if (gl_density_) {
      // The crowd as density, the emphasised points (misclassified, highlighted) as sprites on top.
      const std::size_t emphasised = cloud.styles().emphasised_from();
      renderers_.density->draw(cloud, params, gl_point_px_, emphasised);
      renderers_.points->draw(cloud, params, gl_point_px_, nullptr, emphasised);
      return;
    }
    renderers_.points->draw(cloud, params, gl_point_px_, atlas);
  };
  if (renderers_.compositor != nullptr && !layer_failed_) {
    // The layer is drawn again only when the positions, styles, edges or the camera changed.
    const render::LayerKey key = layer_key();
    try {
      if (!layer_) layer_ = std::make_unique<render::LayerCache>();
      if (!layer_deferred_ && !layer_->valid(key, gl_params_.viewport)) {
        layer_->begin(key, gl_params_.viewport);  // clears the layer's colour and depth
        draw(render::LayerCache::layer_params(gl_params_));
        layer_->end();
        ++layer_redraws_;
        stale_frames_ = 0;
      }
      renderers_.compositor->draw(layer_->texture(), gl_params_.viewport, scissor);
      return;
    } catch (const std::exception&) {
      layer_.reset();  // no offscreen layer on this driver: draw directly from now on
      layer_failed_ = true;
    }
  }
  render::ViewParams params = gl_params_;
  params.scissor = scissor;
  render::clear_depth(params);  // 3-D: this view's depth starts empty
  draw(params);
}

}  // namespace epochscope::ui
