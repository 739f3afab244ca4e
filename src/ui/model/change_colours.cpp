#include "epochscope/ui/change_colours.hpp"

#include <algorithm>

namespace epochscope::ui {

void sort_by_change(std::span<const float> change, std::vector<std::uint32_t>& order) {
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return change[a] < change[b]; });
}

double mean_change(std::span<const float> change) {
  double sum = 0;
  for (const float c : change) sum += c;
  return change.empty() ? 0.0 : sum / static_cast<double>(change.size());
}

}  // namespace epochscope::ui
