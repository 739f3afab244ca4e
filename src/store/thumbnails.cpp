#include "epochscope/store/thumbnails.hpp"

#include <algorithm>
#include <cmath>

#include "epochscope/core/matrix.hpp"

namespace epochscope::store {

std::vector<std::uint8_t> signal_thumbnails(const std::vector<std::uint8_t>& signals, std::size_t count, int length,
                                            int size, int zero_byte) {
  if (length < 2 || size < 4 || size > 1024) throw Error("signal thumbnails need 2+ samples and a size of 4..1024");
  const auto len = static_cast<std::size_t>(length);
  if (signals.size() != count * len) throw Error("signal thumbnails: the bytes do not match count x length");
  const auto side = static_cast<std::size_t>(size);
  std::vector<std::uint8_t> out(count * side * side, 0);
  const float extent = static_cast<float>(size - 1);
  auto y_of = [&](float b) { return (1.0f - b / 255.0f) * extent; };
  for (std::size_t n = 0; n < count; ++n) {
    std::uint8_t* img = out.data() + n * side * side;
    const std::uint8_t* s = signals.data() + n * len;
    if (zero_byte >= 0 && zero_byte <= 255) {
      const auto row = static_cast<std::size_t>(std::lround(y_of(static_cast<float>(zero_byte))));
      for (std::size_t x = 0; x < side; ++x) img[row * side + x] = 60;
    }
    // Walk the polyline in steps of a quarter pixel, lighting the pixel under each step and, a
    // little, the one beside it vertically (a cheap anti-aliasing of the line's thickness).
    for (std::size_t j = 0; j + 1 < len; ++j) {
      const float x0 = static_cast<float>(j) / static_cast<float>(len - 1) * extent;
      const float x1 = static_cast<float>(j + 1) / static_cast<float>(len - 1) * extent;
      const float y0 = y_of(s[j]), y1 = y_of(s[j + 1]);
      const int steps = std::max(1, static_cast<int>(std::ceil(4.0f * std::max(std::fabs(x1 - x0), std::fabs(y1 - y0)))));
      for (int k = 0; k <= steps; ++k) {
        const float t = static_cast<float>(k) / static_cast<float>(steps);
        const float x = x0 + (x1 - x0) * t, y = y0 + (y1 - y0) * t;
        const auto px = static_cast<std::size_t>(std::clamp(std::lround(x), 0L, static_cast<long>(size - 1)));
        const long py = std::clamp(std::lround(y), 0L, static_cast<long>(size - 1));
        img[static_cast<std::size_t>(py) * side + px] = 255;
        const float frac = y - static_cast<float>(py);
        const long other = frac >= 0 ? py + 1 : py - 1;
        if (other >= 0 && other < size) {
          auto& p = img[static_cast<std::size_t>(other) * side + px];
          p = std::max<std::uint8_t>(p, static_cast<std::uint8_t>(255.0f * std::min(1.0f, std::fabs(frac)) * 0.8f));
        }
      }
    }
  }
  return out;
}

std::vector<std::uint8_t> signal_thumbnails(const PointSet& points, int size) {
  const float zero = -points.value_offset / points.value_scale;  // the byte that stands for 0
  const int zero_byte = zero >= 0.0f && zero <= 255.0f ? static_cast<int>(std::lround(zero)) : -1;
  return signal_thumbnails(points.images, points.size(), points.width, size, zero_byte);
}

}  // namespace epochscope::store
