#include "epochscope/ui/filter_images.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace epochscope::ui {
namespace {

float largest_magnitude(const float* w, std::size_t n) {
  float m = 0;
  for (std::size_t k = 0; k < n; ++k) m = std::max(m, std::abs(w[k]));
  return m;
}

std::uint8_t channel_byte(float v) {  // v in [-1, 1] -> 0..255, 0 -> 128
  return static_cast<std::uint8_t>(std::lround(std::clamp(127.5f + 127.5f * v, 0.0f, 255.0f)));
}

}  // namespace

FilterImage filter_image(const store::FilterBank& bank, int i, FilterScale scale) {
  FilterImage img;
  img.height = bank.height;
  img.width = bank.width;
  const std::size_t area = static_cast<std::size_t>(bank.height) * static_cast<std::size_t>(bank.width);
  const float* w = bank.filter(i);
  img.scale = scale == FilterScale::shared ? bank.max_abs() : largest_magnitude(w, bank.filter_size());
  const float inv = img.scale > 0 ? 1.0f / img.scale : 0.0f;
  img.pixels.resize(area);
  img.values.resize(area);
  if (bank.channels == 3) {
    for (std::size_t p = 0; p < area; ++p) {
      const float r = w[p], g = w[area + p], b = w[2 * area + p];
      img.values[p] = (r + g + b) / 3.0f;
      img.pixels[p] = {channel_byte(r * inv), channel_byte(g * inv), channel_byte(b * inv), 255};
    }
    return img;
  }
  for (std::size_t p = 0; p < area; ++p) {
    float sum = 0;
    for (int c = 0; c < bank.channels; ++c) sum += w[static_cast<std::size_t>(c) * area + p];
    img.values[p] = sum / static_cast<float>(bank.channels);
    img.pixels[p] = diverging_color(img.values[p] * inv);
  }
  return img;
}

std::string filter_legend(const store::FilterBank& bank, FilterScale scale) {
  const std::string colours = bank.channels == 3 ? "RGB weights, grey = 0"
                              : bank.channels == 1 ? "blue < 0 < red (white = 0)"
                                                   : "mean over " + std::to_string(bank.channels) + " channels: blue < 0 < red";
  if (scale == FilterScale::per_filter) return colours + "; each filter scaled to its own largest |weight|";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", static_cast<double>(bank.max_abs()));
  return colours + "; all filters scaled to " + buf;
}

}  // namespace epochscope::ui
