// Contract: k-nearest-neighbour lists (Euclidean), computed once per (layer, frame) and shared by
// every method that needs them. Rows = points. A point is never its own neighbour; neighbours are
// sorted nearest first (ties by index). Exact search: blocked matrix products over pairs of row
// blocks (each pair once; an AVX2 or AVX-512 kernel where the CPU has it, the same products), candidates screened on the
// expanded distance and re-measured directly. "kdtree": FLANN's single kd-tree (KDTreeSingleIndex),
// exact with eps = 0, (1 + eps)-approximate above; FLANN's randomized forest is not used because
// Debian's FLANN 1.9 seeds it from std::random_device. "pca", for wide data at many points: the
// rows centred and projected onto their top pca_dims principal components (the covariance of
// pca_sample evenly spaced rows, a subspace iteration from a fixed start), the exact search there
// for max(rerank_factor x k, rerank_min) candidates per point, each re-measured in all D
// dimensions, the k nearest of them kept. Its distances are true full-dimension distances; its
// lists are approximate (a neighbour the projection pushed beyond the candidates is missed), and
// exact where the data span no more than pca_dims dimensions. Every method: same input, same lists;
// the thread count does not change the result.
//
// Measured on the 2-core machine, k = 15: 10,000 MNIST points, exact 784-d pixels 0.65 s on 2
// threads (1.3 s on 1); exact 10-d 0.06 s; FLANN kd-tree 2-d layouts 0.02 s. Fashion-MNIST's
// 784-d pixels, pca with the defaults against exact (CPU seconds, 2 threads, the machine shared
// with other builds; recall of the exact lists): 10,000 points 0.81 against 1.36 (recall@15
// 0.991); 20,000: 1.54 against 4.70 (0.981); 70,000: 7.5 against 55.3, 7x faster (recall@10
// 0.969, @15 0.949; the exact search alone took 27 s of wall time on an idle machine, so about
// 4 s). At 70,000 more candidates buy recall (rerank_factor 6, no minimum: @15 0.978, 10.1 CPU
// seconds) and so do more components (64 dims x 4: 0.970, 9.3). k = 90 (t-SNE's), the defaults:
// 18.0 CPU seconds, recall@90 0.923, @15 0.996; the exact search's wide lists cost 69.
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
  automatic,  ///< kdtree for D <= 3 and N >= 2,000 or D <= 16 and N >= 5,000 (where it is the faster);
              ///< pca for D > 256 (and D > pca_dims) and N >= 20,000 (20,000 points: as fast as exact at
              ///< D = 256, 1.3x faster at 384, 3x on 784 pixels; 7x at 70,000 pixels); else exact
  exact,      ///< blocked brute force through matrix products
  kdtree,     ///< FLANN's single kd-tree: exact at eps = 0
  pca,        ///< exact search on the top pca_dims principal components, re-ranked in full D: approximate
};

struct KnnOptions {
  int k = 15;                        ///< neighbours per point (clamped to N-1)
  KnnMethod method = KnnMethod::automatic;
  float eps = 0.f;                   ///< kdtree: (1 + eps)-approximate search; 0 = exact
  int leaf_size = 10;                ///< kdtree: points per leaf
  int threads = 1;                   ///< worker threads for the search
  int pca_dims = 50;                 ///< pca: principal components searched (>= D: the exact search)
  float rerank_factor = 2.f;         ///< pca: candidates re-measured in full D per point: at least this x k (>= 1)
  int rerank_min = 60;               ///< pca: ... and at least this many (at most N-1)
  int pca_sample = 10000;            ///< pca: rows the covariance comes from (evenly spaced; all if fewer)
};

/// data: N x D (rows = points). Throws epochscope::Error on N < 2, non-finite values, pca_dims < 1 or
/// rerank_factor < 1.
NeighborList build_knn(const Matrix& data, const KnnOptions& options = {});

/// The method for N points of D dimensions: options.method, or automatic's choice by shape.
KnnMethod resolve_method(Eigen::Index n, Eigen::Index d, const KnnOptions& options = {});

/// The method build_knn runs on this data: resolve_method's, except that automatic's kd-tree in 4 to
/// 16 dimensions gives way to the exact search when a probe (256 evenly spaced rows' k-nearest
/// queries) visits more than N / 50 points per query. The kd-tree's cost per query follows the data's
/// local dimension, not D: an untrained network's softmax outputs (70,000 x 10, a 9-dimensional
/// blob) took 7.3 s at k = 90 on one thread (5,461 points visited a query) against the exact
/// search's 3.0 s; the trained network's (clusters by the simplex's corners: 423 a query) 1.0 s
/// against 2.6 s. Both searches are exact, so only ties can come out in another order.
KnnMethod resolve_method(const Matrix& data, const KnnOptions& options = {});

/// One point's k nearest neighbours in `data` (itself left out), exact, nearest first, ties to the
/// lower index: (index, Euclidean distance). For a panel that asks about one point at a time
/// (O(N x D), well under a millisecond for 10,000 x 64). Throws epochscope::Error for a point
/// outside the data.
std::vector<std::pair<std::int32_t, float>> neighbors_of(const Matrix& data, std::size_t point, int k);

/// Fraction of each point's reference neighbours (first k of `reference`) that are among its first
/// k neighbours in `other`, averaged over points.
double neighbor_recall(const NeighborList& reference, const NeighborList& other, int k);

}  // namespace epochscope::knn
