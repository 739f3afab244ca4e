// Contract: a view's points drawn once into an offscreen texture (colour, plus depth for 3-D views)
// and composited into the window every frame until something they depend on changes. Under
// llvmpipe most of a frame's cost is rasterising tens of thousands of point sprites; hovering,
// moving the cursor or a progress bar ticking changes none of them, so those frames only blend one
// textured quad per view. The caller decides what "changed" means with a key (a LayerKey of the
// inputs' versions and the draw parameters). The texture holds premultiplied colour (what the
// point shaders' blending produces on a transparent target) and is composited with ONE,
// ONE_MINUS_SRC_ALPHA. All calls need the GL context current on the calling thread.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>

#include "epochscope/render/gl_object.hpp"
#include "epochscope/render/point_renderer.hpp"

namespace epochscope::render {

/// What a cached layer was drawn from: compared bit for bit.
struct LayerKey {
  std::array<std::uint64_t, 8> versions{};  ///< e.g. positions, styles, edges and the objects' identities
  std::array<float, 24> params{};           ///< transform, viewport, point size, flags as numbers
  bool operator==(const LayerKey&) const = default;
};

/// Fills key.params from the view parameters and the point size (the rest is the caller's).
void describe(const ViewParams& view, float point_px, LayerKey& key);

/// Draws a texture over a viewport (one quad, no vertex buffer), premultiplied alpha.
class Compositor {
 public:
  explicit Compositor(const std::filesystem::path& shader_dir);
  /// Only inside `scissor` (framebuffer pixels) when it is not empty.
  void draw(unsigned texture, const Viewport& viewport, const Viewport& scissor = {}) const;

 private:
  GlProgram program_;
  GlVertexArray empty_;
  int u_texture_;
};

class LayerCache {
 public:
  LayerCache();
  /// Whether the layer holds a picture drawn with `key` at this viewport's size.
  bool valid(const LayerKey& key, const Viewport& viewport) const;
  /// Binds the layer's framebuffer (resized to the viewport, cleared transparent, depth cleared),
  /// remembering the framebuffer that was bound. Draw with layer_params(view), then call end().
  void begin(const LayerKey& key, const Viewport& viewport);
  /// Rebinds the framebuffer begin() found and restores the viewport.
  void end();
  /// The view parameters to draw into the layer (the same picture, at the layer's origin).
  static ViewParams layer_params(const ViewParams& view);
  unsigned texture() const { return color_.id(); }
  void invalidate() { drawn_ = false; }
  /// Whether it holds a picture at all, and what it was drawn from.
  bool drawn() const { return drawn_; }
  const LayerKey& key() const { return key_; }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  GlFramebuffer framebuffer_;
  GlTexture color_;
  GlRenderbuffer depth_;
  int width_ = 0, height_ = 0;
  LayerKey key_;
  bool drawn_ = false;
  int previous_framebuffer_ = 0;
  Viewport previous_viewport_;
};

}  // namespace epochscope::render
