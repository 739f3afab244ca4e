// Contract: one texture holding every tracked image (a grid of tiles, image i at column i % columns(),
// row i / columns()), grey levels replicated to RGB or colour as it is, nearest filtering so
// enlarged digits stay crisp. Used by image-mode point drawing (one draw call) and by tooltips (ImGui::Image with uv()).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "epochscope/render/gl_object.hpp"

namespace epochscope::render {

class ImageAtlas {
 public:
  /// images: count x (height*width*channels) bytes, row-major, channels 1 (grey) or 3 (RGB,
  /// interleaved). Throws epochscope::Error when the atlas would exceed the driver's maximum texture
  /// size.
  ImageAtlas(std::span<const std::uint8_t> images, std::size_t count, int height, int width, int channels = 1);

  unsigned texture() const { return texture_.id(); }
  int columns() const { return columns_; }
  float tile_u() const { return tile_u_; }
  float tile_v() const { return tile_v_; }
  bool colour() const { return colour_; }
  int tile_pixels() const { return tile_pixels_; }  ///< the larger side of one image
  /// u0, v0, u1, v1 of image i (v grows downwards: row 0 of the image is v0).
  std::array<float, 4> uv(std::size_t i) const;

 private:
  GlTexture texture_;
  int columns_ = 1;
  float tile_u_ = 1, tile_v_ = 1;
  bool colour_ = false;
  int tile_pixels_ = 28;
};

}  // namespace epochscope::render
