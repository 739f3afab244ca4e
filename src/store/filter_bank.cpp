#include "epochscope/store/filter_bank.hpp"

#include <algorithm>
#include <cmath>

#include "epochscope/store/layers.hpp"

namespace epochscope::store {

double FilterBank::norm(int i) const {
  double sum = 0;
  const float* f = filter(i);
  for (std::size_t k = 0; k < filter_size(); ++k) sum += static_cast<double>(f[k]) * static_cast<double>(f[k]);
  return std::sqrt(sum);
}

float FilterBank::max_abs() const {
  float m = 0;
  for (const float w : weights) m = std::max(m, std::abs(w));
  return m;
}

std::string filter_shape_problem(const FilterBank& b) {
  if (!plausible_layer_name(b.layer)) return "filters: implausible layer name";
  const std::string what = "filters of '" + b.layer + "': ";
  auto outside = [](int v, int hi) { return v < 1 || v > hi; };
  if (outside(b.count, kMaxFilters)) {
    return what + std::to_string(b.count) + " filters (1 to " + std::to_string(kMaxFilters) + ")";
  }
  if (outside(b.channels, kMaxFilterChannels)) {
    return what + std::to_string(b.channels) + " input channels (1 to " + std::to_string(kMaxFilterChannels) + ")";
  }
  if (outside(b.height, kMaxKernelSide) || outside(b.width, kMaxKernelSide)) {
    return what + "a " + std::to_string(b.height) + " x " + std::to_string(b.width) + " kernel (each side 1 to " +
           std::to_string(kMaxKernelSide) + ")";
  }
  const std::size_t values = static_cast<std::size_t>(b.count) * b.filter_size();
  if (values > kMaxFilterValues) {
    return what + std::to_string(values) + " weights, more than " + std::to_string(kMaxFilterValues);
  }
  return {};
}

std::string filter_bank_problem(const FilterBank& b) {
  if (b.weights.empty() && b.layer.empty() && b.count == 0 && b.channels == 0 && b.height == 0 && b.width == 0) return {};
  if (auto problem = filter_shape_problem(b); !problem.empty()) return problem;
  const std::string what = "filters of '" + b.layer + "': ";
  const std::size_t values = static_cast<std::size_t>(b.count) * b.filter_size();
  if (b.weights.size() != values) {
    return what + std::to_string(b.weights.size()) + " weights for " + std::to_string(b.count) + " x " +
           std::to_string(b.channels) + " x " + std::to_string(b.height) + " x " + std::to_string(b.width);
  }
  for (std::size_t k = 0; k < values; ++k) {
    if (!std::isfinite(b.weights[k])) {
      return what + "weight " + std::to_string(k) + " of filter " + std::to_string(k / b.filter_size()) + " is not finite";
    }
  }
  return {};
}

}  // namespace epochscope::store
