// The kd-tree neighbour search, through FLANN (libflann-dev). FLANN's randomized kd-forest
// (KDTreeIndex) is not used: Debian's FLANN 1.9 shuffles each tree's points with std::random_device,
// so its approximate lists change from run to run, which would break "same seed, same layout". The
// single kd-tree (KDTreeSingleIndex, Friedman-Bentley-Finkel with FLANN's incremental distance
// bounds) is deterministic: with eps = 0 it is exact, with eps > 0 it returns (1 + eps)-approximate
// neighbours faster. Queries are independent and the index is read-only while they run, so the
// thread count does not change the lists.
#include <flann/algorithms/dist.h>
#include <flann/algorithms/kdtree_single_index.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "knn_detail.hpp"

namespace epochscope::knn::detail {

bool prefer_kdtree(Eigen::Index n, Eigen::Index d) { return (d <= 3 && n >= 2000) || (d <= 16 && n >= 5000); }

namespace {

// flann::L2 that counts the full distances it computes: the points a search visits.
struct CountingL2 : flann::L2<float> {
  std::size_t* count = nullptr;
  template <typename Iterator1, typename Iterator2>
  ResultType operator()(Iterator1 a, Iterator2 b, std::size_t size, ResultType worst_dist = -1) const {
    ++*count;
    return flann::L2<float>::operator()(a, b, size, worst_dist);
  }
};

}  // namespace

double kdtree_visits(const Matrix& data, int k, int leaf_size, std::size_t queries) {
  const auto n = static_cast<std::size_t>(data.rows());
  const auto d = static_cast<std::size_t>(data.cols());
  if (n == 0 || queries == 0) return 0;
  std::size_t count = 0;
  CountingL2 distance;
  distance.count = &count;
  flann::Matrix<float> points(const_cast<float*>(data.data()), n, d);
  flann::KDTreeSingleIndex<CountingL2> index(points, flann::KDTreeSingleIndexParams(std::max(1, leaf_size), true),
                                             distance);
  index.buildIndex();
  count = 0;  // the build computes none today; count the searches only
  flann::SearchParams params;
  params.sorted = false;
  flann::KNNResultSet<float> result(static_cast<std::size_t>(std::min<std::size_t>(static_cast<std::size_t>(k) + 1, n)));
  const std::size_t q = std::min(queries, n);
  for (std::size_t s = 0; s < q; ++s) {
    result.clear();
    index.findNeighbors(result, data.data() + (s * n / q) * d, params);
  }
  return static_cast<double>(count) / static_cast<double>(q);
}

void kdtree_knn(const Matrix& data, NeighborList& out, const KnnOptions& options) {
  const auto n = static_cast<std::size_t>(data.rows());
  const auto d = static_cast<std::size_t>(data.cols());
  // FLANN reads the rows in place (Matrix is row-major); reorder = true copies them into tree order.
  flann::Matrix<float> points(const_cast<float*>(data.data()), n, d);
  flann::KDTreeSingleIndex<flann::L2<float>> index(points, flann::KDTreeSingleIndexParams(std::max(1, options.leaf_size), true));
  index.buildIndex();
  flann::SearchParams params;
  params.eps = std::max(0.f, options.eps);
  params.sorted = true;
  const int k = out.k;
  const int want = std::min<int>(k + 1, static_cast<int>(n));  // the point itself comes back too
  parallel_chunks(options.threads, n, 256, [&](std::size_t begin, std::size_t end, int) {
    flann::KNNResultSet<float> result(want);
    std::vector<std::size_t> found(static_cast<std::size_t>(want));
    std::vector<float> squared(static_cast<std::size_t>(want));
    std::vector<std::pair<float, std::int32_t>> row;
    for (std::size_t i = begin; i < end; ++i) {
      const float* q = data.data() + i * d;
      result.clear();
      index.findNeighbors(result, q, params);
      const std::size_t got = std::min<std::size_t>(result.size(), static_cast<std::size_t>(want));
      result.copy(found.data(), squared.data(), got, true);
      row.clear();
      for (std::size_t s = 0; s < got; ++s) {
        const auto j = static_cast<std::int32_t>(found[s]);
        if (static_cast<std::size_t>(j) == i) continue;
        row.emplace_back(std::sqrt(std::max(0.f, squared[s])), j);
      }
      std::sort(row.begin(), row.end());  // nearest first, ties by index
      row.resize(static_cast<std::size_t>(k));  // drops the extra one when the point was not among them
      for (int s = 0; s < k; ++s) {
        out.indices[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(s)] = row[static_cast<std::size_t>(s)].second;
        out.distances[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(s)] = row[static_cast<std::size_t>(s)].first;
      }
    }
  });
}

}  // namespace epochscope::knn::detail
