#include "epochscope/store/neurons.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace epochscope::store {

NeuronTable neuron_table(const Matrix& layer, std::span<const std::uint8_t> labels, int classes) {
  if (static_cast<std::size_t>(layer.rows()) != labels.size()) {
    throw Error("neurons: " + std::to_string(labels.size()) + " labels for a layer of " + std::to_string(layer.rows()) + " points");
  }
  if (classes < 1) throw Error("neurons: no classes");
  NeuronTable t;
  const auto units = layer.cols();
  Eigen::MatrixXd sums = Eigen::MatrixXd::Zero(classes, units);
  t.class_counts.assign(static_cast<std::size_t>(classes), 0);
  for (Eigen::Index i = 0; i < layer.rows(); ++i) {
    const int c = labels[static_cast<std::size_t>(i)];
    if (c >= classes) throw Error("neurons: label " + std::to_string(c) + " of point " + std::to_string(i) + " is not a class");
    sums.row(c) += layer.row(i).cast<double>();
    ++t.class_counts[static_cast<std::size_t>(c)];
  }
  for (int c = 0; c < classes; ++c) {
    if (t.class_counts[static_cast<std::size_t>(c)] > 0) sums.row(c) /= t.class_counts[static_cast<std::size_t>(c)];
  }
  t.class_means = sums.cast<float>();
  // Classes without points take no part in the preference or the selectivity.
  std::vector<int> present;
  for (int c = 0; c < classes; ++c) {
    if (t.class_counts[static_cast<std::size_t>(c)] > 0) present.push_back(c);
  }
  t.selectivity.assign(static_cast<std::size_t>(units), 0.0);
  t.preferred.assign(static_cast<std::size_t>(units), present.empty() ? 0 : present.front());
  for (Eigen::Index u = 0; u < units; ++u) {
    if (present.empty()) break;
    int best = present.front();
    for (int c : present) {
      if (sums(c, u) > sums(best, u)) best = c;
    }
    t.preferred[static_cast<std::size_t>(u)] = best;
    if (present.size() < 2) continue;
    // Signed activations (a convolution before its ReLU, logits) are measured from the lowest class
    // mean, so the index stays within 0..1 and means what it means for non-negative units.
    double floor = 0, rest = 0;
    for (int c : present) floor = std::min(floor, sums(c, u));
    for (int c : present) {
      if (c != best) rest += sums(c, u) - floor;
    }
    rest /= static_cast<double>(present.size() - 1);
    const double top = sums(best, u) - floor, scale = top + rest;
    t.selectivity[static_cast<std::size_t>(u)] = scale > 1e-12 && std::isfinite(scale) ? (top - rest) / scale : 0.0;
  }
  return t;
}

std::vector<int> neuron_order(const NeuronTable& table, NeuronOrder order) {
  std::vector<int> units(table.selectivity.size());
  std::iota(units.begin(), units.end(), 0);
  const auto& s = table.selectivity;
  std::stable_sort(units.begin(), units.end(), [&](int a, int b) {
    const auto ua = static_cast<std::size_t>(a), ub = static_cast<std::size_t>(b);
    if (order == NeuronOrder::by_class && table.preferred[ua] != table.preferred[ub]) {
      return table.preferred[ua] < table.preferred[ub];
    }
    return s[ua] > s[ub];
  });
  return units;
}

std::pair<float, float> activation_range(const Matrix& layer, int unit) {
  if (unit < 0 || unit >= layer.cols()) throw Error("neurons: no unit " + std::to_string(unit));
  std::vector<float> v;
  v.reserve(static_cast<std::size_t>(layer.rows()));
  for (Eigen::Index i = 0; i < layer.rows(); ++i) {
    if (!std::isnan(layer(i, unit))) v.push_back(layer(i, unit));
  }
  if (v.empty()) return {0.0f, 0.0f};
  auto at = [&](double q) {
    const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
  };
  const float lo = at(0.02), hi = at(0.98);
  return {lo, hi};
}

std::vector<int> top_activating(const Matrix& layer, int unit, int count) {
  if (unit < 0 || unit >= layer.cols()) throw Error("neurons: no unit " + std::to_string(unit));
  std::vector<int> points(static_cast<std::size_t>(layer.rows()));
  std::iota(points.begin(), points.end(), 0);
  const auto k = std::min<std::size_t>(points.size(), static_cast<std::size_t>(std::max(count, 0)));
  auto higher = [&](int a, int b) {
    const float va = layer(a, unit), vb = layer(b, unit);
    const bool na = std::isnan(va), nb = std::isnan(vb);  // NaN last
    if (na != nb) return nb;
    if (!na && va != vb) return va > vb;
    return a < b;
  };
  std::partial_sort(points.begin(), points.begin() + static_cast<std::ptrdiff_t>(k), points.end(), higher);
  points.resize(k);
  return points;
}

}  // namespace epochscope::store
