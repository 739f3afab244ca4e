#include "epochscope/ui/pca_images.hpp"

#include <algorithm>
#include <cmath>

namespace epochscope::ui {

Rgba8 loading_colour(float v) {
  const float a = std::isfinite(v) ? std::min(1.0f, std::abs(v)) : 0.0f;
  const auto c = [a](int full) { return static_cast<std::uint8_t>(static_cast<int>(static_cast<float>(full) * a)); };
  return v >= 0 ? Rgba8{c(235), c(60), c(50), 255} : Rgba8{c(50), c(115), c(235), 255};
}

}  // namespace epochscope::ui
