// Contract (private to src/knn): the pieces neighbors.cpp shares with flann_knn.cpp. Workers are
// plain std::threads joined before returning; a function given to them must not throw.
#pragma once

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

#include "epochscope/knn/neighbors.hpp"

namespace epochscope::knn::detail {

/// Runs fn(worker) for worker in [0, count), on count - 1 new threads plus the caller's.
template <typename Fn>
void run_workers(int count, Fn fn) {
  std::vector<std::thread> pool;
  for (int w = 1; w < count; ++w) pool.emplace_back([&fn, w] { fn(w); });
  fn(0);
  for (auto& th : pool) th.join();
}

/// Runs fn(begin, end) over [0, n) split into `threads` contiguous parts.
template <typename Fn>
void parallel_rows(std::size_t n, int threads, Fn fn) {
  const auto t = static_cast<std::size_t>(std::max(1, threads));
  if (t == 1 || n < 256) {
    fn(std::size_t{0}, n);
    return;
  }
  run_workers(static_cast<int>(t), [&](int w) {
    const auto wu = static_cast<std::size_t>(w);
    fn(n * wu / t, n * (wu + 1) / t);
  });
}

/// KnnMethod::automatic's choice: the kd-tree where it beats the exact search (low dimension and
/// enough points for the N^2 search to cost more).
bool prefer_kdtree(Eigen::Index n, Eigen::Index d);

/// FLANN kd-tree search into `out` (out.n, out.k and the arrays already sized).
void kdtree_knn(const Matrix& data, NeighborList& out, const KnnOptions& options);

}  // namespace epochscope::knn::detail
