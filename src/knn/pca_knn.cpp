// KnnMethod::pca: the search for wide data (784 pixels) at many points. Brute force costs N^2 x D;
// after a projection onto the top principal components it costs N^2 x pca_dims, and the
// projection costs N x D x pca_dims once. The covariance comes from at most pca_sample evenly
// spaced rows (centred on the mean of all rows); its top eigenvectors come from a subspace
// iteration with a fixed start (see top_eigenvectors). Nothing depends on the clock or the
// environment and every sum has a fixed order (the covariance is split by output columns, the
// projection in fixed pieces of rows), so the same input gives the same lists and the thread count
// does not change them.
//
// The search in the reduced space is exact (FLANN's kd-tree where the reduced space is narrow
// enough for prefer_kdtree, else the blocked brute force) and finds max(ceil(rerank_factor x k),
// rerank_min) candidates per point; these are re-measured in all D dimensions and the k nearest of
// them kept. A projection never lengthens a distance but shortens some more than others, so a true
// neighbour can rank beyond the candidates and be missed; the reported distances are always
// full-dimension Euclidean distances. Memory: the search keeps 8 bytes per candidate per point in
// the seeded lists and in one copy per thread: on 2 threads about 100 MB at 70,000 points with the
// defaults (62 a point), 300 MB for k = 90 (182), against 155 MB for the exact search at k = 90.
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "epochscope/core/random.hpp"
#include "knn_detail.hpp"

namespace epochscope::knn::detail {

namespace {

constexpr Eigen::Index kRowPiece = 1024;  // rows per piece of the projection (fixed: same sums for any thread count)
constexpr Eigen::Index kCovColumns = 64;  // covariance columns per task
constexpr Eigen::Index kOversample = 10;  // subspace iteration: vectors beyond pca_dims
constexpr int kSubspaceIterations = 8;
constexpr std::uint64_t kSubspaceSeed = 0x5eed;

// The eigenvectors of the `p` largest eigenvalues of the symmetric `sym` (d x d), as columns, largest
// first. Small matrices: Eigen's full solver. Larger: subspace iteration on p + kOversample vectors
// from a fixed start (splitmix64, seed kSubspaceSeed), re-orthonormalised after every product, then
// Rayleigh-Ritz. The top eigenvalues of a covariance stand well apart from the tail, so a few
// iterations give the subspace that matters here (0.06 s against 0.5 s for the full solver at
// D = 784); the exact distances of the re-ranking absorb what is left.
Eigen::MatrixXd top_eigenvectors(const Eigen::MatrixXd& sym, Eigen::Index p) {
  const Eigen::Index d = sym.rows();
  const Eigen::Index width = p + kOversample;
  if (d <= 2 * width) {
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(sym);
    if (eig.info() != Eigen::Success) throw Error("kNN: the principal components did not converge");
    return eig.eigenvectors().rightCols(p).rowwise().reverse();  // eigenvalues come in increasing order
  }
  SplitMix64 rng{kSubspaceSeed};
  Eigen::MatrixXd q(d, width);
  for (Eigen::Index i = 0; i < q.size(); ++i) q.data()[i] = rng.uniform() - 0.5;
  for (int it = 0; it < kSubspaceIterations; ++it) {
    const Eigen::MatrixXd y = sym * q;
    q = Eigen::HouseholderQR<Eigen::MatrixXd>(y).householderQ() * Eigen::MatrixXd::Identity(d, width);
  }
  const Eigen::MatrixXd small = q.transpose() * sym * q;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(small);
  if (eig.info() != Eigen::Success) throw Error("kNN: the principal components did not converge");
  return q * eig.eigenvectors().rightCols(p).rowwise().reverse();
}

}  // namespace

bool prefer_pca(Eigen::Index n, Eigen::Index d, const KnnOptions& options) {
  return d > 256 && d > options.pca_dims && n >= 20000;
}

Matrix pca_reduce(const Matrix& data, int dims, int sample, int threads) {
  const Eigen::Index n = data.rows(), d = data.cols();
  const Eigen::Index p = std::clamp<Eigen::Index>(dims, 1, d);
  // The mean of every row, in double.
  Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(d);
  for (Eigen::Index i = 0; i < n; ++i) sum += data.row(i).cast<double>();
  const Eigen::RowVectorXf mean = (sum / static_cast<double>(n)).cast<float>();
  // The covariance (unnormalised) of evenly spaced rows.
  const Eigen::Index m = std::clamp<Eigen::Index>(sample, std::min<Eigen::Index>(n, 2), n);
  Matrix centred(m, d);
  for (Eigen::Index s = 0; s < m; ++s) {
    const Eigen::Index row =
        static_cast<Eigen::Index>(static_cast<double>(s) * static_cast<double>(n) / static_cast<double>(m));
    centred.row(s) = data.row(row) - mean;
  }
  // Its lower triangle, split by output columns (a fixed order of sums for any thread count).
  Eigen::MatrixXf cov(d, d);
  ThreadTeam team(threads);
  team.run(static_cast<std::size_t>((d + kCovColumns - 1) / kCovColumns), [&](std::size_t task, int) {
    const Eigen::Index c0 = static_cast<Eigen::Index>(task) * kCovColumns;
    const Eigen::Index w = std::min(kCovColumns, d - c0);
    cov.block(c0, c0, d - c0, w).noalias() = centred.rightCols(d - c0).transpose() * centred.middleCols(c0, w);
  });
  const Eigen::MatrixXd sym = cov.cast<double>().selfadjointView<Eigen::Lower>();
  const Eigen::MatrixXf basis = top_eigenvectors(sym, p).cast<float>();
  // The projection of every row, in fixed pieces.
  Matrix reduced(n, p);
  team.run_chunks(static_cast<std::size_t>(n), static_cast<std::size_t>(kRowPiece),
                  [&](std::size_t begin, std::size_t end, int) {
                    const auto b = static_cast<Eigen::Index>(begin), rows = static_cast<Eigen::Index>(end - begin);
                    const Matrix piece = data.middleRows(b, rows).rowwise() - mean;
                    reduced.middleRows(b, rows).noalias() = piece * basis;
                  });
  return reduced;
}

void pca_knn(const Matrix& data, NeighborList& out, const KnnOptions& options) {
  const Eigen::Index n = data.rows();
  const int k = out.k;
  if (options.pca_dims >= data.cols()) {  // a rotation: nothing to gain
    exact_knn(data, out, options.threads);
    return;
  }
  const Matrix reduced = pca_reduce(data, options.pca_dims, options.pca_sample, options.threads);
  NeighborList cand;
  cand.n = out.n;
  const double wanted =
      std::max(std::ceil(static_cast<double>(options.rerank_factor) * k), static_cast<double>(options.rerank_min));
  cand.k = static_cast<int>(std::clamp<double>(wanted, k, static_cast<double>(n - 1)));
  cand.indices.resize(cand.n * static_cast<std::size_t>(cand.k));
  cand.distances.resize(cand.n * static_cast<std::size_t>(cand.k));
  if (prefer_kdtree(n, reduced.cols())) {
    KnnOptions tree = options;
    tree.k = cand.k;
    kdtree_knn(reduced, cand, tree);
  } else {
    exact_knn(reduced, cand, options.threads);
  }
  // Re-measure every candidate in the full space; keep the k nearest, ties to the lower index.
  // Points are visited in a locality order (computed on the reduced rows), so consecutive points
  // share most candidates and their rows are still in the cache.
  const std::vector<std::int32_t> order = locality_order(reduced);
  const auto du = static_cast<std::size_t>(data.cols());
  parallel_chunks(options.threads, out.n, 256, [&](std::size_t begin, std::size_t end, int) {
    std::vector<std::pair<float, std::int32_t>> pool(static_cast<std::size_t>(cand.k));
    for (std::size_t r = begin; r < end; ++r) {
      const auto i = static_cast<std::size_t>(order[r]);
      const float* row = data.data() + i * du;
      for (int s = 0; s < cand.k; ++s) {
        const std::int32_t j = cand.index(i, s);
        pool[static_cast<std::size_t>(s)] = {squared_distance(row, data.data() + static_cast<std::size_t>(j) * du, du),
                                             j};
      }
      std::partial_sort(pool.begin(), pool.begin() + k, pool.end());
      for (int s = 0; s < k; ++s) {
        out.indices[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(s)] =
            pool[static_cast<std::size_t>(s)].second;
        out.distances[i * static_cast<std::size_t>(k) + static_cast<std::size_t>(s)] =
            std::sqrt(pool[static_cast<std::size_t>(s)].first);
      }
    }
  });
}

}  // namespace epochscope::knn::detail
