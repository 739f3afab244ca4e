#include "epochscope/render/screenshot.hpp"

#include <glad/gl.h>
#include <stb/stb_image_write.h>

#include <cstring>

#include "epochscope/core/matrix.hpp"

namespace epochscope::render {

std::vector<std::uint8_t> read_pixels(int x, int y, int width, int height) {
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  std::vector<std::uint8_t> pixels(row * static_cast<std::size_t>(height));
  GLint fbo = 0;
  glGetIntegerv(GL_READ_FRAMEBUFFER_BINDING, &fbo);
  glReadBuffer(fbo == 0 ? GL_BACK : GL_COLOR_ATTACHMENT0);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(x, y, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  std::vector<std::uint8_t> tmp(row);
  for (int top = 0, bottom = height - 1; top < bottom; ++top, --bottom) {
    auto* a = pixels.data() + static_cast<std::size_t>(top) * row;
    auto* b = pixels.data() + static_cast<std::size_t>(bottom) * row;
    std::memcpy(tmp.data(), a, row);
    std::memcpy(a, b, row);
    std::memcpy(b, tmp.data(), row);
  }
  for (std::size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 255;  // opaque, whatever the alpha channel held
  return pixels;
}

void write_png(const std::filesystem::path& path, int width, int height, const std::vector<std::uint8_t>& rgba) {
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
  }
  if (stbi_write_png(path.c_str(), width, height, 4, rgba.data(), width * 4) == 0) {
    throw Error("cannot write the PNG " + path.string());
  }
}

double non_blank_fraction(const std::vector<std::uint8_t>& rgba) {
  if (rgba.size() < 4) return 0;
  std::size_t differ = 0;
  for (std::size_t i = 0; i + 3 < rgba.size(); i += 4) {
    if (std::memcmp(&rgba[i], &rgba[0], 3) != 0) ++differ;
  }
  return static_cast<double>(differ) / static_cast<double>(rgba.size() / 4);
}

OffscreenTarget::OffscreenTarget(int width, int height)
    : framebuffer_(gl_create<GlKind::framebuffer>()), color_(gl_create<GlKind::renderbuffer>()),
      depth_(gl_create<GlKind::renderbuffer>()), width_(width),
      height_(height) {
  glBindRenderbuffer(GL_RENDERBUFFER, color_.id());
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
  glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_.id());
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color_.id());
  glBindRenderbuffer(GL_RENDERBUFFER, depth_.id());
  glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, width, height);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, depth_.id());
  const GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  if (status != GL_FRAMEBUFFER_COMPLETE) throw Error("cannot create an offscreen framebuffer");
}

void OffscreenTarget::bind() const { glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_.id()); }
void OffscreenTarget::unbind() { glBindFramebuffer(GL_FRAMEBUFFER, 0); }

}  // namespace epochscope::render
