// Contract: k-nearest-neighbour lists (Euclidean), computed once per (layer, frame) and shared by
// every method that needs them. Rows = points. A point is never its own neighbour; neighbours are
// sorted nearest first (ties by index). Exact search: blocked matrix products over pairs of row
// blocks (each pair once; an AVX2 kernel where the CPU has it), candidates screened on the
// expanded distance and re-measured directly. "kdtree": FLANN's single kd-tree (KDTreeSingleIndex),
// exact with eps = 0, (1 + eps)-approximate above; FLANN's randomized forest is not used because
// Debian's FLANN 1.9 seeds it from std::random_device. Same input, same lists; the thread count
// does not change the result.
//
// Measured on the 2-core machine, 10,000 MNIST points, k = 15: exact 784-d pixels 0.65 s on 2
// threads (1.3 s on 1); exact 10-d 0.06 s; FLANN kd-tree 2-d layouts 0.02 s.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
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
  automatic,  ///< kdtree for D <= 3 and N >= 2,000 or D <= 16 and N >= 5,000 (where it is the faster), else exact
  exact,      ///< blocked brute force through matrix products
  kdtree,     ///< FLANN's single kd-tree: exact at eps = 0
};

struct KnnOptions {
  int k = 15;                        ///< neighbours per point (clamped to N-1)
  KnnMethod method = KnnMethod::automatic;
  float eps = 0.f;                   ///< kdtree: (1 + eps)-approximate search; 0 = exact
  int leaf_size = 10;                ///< kdtree: points per leaf
  int threads = 1;                   ///< worker threads for the search
};

/// data: N x D (rows = points). Throws epochscope::Error on N < 2 or non-finite values.
NeighborList build_knn(const Matrix& data, const KnnOptions& options = {});

/// One point's k nearest neighbours in `data` (itself left out), exact, nearest first, ties to the
/// lower index: (index, Euclidean distance). For a panel that asks about one point at a time
/// (O(N x D), well under a millisecond for 10,000 x 64). Throws epochscope::Error for a point
/// outside the data.
std::vector<std::pair<std::int32_t, float>> neighbors_of(const Matrix& data, std::size_t point, int k);

/// Fraction of each point's reference neighbours (first k of `reference`) that are among its first
/// k neighbours in `other`, averaged over points.
double neighbor_recall(const NeighborList& reference, const NeighborList& other, int k);

}  // namespace epochscope::knn
