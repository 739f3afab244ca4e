#include "epochscope/project/quality.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

namespace epochscope::project {

double knn_accuracy(const knn::NeighborList& neighbors, std::span<const std::uint8_t> labels, int k) {
  if (labels.size() != neighbors.n) {
    throw Error("k-NN accuracy: " + std::to_string(labels.size()) + " labels for " + std::to_string(neighbors.n) +
                " points");
  }
  k = std::min(k, neighbors.k);
  if (k < 1 || neighbors.n == 0) throw Error("k-NN accuracy: no neighbours to vote");
  std::size_t right = 0;
  std::array<int, 256> votes{};
  std::array<int, 256> first{};  // rank of the nearest neighbour with this label
  for (std::size_t i = 0; i < neighbors.n; ++i) {
    for (int j = 0; j < k; ++j) {
      const auto nb = static_cast<std::size_t>(neighbors.index(i, j));
      if (nb >= labels.size()) throw Error("k-NN accuracy: neighbour index out of range");
      const std::uint8_t c = labels[nb];
      if (votes[c]++ == 0) first[c] = j;
    }
    int best = -1;
    for (int j = 0; j < k; ++j) {
      const std::uint8_t c = labels[static_cast<std::size_t>(neighbors.index(i, j))];
      if (best < 0 || votes[c] > votes[static_cast<std::size_t>(best)] ||
          (votes[c] == votes[static_cast<std::size_t>(best)] && first[c] < first[static_cast<std::size_t>(best)])) {
        best = c;
      }
    }
    if (best == labels[i]) ++right;
    for (int j = 0; j < k; ++j) votes[labels[static_cast<std::size_t>(neighbors.index(i, j))]] = 0;
  }
  return static_cast<double>(right) / static_cast<double>(neighbors.n);
}

double layout_displacement(const Matrix& layout, const Matrix& previous) {
  if (layout.rows() != previous.rows() || layout.cols() != previous.cols()) {
    throw Error("displacement: layouts of different shapes (" + std::to_string(layout.rows()) + " x " +
                std::to_string(layout.cols()) + " and " + std::to_string(previous.rows()) + " x " +
                std::to_string(previous.cols()) + ")");
  }
  if (layout.rows() < 1) throw Error("displacement: empty layout");
  if (!layout.allFinite() || !previous.allFinite()) throw Error("displacement: a layout holds NaN or Inf values");
  const Eigen::RowVectorXd centroid = layout.cast<double>().colwise().mean();
  double moved = 0, spread = 0;
  for (Eigen::Index i = 0; i < layout.rows(); ++i) {
    moved += (layout.row(i) - previous.row(i)).cast<double>().norm();
    spread += (layout.row(i).cast<double>() - centroid).squaredNorm();
  }
  const auto n = static_cast<double>(layout.rows());
  const double size = std::sqrt(spread / n);
  if (moved == 0) return 0.0;
  return size > 0 ? (moved / n) / size : std::numeric_limits<double>::infinity();
}

LayoutQuality evaluate_layout(const Matrix& layout, const knn::NeighborList& original,
                              std::span<const std::uint8_t> labels, const Matrix* previous,
                              const QualityOptions& options) {
  if (original.n != static_cast<std::size_t>(layout.rows())) {
    throw Error("layout quality: the layout has " + std::to_string(layout.rows()) + " points, the neighbour lists " +
                std::to_string(original.n));
  }
  if (options.k < 1) throw Error("layout quality: k must be >= 1");
  if (!layout.allFinite()) throw Error("layout quality: the layout holds NaN or Inf values");
  knn::KnnOptions ko;
  ko.k = options.k;
  ko.method = options.method;
  ko.threads = options.threads;
  const knn::NeighborList in_layout = knn::build_knn(layout, ko);
  LayoutQuality q;
  q.recall_at_10 = knn::neighbor_recall(original, in_layout, options.k);
  if (!labels.empty()) q.knn_accuracy = knn_accuracy(in_layout, labels, options.k);
  if (previous != nullptr) q.displacement = layout_displacement(layout, *previous);
  return q;
}

std::vector<float> neighbourhood_change(const knn::NeighborList& now, const knn::NeighborList& before, int k) {
  k = std::min({k, now.k, before.k});
  if (k <= 0 || now.n != before.n) return {};
  std::vector<float> change(now.n, 0.0f);
  for (std::size_t i = 0; i < now.n; ++i) {
    int gone = 0;
    for (int a = 0; a < k; ++a) {
      bool kept = false;
      for (int b = 0; b < k && !kept; ++b) kept = now.index(i, a) == before.index(i, b);
      gone += kept ? 0 : 1;
    }
    change[i] = static_cast<float>(gone) / static_cast<float>(k);
  }
  return change;
}

}  // namespace epochscope::project
