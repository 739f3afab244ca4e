#include "epochscope/ui/strip_grid.hpp"

#include <algorithm>

namespace epochscope::ui {

int strip_columns(int n, float width, float height) {
  int best = 1;
  float best_side = -1;
  for (int cols = 1; cols <= std::max(n, 1); ++cols) {
    const int rows = (n + cols - 1) / cols;
    const float side = std::min(width / static_cast<float>(cols), height / static_cast<float>(std::max(rows, 1)));
    if (side > best_side + 1e-3f) {
      best_side = side;
      best = cols;
    }
  }
  return best;
}

}  // namespace epochscope::ui
