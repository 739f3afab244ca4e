// Contract: how faithful a layout (N x dims, rows = points) is to the data it came from.
//  - recall@k: the fraction of each point's k nearest neighbours in the original space (given as a
//    knn::NeighborList, first k used) that are among its k nearest in the layout, averaged.
//  - k-NN accuracy: a point counts as right when the majority label of its k layout neighbours is
//    its own label; ties go to the tied label whose member comes nearest.
//  - displacement: mean_i |y_i - y_prev_i| divided by the layout's size, the RMS distance of its
//    points to their centroid. Nothing is aligned here: align the previous layout first (align.hpp)
//    when the frames may have spun. NaN when there is no previous layout.
// The layout's neighbours come from knn::build_knn (automatic: FLANN's exact kd-tree for 2-3 dims
// from 2,000 points, the blocked exact search otherwise). Throws epochscope::Error on mismatched sizes or non-finite layouts.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "epochscope/core/matrix.hpp"
#include "epochscope/knn/neighbors.hpp"

namespace epochscope::project {

struct LayoutQuality {
  double recall_at_10 = 0;  ///< in [0, 1]
  double knn_accuracy = std::numeric_limits<double>::quiet_NaN();  ///< NaN when no labels are given
  double displacement = std::numeric_limits<double>::quiet_NaN();  ///< NaN when no previous layout
};

/// Options for evaluate_layout.
struct QualityOptions {
  int k = 10;  ///< neighbours for recall and for the vote
  /// How the layout's neighbours are found (both choices are exact at the default eps).
  knn::KnnMethod method = knn::KnnMethod::automatic;
  int threads = 1;          ///< threads for the layout's kNN search
};

/// original: neighbour lists of the input data (n = N, k >= 1; recall uses min(k, original.k)).
/// labels: N true labels, or empty to skip the accuracy. previous: N x dims or nullptr.
LayoutQuality evaluate_layout(const Matrix& layout, const knn::NeighborList& original,
                              std::span<const std::uint8_t> labels, const Matrix* previous = nullptr,
                              const QualityOptions& options = {});

/// Majority vote of each point's first k neighbours (ties to the nearest), compared to labels.
double knn_accuracy(const knn::NeighborList& neighbors, std::span<const std::uint8_t> labels, int k = 10);

/// mean_i |layout_i - previous_i| / RMS distance of layout's points to their centroid (0 when the
/// layout is a single point repeated and nothing moved; Inf when it is and something moved).
double layout_displacement(const Matrix& layout, const Matrix& previous);

/// Per point, the share of its first k neighbours in `now` that are not among its first k in
/// `before` (0: the same neighbourhood, 1: all new); k is capped at both lists' k. Empty when the
/// lists differ in size or k < 1.
std::vector<float> neighbourhood_change(const knn::NeighborList& now, const knn::NeighborList& before, int k = 10);

}  // namespace epochscope::project
