#include "epochscope/project/rank_quality.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <cmath>
#include <cstring>
#include <numeric>
#include <string>
#include <vector>

#include "epochscope/core/parallel.hpp"
#include "epochscope/core/random.hpp"

namespace epochscope::project {
namespace {

using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void check_list(const knn::NeighborList& list, std::size_t n, const char* what) {
  if (list.n != n || list.indices.size() != n * static_cast<std::size_t>(list.k)) {
    throw Error(std::string("rank quality: the ") + what + " neighbour list is not for " + std::to_string(n) + " points");
  }
}

// Ranks 1..n of `values` (>= 0; ties share their mean rank), as doubles. Sorted as 64-bit keys,
// the value's float bits (which order non-negative floats) above the index: a fast integer sort.
// Values that round to the same float count as tied (at 2M pairs, a change in rho below 1e-6).
std::vector<double> ranks_of(const std::vector<double>& values) {
  std::vector<std::uint64_t> keys(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto f = static_cast<float>(values[i]);
    std::uint32_t bits = 0;
    std::memcpy(&bits, &f, sizeof bits);
    keys[i] = (static_cast<std::uint64_t>(bits) << 32) | static_cast<std::uint32_t>(i);
  }
  std::sort(keys.begin(), keys.end());
  std::vector<double> rank(values.size());
  for (std::size_t i = 0; i < keys.size();) {
    std::size_t j = i + 1;
    while (j < keys.size() && (keys[j] >> 32) == (keys[i] >> 32)) ++j;
    const double mean = 0.5 * static_cast<double>(i + j - 1) + 1.0;
    for (std::size_t t = i; t < j; ++t) rank[keys[t] & 0xffffffffu] = mean;
    i = j;
  }
  return rank;
}

}  // namespace

double rank_agreement(const Matrix& space, const knn::NeighborList& space_nn, const knn::NeighborList& other, int k,
                      int threads) {
  const auto n = static_cast<std::size_t>(space.rows());
  check_list(space_nn, n, "first");
  check_list(other, n, "second");
  k = std::min({k, space_nn.k, other.k});
  if (n < 4 || k < 1 || 2 * static_cast<std::size_t>(k) >= n) {
    throw Error("rank quality: needs k >= 1 and more than 2k points (k " + std::to_string(k) + ", " + std::to_string(n) + " points)");
  }
  const MatrixD x = space.cast<double>();
  const Eigen::VectorXd norms = x.rowwise().squaredNorm();
  constexpr std::size_t kBlock = 256;
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> cost(blocks, 0.0);
  parallel_for(threads, blocks, [&](std::size_t b, int) {
    const std::size_t begin = b * kBlock, end = std::min(n, begin + kBlock);
    const auto rows = static_cast<Eigen::Index>(end - begin);
    // Squared distances of this block's points to every point, one product for the block.
    // (Without the norms, added per point below: a pass over the block less.)
    const MatrixD dots = -2.0 * x.middleRows(static_cast<Eigen::Index>(begin), rows) * x.transpose();
    // The same expression, in the same order, as the pass below: a point compares equal to itself.
    auto d2 = [&](Eigen::Index r, std::size_t m) {
      return norms[r + static_cast<Eigen::Index>(begin)] + dots(r, static_cast<Eigen::Index>(m)) + norms[static_cast<Eigen::Index>(m)];
    };
    std::vector<std::int32_t> own(static_cast<std::size_t>(k));
    std::vector<std::pair<double, std::int32_t>> intruders;
    std::vector<double> thresholds;
    std::vector<std::size_t> buckets(static_cast<std::size_t>(k) + 1), ties(static_cast<std::size_t>(k));
    for (std::size_t i = begin; i < end; ++i) {
      for (int j = 0; j < k; ++j) own[static_cast<std::size_t>(j)] = space_nn.index(i, j);
      intruders.clear();
      const auto row = static_cast<Eigen::Index>(i - begin);
      for (int j = 0; j < k; ++j) {
        const std::int32_t m = other.index(i, j);
        if (std::find(own.begin(), own.end(), m) == own.end()) intruders.push_back({d2(row, static_cast<std::size_t>(m)), m});
      }
      if (intruders.empty()) continue;
      // Rank of an intruder: 1 + the points nearer to i than it (ties: the lower index first, as the
      // neighbour lists order them). One pass over the row: each point lands in the bucket of how
      // many (sorted) intruder distances it reaches; a prefix sum then counts the nearer ones.
      std::sort(intruders.begin(), intruders.end());
      const std::size_t count = intruders.size();
      // Up to 16 thresholds in a fixed, padded array: the count of those <= d is a branch-free,
      // vectorised sum; more fall back to a loop.
      std::array<double, 16> padded;
      padded.fill(std::numeric_limits<double>::infinity());
      for (std::size_t t = 0; t < count && t < 16; ++t) padded[t] = intruders[t].first;
      std::fill(buckets.begin(), buckets.end(), 0);
      std::fill(ties.begin(), ties.end(), 0);
      const double* row_dots = dots.data() + static_cast<std::size_t>(row) * n;
      const double own_norm = norms[static_cast<Eigen::Index>(i)];
      const double* all_norms = norms.data();
      for (std::size_t m = 0; m < n; ++m) {
        if (m == i) continue;
        const double d = own_norm + row_dots[m] + all_norms[m];
        std::size_t pos = 0;  // thresholds <= d
        if (count <= 16) {
          for (std::size_t t = 0; t < 16; ++t) pos += padded[t] <= d ? 1u : 0u;
        } else {
          while (pos < count && intruders[pos].first <= d) ++pos;
        }
        ++buckets[pos];
        for (std::size_t t = pos; t > 0 && intruders[t - 1].first == d; --t) {  // an exact tie: index decides
          if (m < static_cast<std::size_t>(intruders[t - 1].second)) ++ties[t - 1];
        }
      }
      std::size_t nearer = 0;
      for (std::size_t t = 0; t < count; ++t) {
        nearer += buckets[t];  // points strictly nearer than intruder t
        cost[b] += static_cast<double>(nearer + ties[t] + 1) - static_cast<double>(k);
      }
    }
  });
  const double total = std::accumulate(cost.begin(), cost.end(), 0.0);
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  return 1.0 - 2.0 / (nd * kd * (2.0 * nd - 3.0 * kd - 1.0)) * total;
}

double distance_spearman(const Matrix& a, const Matrix& b, int points, std::uint64_t seed) {
  if (a.rows() != b.rows()) throw Error("distance Spearman: the two spaces hold different points");
  const auto n = static_cast<std::size_t>(a.rows());
  std::vector<std::uint32_t> pick(n);
  std::iota(pick.begin(), pick.end(), 0u);
  const std::size_t m = std::min<std::size_t>(n, static_cast<std::size_t>(std::max(points, 2)));
  SplitMix64 rng{seed};
  for (std::size_t i = 0; i < m; ++i) {  // a partial Fisher-Yates shuffle: the first m are the sample
    std::swap(pick[i], pick[i + rng.below(static_cast<std::uint32_t>(n - i))]);
  }
  // The sample's squared distances in each space from one Gram matrix (double precision).
  auto pair_distances = [&](const Matrix& x) {
    MatrixD rows(static_cast<Eigen::Index>(m), x.cols());
    for (std::size_t i = 0; i < m; ++i) rows.row(static_cast<Eigen::Index>(i)) = x.row(pick[i]).cast<double>();
    const MatrixD gram = rows * rows.transpose();
    std::vector<double> d;
    d.reserve(m * (m - 1) / 2);
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = i + 1; j < m; ++j) {
        const auto a = static_cast<Eigen::Index>(i), c = static_cast<Eigen::Index>(j);
        d.push_back(std::max(0.0, gram(a, a) + gram(c, c) - 2.0 * gram(a, c)));
      }
    }
    return d;
  };
  const auto da = pair_distances(a), db = pair_distances(b);
  if (da.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  const auto ra = ranks_of(da), rb = ranks_of(db);  // squared distances rank as distances do
  const double mean = 0.5 * (static_cast<double>(ra.size()) + 1.0);
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t t = 0; t < ra.size(); ++t) {
    sab += (ra[t] - mean) * (rb[t] - mean);
    saa += (ra[t] - mean) * (ra[t] - mean);
    sbb += (rb[t] - mean) * (rb[t] - mean);
  }
  if (saa <= 0 || sbb <= 0) return std::numeric_limits<double>::quiet_NaN();
  return sab / std::sqrt(saa * sbb);
}

RankQuality rank_quality(const Matrix& data, const Matrix& layout, const knn::NeighborList& data_nn,
                         const knn::NeighborList& layout_nn, const RankQualityOptions& options) {
  if (data.rows() != layout.rows()) throw Error("rank quality: the layout and the data hold different points");
  if (!data.allFinite() || !layout.allFinite()) throw Error("rank quality: non-finite values");
  RankQuality q;
  q.trustworthiness = rank_agreement(data, data_nn, layout_nn, options.k, options.threads);
  q.continuity = rank_agreement(layout, layout_nn, data_nn, options.k, options.threads);
  q.spearman = distance_spearman(data, layout, options.spearman_points, options.seed);
  return q;
}

}  // namespace epochscope::project
