// Contract (private to src/knn): the pieces neighbors.cpp shares with flann_knn.cpp and
// pca_knn.cpp. Parallel loops go through core/parallel.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "epochscope/core/parallel.hpp"
#include "epochscope/knn/neighbors.hpp"

namespace epochscope::knn::detail {

/// KnnMethod::automatic's choice: the kd-tree where it beats the exact search (low dimension and
/// enough points for the N^2 search to cost more).
bool prefer_kdtree(Eigen::Index n, Eigen::Index d);

/// The mean number of points a k-nearest query visits (full distances computed) in this data's
/// kd-tree, over `queries` evenly spaced rows: the kd-tree's cost per query, deterministic.
double kdtree_visits(const Matrix& data, int k, int leaf_size, std::size_t queries);

/// FLANN kd-tree search into `out` (out.n, out.k and the arrays already sized).
void kdtree_knn(const Matrix& data, NeighborList& out, const KnnOptions& options);

/// The blocked brute-force search into `out` (out.n, out.k and the arrays already sized).
void exact_knn(const Matrix& data, NeighborList& out, int threads);

/// The rows of `data` in the leaf order of a median-split tree (near rows near each other).
std::vector<std::int32_t> locality_order(const Matrix& data);

/// |a - b|^2 over d floats (AVX2 where the CPU has it).
float squared_distance(const float* a, const float* b, std::size_t d);

/// KnnMethod::automatic's choice for wide data: the PCA route where the exact search's N^2 x D
/// dominates (D > 256, D > options.pca_dims and N >= 20,000).
bool prefer_pca(Eigen::Index n, Eigen::Index d, const KnnOptions& options);

/// data (N x D) centred and projected onto its top `dims` principal components (N x min(dims, D)),
/// the covariance estimated from at most `sample` evenly spaced rows. Deterministic; the thread
/// count does not change the result.
Matrix pca_reduce(const Matrix& data, int dims, int sample, int threads);

/// The PCA route (KnnMethod::pca) into `out` (out.n, out.k and the arrays already sized).
void pca_knn(const Matrix& data, NeighborList& out, const KnnOptions& options);

}  // namespace epochscope::knn::detail
