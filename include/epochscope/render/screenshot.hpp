// Contract: reading back what was drawn and saving it. read_pixels returns the rectangle of the
// bound read framebuffer (the back buffer of the window before the swap, or an OffscreenTarget) as
// RGBA8 rows top to bottom (GL's bottom-up rows flipped). write_png throws epochscope::Error naming
// the file when it cannot be written. OffscreenTarget is a framebuffer object (colour and depth) for headless renders.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "epochscope/render/gl_object.hpp"

namespace epochscope::render {

/// Pixels of the default framebuffer's back buffer (or the bound framebuffer object), top row first.
std::vector<std::uint8_t> read_pixels(int x, int y, int width, int height);

/// Writes RGBA8 rows (top first) as a PNG. Throws epochscope::Error.
void write_png(const std::filesystem::path& path, int width, int height, const std::vector<std::uint8_t>& rgba);

/// Fraction of pixels that differ from the first pixel (0 = a blank image).
double non_blank_fraction(const std::vector<std::uint8_t>& rgba);

class OffscreenTarget {
 public:
  OffscreenTarget(int width, int height);
  void bind() const;    ///< draw and read into this target
  static void unbind(); ///< back to the window
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  GlFramebuffer framebuffer_;
  GlRenderbuffer color_;
  GlRenderbuffer depth_;  ///< for 3-D views' depth testing
  int width_, height_;
};

}  // namespace epochscope::render
