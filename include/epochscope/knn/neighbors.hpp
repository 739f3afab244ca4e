// Contract: k-nearest-neighbour lists (Euclidean), computed once per (layer, frame) and shared by
// every method that needs them. Rows = points. A point is never its own neighbour; neighbours are
// sorted nearest first. Exact search uses blocked matrix products (fast in high dimensions);
// "kdtree" uses FLANN's randomized kd-trees (fast for D <= ~64, approximate, recall measured in the
// tests). Same input and seed, same lists; the thread count does not change the result.
#pragma once

#include <cstdint>
#include <vector>

#include "epochscope/core/matrix.hpp"

namespace epochscope::knn {

struct NeighborList {
  int k = 0;
  std::size_t n = 0;
  std::vector<std::int32_t> indices;  ///< n x k, row-major, nearest first
  std::vector<float> distances;       ///< n x k, Euclidean distances (not squared)

  std::int32_t index(std::size_t i, int j) const { return indices[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(j)]; }
  float distance(std::size_t i, int j) const { return distances[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(j)]; }
  /// The first k' <= k neighbours of every point.
  NeighborList truncated(int k_prime) const;
};

enum class KnnMethod {
  automatic,  ///< exact when D > 64 or N < 3000, else kdtree
  exact,      ///< blocked brute force through matrix products
  kdtree,     ///< FLANN randomized kd-trees
};

struct KnnOptions {
  int k = 15;                        ///< neighbours per point (clamped to N-1)
  KnnMethod method = KnnMethod::automatic;
  int trees = 4;                     ///< kdtree: randomized trees
  int checks = 256;                  ///< kdtree: leaves visited per query (recall vs speed)
  int threads = 1;                   ///< worker threads for the search
  std::uint64_t seed = 1;            ///< kdtree: FLANN's randomisation
};

/// data: N x D (rows = points). Throws epochscope::Error on N < 2 or non-finite values.
NeighborList build_knn(const Matrix& data, const KnnOptions& options = {});

/// Fraction of each point's reference neighbours (first k of `reference`) that are among its first
/// k neighbours in `other`, averaged over points.
double neighbor_recall(const NeighborList& reference, const NeighborList& other, int k);

}  // namespace epochscope::knn
