#include "epochscope/knn/neighbors.hpp"

#include <flann/flann.hpp>

#include <algorithm>
#include <numeric>
#include <thread>
#include <unordered_set>

namespace epochscope::knn {
namespace {

// Runs fn(begin, end) over [0, n) split into `threads` contiguous parts.
template <typename Fn>
void parallel_rows(std::size_t n, int threads, Fn fn) {
  const std::size_t t = static_cast<std::size_t>(std::max(1, threads));
  if (t == 1 || n < 256) {
    fn(std::size_t{0}, n);
    return;
  }
  std::vector<std::thread> pool;
  for (std::size_t w = 0; w < t; ++w) {
    const std::size_t b = n * w / t, e = n * (w + 1) / t;
    pool.emplace_back([=] { fn(b, e); });
  }
  for (auto& th : pool) th.join();
}

void exact_knn(const Matrix& x, NeighborList& out, int threads) {
  const auto n = static_cast<Eigen::Index>(out.n);
  const int k = out.k;
  const Eigen::VectorXf norms = x.rowwise().squaredNorm();
  constexpr Eigen::Index kBlock = 256;
  parallel_rows(out.n, threads, [&](std::size_t begin, std::size_t end) {
    Matrix dots;
    std::vector<std::pair<float, std::int32_t>> cand(static_cast<std::size_t>(n));
    for (auto b0 = static_cast<Eigen::Index>(begin); b0 < static_cast<Eigen::Index>(end); b0 += kBlock) {
      const Eigen::Index rows = std::min<Eigen::Index>(kBlock, static_cast<Eigen::Index>(end) - b0);
      dots.noalias() = x.middleRows(b0, rows) * x.transpose();
      for (Eigen::Index r = 0; r < rows; ++r) {
        const Eigen::Index i = b0 + r;
        for (Eigen::Index j = 0; j < n; ++j) {
          const float d2 = std::max(0.f, norms(i) + norms(j) - 2 * dots(r, j));
          cand[static_cast<std::size_t>(j)] = {j == i ? std::numeric_limits<float>::infinity() : d2, static_cast<std::int32_t>(j)};
        }
        std::partial_sort(cand.begin(), cand.begin() + k, cand.end());
        for (int j = 0; j < k; ++j) {
          const std::size_t o = static_cast<std::size_t>(i) * static_cast<std::size_t>(k) + static_cast<std::size_t>(j);
          out.indices[o] = cand[static_cast<std::size_t>(j)].second;
          out.distances[o] = std::sqrt(cand[static_cast<std::size_t>(j)].first);
        }
      }
    }
  });
}

void kdtree_knn(const Matrix& x, NeighborList& out, const KnnOptions& o) {
  const std::size_t n = out.n, d = static_cast<std::size_t>(x.cols());
  const int k = out.k;
  flann::Matrix<float> data(const_cast<float*>(x.data()), n, d);
  std::srand(static_cast<unsigned>(o.seed));  // FLANN's randomized trees draw from rand()
  flann::seed_random(static_cast<unsigned>(o.seed));
  flann::Index<flann::L2<float>> index(data, flann::KDTreeIndexParams(o.trees));
  index.buildIndex();
  parallel_rows(n, o.threads, [&](std::size_t begin, std::size_t end) {
    const std::size_t m = end - begin;
    std::vector<int> idx(m * static_cast<std::size_t>(k + 1));
    std::vector<float> dist(m * static_cast<std::size_t>(k + 1));
    flann::Matrix<int> mi(idx.data(), m, static_cast<std::size_t>(k + 1));
    flann::Matrix<float> md(dist.data(), m, static_cast<std::size_t>(k + 1));
    flann::Matrix<float> q(const_cast<float*>(x.data()) + begin * d, m, d);
    index.knnSearch(q, mi, md, static_cast<std::size_t>(k + 1), flann::SearchParams(o.checks));
    for (std::size_t r = 0; r < m; ++r) {
      const std::size_t i = begin + r;
      int w = 0;
      for (int j = 0; j <= k && w < k; ++j) {
        const int nb = mi[r][j];
        if (nb < 0 || static_cast<std::size_t>(nb) == i) continue;
        out.indices[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(w)] = nb;
        out.distances[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(w)] = std::sqrt(std::max(0.f, md[r][j]));
        ++w;
      }
      // Duplicated points can push self out of the first k+1: fill from the list as it is.
      for (int j = 0; w < k; ++j, ++w) {
        out.indices[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(w)] = mi[r][j] < 0 ? 0 : mi[r][j];
        out.distances[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(w)] = std::sqrt(std::max(0.f, md[r][j]));
      }
    }
  });
}

}  // namespace

NeighborList NeighborList::truncated(int k_prime) const {
  if (k_prime >= k) return *this;
  NeighborList t;
  t.k = k_prime;
  t.n = n;
  t.indices.resize(n * static_cast<std::size_t>(k_prime));
  t.distances.resize(n * static_cast<std::size_t>(k_prime));
  for (std::size_t i = 0; i < n; ++i) {
    for (int j = 0; j < k_prime; ++j) {
      t.indices[i * static_cast<std::size_t>(k_prime) + static_cast<std::size_t>(j)] = index(i, j);
      t.distances[i * static_cast<std::size_t>(k_prime) + static_cast<std::size_t>(j)] = distance(i, j);
    }
  }
  return t;
}

NeighborList build_knn(const Matrix& data, const KnnOptions& options) {
  if (data.rows() < 2) throw Error("kNN needs at least 2 points");
  if (!data.allFinite()) throw Error("kNN input holds NaN or Inf values");
  NeighborList out;
  out.n = static_cast<std::size_t>(data.rows());
  out.k = std::clamp(options.k, 1, static_cast<int>(data.rows()) - 1);
  out.indices.resize(out.n * static_cast<std::size_t>(out.k));
  out.distances.resize(out.n * static_cast<std::size_t>(out.k));
  KnnMethod m = options.method;
  if (m == KnnMethod::automatic) m = (data.cols() > 64 || data.rows() < 3000) ? KnnMethod::exact : KnnMethod::kdtree;
  if (m == KnnMethod::exact) {
    exact_knn(data, out, options.threads);
  } else {
    kdtree_knn(data, out, options);
  }
  return out;
}

double neighbor_recall(const NeighborList& reference, const NeighborList& other, int k) {
  if (reference.n != other.n) throw Error("neighbour lists of different sizes");
  k = std::min({k, reference.k, other.k});
  if (k <= 0 || reference.n == 0) return 0.0;
  double hits = 0;
  for (std::size_t i = 0; i < reference.n; ++i) {
    for (int a = 0; a < k; ++a) {
      for (int b = 0; b < k; ++b) {
        if (reference.index(i, a) == other.index(i, b)) {
          hits += 1;
          break;
        }
      }
    }
  }
  return hits / (double(reference.n) * k);
}

}  // namespace epochscope::knn
