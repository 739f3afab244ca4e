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
#include "epochscope/core/radix_sort.hpp"
#include "epochscope/core/random.hpp"

namespace epochscope::project {
namespace {

using MatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

void check_list(const knn::NeighborList& list, std::size_t n, const char* what) {
  if (list.n != n || list.indices.size() != n * static_cast<std::size_t>(list.k)) {
    throw Error(std::string("rank quality: the ") + what + " neighbour list is not for " + std::to_string(n) + " points");
  }
}

// Ranks 1..n of `values` (>= 0; ties share their mean rank), as doubles. The values' float bits
// (which order non-negative floats) are radix-sorted with their indices. Values that round to the
// same float count as tied (at 2M pairs, a change in rho below 1e-6).
std::vector<double> ranks_of(const std::vector<double>& values) {
  const std::size_t n = values.size();
  std::vector<std::uint32_t> key(n), key_scratch, index(n), index_scratch;
  for (std::size_t i = 0; i < n; ++i) {
    const auto f = static_cast<float>(values[i]);
    std::memcpy(&key[i], &f, sizeof f);
    index[i] = static_cast<std::uint32_t>(i);
  }
  radix_sort_pairs(key, index, 32, key_scratch, index_scratch);
  std::vector<double> rank(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && key[j] == key[i]) ++j;
    const double mean = 0.5 * static_cast<double>(i + j - 1) + 1.0;
    for (std::size_t t = i; t < j; ++t) rank[index[t]] = mean;
    i = j;
  }
  return rank;
}

}  // namespace

double rank_agreement(const Matrix& space, const knn::NeighborList& space_nn, const knn::NeighborList& other, int k,
                      int threads, int sample_points, std::uint64_t seed) {
  const auto n = static_cast<std::size_t>(space.rows());
  check_list(space_nn, n, "first");
  check_list(other, n, "second");
  k = std::min({k, space_nn.k, other.k});
  if (n < 4 || k < 1 || 2 * static_cast<std::size_t>(k) >= n) {
    throw Error("rank quality: needs k >= 1 and more than 2k points (k " + std::to_string(k) + ", " + std::to_string(n) + " points)");
  }
  // Distances are screened in single precision (one float product per block of rows, twice as
  // fast as double and half the memory) and decided in double: a point whose screened distance lies
  // within the product's error bound of an intruder's distance is measured again exactly, so every
  // rank is what a double-precision brute-force count gives.
  const Matrix& x = space;
  const auto dims = static_cast<std::size_t>(x.cols());
  std::vector<double> norms(n);
  for (std::size_t i = 0; i < n; ++i) norms[i] = x.row(static_cast<Eigen::Index>(i)).cast<double>().squaredNorm();
  // |float dot - dot| <= dims * 2^-24 * |a| |b| <= dims * 2^-24 * (|a|^2 + |b|^2) / 2, with room to spare.
  const double slack = 2.0 * static_cast<double>(dims + 4) * std::ldexp(1.0, -24);
  auto exact = [&](std::size_t i, std::size_t m) {
    const float* a = x.data() + i * dims;
    const float* c = x.data() + m * dims;
    double sum = 0;
    for (std::size_t t = 0; t < dims; ++t) {
      const double diff = static_cast<double>(a[t]) - static_cast<double>(c[t]);
      sum += diff * diff;
    }
    return sum;
  };
  // The points whose costs are summed: all, or a sample drawn with `seed` (a partial Fisher-Yates
  // shuffle, then in index order) whose sum is scaled to all n.
  std::vector<std::uint32_t> chosen(n);
  std::iota(chosen.begin(), chosen.end(), 0u);
  double scale = 1.0;
  if (sample_points > 0 && static_cast<std::size_t>(sample_points) < n) {
    const auto s = static_cast<std::size_t>(sample_points);
    SplitMix64 rng{seed};
    for (std::size_t i = 0; i < s; ++i) std::swap(chosen[i], chosen[i + rng.below(static_cast<std::uint32_t>(n - i))]);
    chosen.resize(s);
    std::sort(chosen.begin(), chosen.end());
    scale = static_cast<double>(n) / static_cast<double>(s);
  }
  // Only the points whose two lists differ can cost anything, so only their rows are computed.
  std::vector<std::uint32_t> active;
  for (const std::uint32_t i : chosen) {
    for (int j = 0; j < k; ++j) {
      const std::int32_t m = other.index(i, j);
      bool own = false;
      for (int t = 0; t < k && !own; ++t) own = space_nn.index(i, t) == m;
      if (!own) {
        active.push_back(static_cast<std::uint32_t>(i));
        break;
      }
    }
  }
  constexpr std::size_t kBlock = 256;
  const std::size_t blocks = (active.size() + kBlock - 1) / kBlock;
  std::vector<double> cost(blocks, 0.0);
  // Each worker's block and products are kept across its blocks: at 70,000 points one product is
  // 72 MB, which a fresh allocation would map and fault in anew every block.
  const int workers = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), std::max<std::size_t>(blocks, 1)));
  std::vector<Matrix> block_of(static_cast<std::size_t>(workers)), dots_of(static_cast<std::size_t>(workers));
  parallel_for(workers, blocks, [&](std::size_t b, int worker) {
    const std::size_t begin = b * kBlock, end = std::min(active.size(), begin + kBlock);
    const auto rows = static_cast<Eigen::Index>(end - begin);
    Matrix& block = block_of[static_cast<std::size_t>(worker)];
    block.resize(rows, x.cols());
    for (Eigen::Index r = 0; r < rows; ++r) block.row(r) = x.row(active[begin + static_cast<std::size_t>(r)]);
    Matrix& dots = dots_of[static_cast<std::size_t>(worker)];
    dots.resize(rows, x.rows());
    dots.noalias() = block * x.transpose();  // rows x n, float
    std::vector<std::pair<double, std::int32_t>> intruders;
    std::vector<std::size_t> buckets(static_cast<std::size_t>(k) + 1), ties(static_cast<std::size_t>(k));
    for (std::size_t a = begin; a < end; ++a) {
      const std::size_t i = active[a];
      intruders.clear();
      // Every listed point is ranked, not only those missing from `own`: where distances tie at the
      // k-th, the lists may break the tie otherwise than by index; the rank decides.
      for (int j = 0; j < k; ++j) {
        const std::int32_t m = other.index(i, j);
        intruders.push_back({exact(i, static_cast<std::size_t>(m)), m});
      }
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
      auto at_or_below = [&](double d) {
        std::size_t pos = 0;
        if (count <= 16) {
          for (std::size_t t = 0; t < 16; ++t) pos += padded[t] <= d ? 1u : 0u;
        } else {
          while (pos < count && intruders[pos].first <= d) ++pos;
        }
        return pos;
      };
      std::fill(buckets.begin(), buckets.end(), 0);
      std::fill(ties.begin(), ties.end(), 0);
      const float* row_dots = dots.data() + (a - begin) * n;
      const double own_norm = norms[i];
      const double farthest = intruders[count - 1].first;
      std::size_t beyond = 0;  // points farther than every intruder (most of them, in a good layout)
      for (std::size_t m = 0; m < n; ++m) {
        if (m == i) continue;
        const double sum = own_norm + norms[m];
        const double screened = sum - 2.0 * static_cast<double>(row_dots[m]);
        const double margin = slack * sum;
        if (screened - margin > farthest) {
          ++beyond;
          continue;
        }
        std::size_t pos = at_or_below(screened - margin);
        if (pos < count && intruders[pos].first <= screened + margin) {  // too close to call: measure
          const double d = exact(i, m);
          pos = at_or_below(d);
          for (std::size_t t = pos; t > 0 && intruders[t - 1].first == d; --t) {  // an exact tie: index decides
            if (m < static_cast<std::size_t>(intruders[t - 1].second)) ++ties[t - 1];
          }
        }
        ++buckets[pos];
      }
      buckets[count] += beyond;
      std::size_t nearer = 0;
      for (std::size_t t = 0; t < count; ++t) {
        nearer += buckets[t];  // points strictly nearer than intruder t (or tied and later)
        // A listed point tied with the k-th nearest may rank within k: it is no intruder.
        cost[b] += std::max(0.0, static_cast<double>(nearer + ties[t] + 1) - static_cast<double>(k));
      }
    }
  });
  const double total = scale * std::accumulate(cost.begin(), cost.end(), 0.0);
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  return 1.0 - 2.0 / (nd * kd * (2.0 * nd - 3.0 * kd - 1.0)) * total;
}

double distance_spearman(const Matrix& a, const Matrix& b, int points, std::uint64_t seed, int threads) {
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
  // Each space's distances and ranks on a thread of its own (squared distances rank as distances do).
  std::vector<double> ra, rb;
  parallel_for(threads, 2, [&](std::size_t side, int) { (side == 0 ? ra : rb) = ranks_of(pair_distances(side == 0 ? a : b)); });
  if (ra.size() < 2) return std::numeric_limits<double>::quiet_NaN();
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
  q.trustworthiness = rank_agreement(data, data_nn, layout_nn, options.k, options.threads, options.rank_points, options.seed);
  q.continuity = rank_agreement(layout, layout_nn, data_nn, options.k, options.threads, options.rank_points, options.seed);
  q.ranked = options.rank_points > 0 ? std::min<std::size_t>(static_cast<std::size_t>(options.rank_points), static_cast<std::size_t>(data.rows()))
                                     : static_cast<std::size_t>(data.rows());
  q.spearman = distance_spearman(data, layout, options.spearman_points, options.seed, options.threads);
  return q;
}

}  // namespace epochscope::project
