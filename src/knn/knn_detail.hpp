// Contract (private to src/knn): the pieces neighbors.cpp shares with flann_knn.cpp. Parallel loops
// go through core/parallel.hpp.
#pragma once

#include <cstddef>

#include "epochscope/core/parallel.hpp"
#include "epochscope/knn/neighbors.hpp"

namespace epochscope::knn::detail {

/// KnnMethod::automatic's choice: the kd-tree where it beats the exact search (low dimension and
/// enough points for the N^2 search to cost more).
bool prefer_kdtree(Eigen::Index n, Eigen::Index d);

/// FLANN kd-tree search into `out` (out.n, out.k and the arrays already sized).
void kdtree_knn(const Matrix& data, NeighborList& out, const KnnOptions& options);

}  // namespace epochscope::knn::detail
