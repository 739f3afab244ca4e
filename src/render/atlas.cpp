#include "epochscope/render/atlas.hpp"

#include <glad/gl.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "epochscope/core/matrix.hpp"

namespace epochscope::render {

ImageAtlas::ImageAtlas(std::span<const std::uint8_t> images, std::size_t count, int height, int width, int channels)
    : texture_(gl_create<GlKind::texture>()), colour_(channels == 3), tile_pixels_(std::max(height, width)) {
  if (channels != 1 && channels != 3) throw Error("image atlas: images have 1 or 3 channels, not " + std::to_string(channels));
  const auto ch = static_cast<std::size_t>(channels);
  const std::size_t n = std::max<std::size_t>(count, 1);
  columns_ = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
  const int rows = static_cast<int>((n + static_cast<std::size_t>(columns_) - 1) / static_cast<std::size_t>(columns_));
  const int tex_w = columns_ * width;
  const int tex_h = rows * height;
  GLint max_size = 0;
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size);
  if (tex_w > max_size || tex_h > max_size) {
    throw Error("image atlas of " + std::to_string(tex_w) + "x" + std::to_string(tex_h) +
                " exceeds the GL maximum texture size " + std::to_string(max_size));
  }
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(tex_w) * static_cast<std::size_t>(tex_h) * ch, 0);
  const std::size_t image_size = static_cast<std::size_t>(height) * static_cast<std::size_t>(width) * ch;
  const std::size_t row_bytes = static_cast<std::size_t>(width) * ch;
  for (std::size_t i = 0; i < count && (i + 1) * image_size <= images.size(); ++i) {
    const std::size_t tx = (i % static_cast<std::size_t>(columns_)) * static_cast<std::size_t>(width);
    const std::size_t ty = (i / static_cast<std::size_t>(columns_)) * static_cast<std::size_t>(height);
    for (int y = 0; y < height; ++y) {
      const auto* src = images.data() + i * image_size + static_cast<std::size_t>(y) * row_bytes;
      std::copy(src, src + row_bytes,
                pixels.begin() + static_cast<std::ptrdiff_t>(((ty + static_cast<std::size_t>(y)) * static_cast<std::size_t>(tex_w) + tx) * ch));
    }
  }
  glBindTexture(GL_TEXTURE_2D, texture_.id());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  if (colour_) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB8, tex_w, tex_h, 0, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  } else {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, tex_w, tex_h, 0, GL_RED, GL_UNSIGNED_BYTE, pixels.data());
  }
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  // Grey replicated, opaque either way: ImGui::Image shows it as is.
  const GLint grey[4] = {GL_RED, GL_RED, GL_RED, GL_ONE};
  const GLint rgb[4] = {GL_RED, GL_GREEN, GL_BLUE, GL_ONE};
  glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, colour_ ? rgb : grey);
  glBindTexture(GL_TEXTURE_2D, 0);
  tile_u_ = static_cast<float>(width) / static_cast<float>(tex_w);
  tile_v_ = static_cast<float>(height) / static_cast<float>(tex_h);
}

std::array<float, 4> ImageAtlas::uv(std::size_t i) const {
  const float col = static_cast<float>(i % static_cast<std::size_t>(columns_));
  const float row = static_cast<float>(i / static_cast<std::size_t>(columns_));
  return {col * tile_u_, row * tile_v_, (col + 1) * tile_u_, (row + 1) * tile_v_};
}

}  // namespace epochscope::render
