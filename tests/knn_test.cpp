// Neighbour lists: the exact search against a plain O(N^2) loop, FLANN's kd-tree (exact at eps 0,
// approximate above), the PCA route (exact where the data lie in fewer dimensions than it keeps,
// full-space distances always), and the contract every list keeps (no self, nearest first, the
// same for any thread count).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <tuple>
#include <vector>

#include "epochscope/core/random.hpp"
#include "epochscope/knn/neighbors.hpp"

namespace epochscope::knn {
namespace {

Matrix gaussian(Eigen::Index n, Eigen::Index d, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.f, 1.f);
  Matrix x(n, d);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = g(rng);
  return x;
}

// The k nearest (distance, index) of every point by brute force, ties broken by index.
std::vector<std::vector<std::pair<double, int>>> naive(const Matrix& x, int k) {
  std::vector<std::vector<std::pair<double, int>>> out(static_cast<std::size_t>(x.rows()));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    std::vector<std::pair<double, int>> all;
    for (Eigen::Index j = 0; j < x.rows(); ++j) {
      if (j != i) all.emplace_back((x.row(i).cast<double>() - x.row(j).cast<double>()).norm(), static_cast<int>(j));
    }
    std::partial_sort(all.begin(), all.begin() + k, all.end());
    all.resize(static_cast<std::size_t>(k));
    out[static_cast<std::size_t>(i)] = all;
  }
  return out;
}

void expect_well_formed(const NeighborList& nl) {
  for (std::size_t i = 0; i < nl.n; ++i) {
    for (int j = 0; j < nl.k; ++j) {
      EXPECT_NE(nl.index(i, j), static_cast<std::int32_t>(i)) << "self neighbour at " << i;
      EXPECT_GE(nl.index(i, j), 0);
      EXPECT_LT(nl.index(i, j), static_cast<std::int32_t>(nl.n));
      if (j > 0) {
        EXPECT_LE(nl.distance(i, j - 1), nl.distance(i, j)) << "unsorted at " << i;
      }
    }
  }
}

TEST(Knn, ExactMatchesBruteForce) {
  // Sizes that are not multiples of the blocks (192 rows, 24-wide panels, 256-deep passes).
  for (const auto& [n, d] : {std::pair<Eigen::Index, Eigen::Index>{701, 37}, {433, 300}, {50, 3}}) {
    const Matrix x = gaussian(n, d, static_cast<std::uint32_t>(n + d));
    const int k = 12;
    const NeighborList nl = build_knn(x, {.k = k, .method = KnnMethod::exact, .threads = 2});
    ASSERT_EQ(nl.k, k);
    ASSERT_EQ(nl.n, static_cast<std::size_t>(n));
    const auto ref = naive(x, k);
    int mismatches = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      for (int j = 0; j < k; ++j) {
        const auto& [dist, idx] = ref[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
        EXPECT_NEAR(nl.distance(static_cast<std::size_t>(i), j), dist, 1e-4 * (1 + dist));
        mismatches += nl.index(static_cast<std::size_t>(i), j) != idx;
      }
    }
    EXPECT_EQ(mismatches, 0) << n << " x " << d;
    expect_well_formed(nl);
  }
}

TEST(Knn, ExactIgnoresConstantColumnsAndOffsets) {
  Matrix x = gaussian(300, 8, 3);
  Matrix wide(300, 11);
  wide << Matrix::Constant(300, 2, 5.f), x.array() + 100.f, Matrix::Constant(300, 1, -1.f);
  const NeighborList a = build_knn(x, {.k = 10, .method = KnnMethod::exact});
  const NeighborList b = build_knn(wide, {.k = 10, .method = KnnMethod::exact});
  EXPECT_EQ(a.indices, b.indices);
  for (std::size_t s = 0; s < a.distances.size(); ++s) EXPECT_NEAR(a.distances[s], b.distances[s], 1e-4);
}

TEST(Knn, KdTreeIsExactAtEpsZero) {
  for (const auto& [n, d] : {std::pair<Eigen::Index, Eigen::Index>{4000, 10}, {3000, 2}, {2500, 3}}) {
    const Matrix x = gaussian(n, d, static_cast<std::uint32_t>(11 + d));
    const NeighborList exact = build_knn(x, {.k = 15, .method = KnnMethod::exact, .threads = 2});
    const NeighborList tree = build_knn(x, {.k = 15, .method = KnnMethod::kdtree, .threads = 2});
    expect_well_formed(tree);
    EXPECT_DOUBLE_EQ(neighbor_recall(exact, tree, 15), 1.0) << n << " x " << d;
    for (std::size_t s = 0; s < exact.distances.size(); ++s) ASSERT_NEAR(tree.distances[s], exact.distances[s], 1e-4);
  }
}

TEST(Knn, KdTreeEpsTradesRecall) {  // the knob does something, and reported distances stay true
  const Matrix x = gaussian(3000, 12, 5);
  const NeighborList exact = build_knn(x, {.k = 15, .method = KnnMethod::exact});
  const NeighborList rough = build_knn(x, {.k = 15, .method = KnnMethod::kdtree, .eps = 3.f});
  const double recall = neighbor_recall(exact, rough, 15);
  EXPECT_LT(recall, 0.99);
  EXPECT_GT(recall, 0.3);
  for (std::size_t i = 0; i < 50; ++i) {
    EXPECT_NEAR(rough.distance(i, 0), (x.row(static_cast<Eigen::Index>(i)) - x.row(rough.index(i, 0))).norm(), 1e-4);
  }
}

TEST(Knn, AutomaticPicksTheTreeForLayouts) {  // 2-D layouts of quality checks: same lists either way
  const Matrix x = gaussian(2500, 2, 8);
  const NeighborList a = build_knn(x, {.k = 10});
  const NeighborList e = build_knn(x, {.k = 10, .method = KnnMethod::exact});
  EXPECT_DOUBLE_EQ(neighbor_recall(e, a, 10), 1.0);
}

TEST(Knn, ThreadCountAndRepeatsDoNotChangeLists) {
  const Matrix x = gaussian(1500, 10, 9);
  for (KnnMethod m : {KnnMethod::exact, KnnMethod::kdtree}) {
    const NeighborList one = build_knn(x, {.k = 15, .method = m, .threads = 1});
    const NeighborList two = build_knn(x, {.k = 15, .method = m, .threads = 2});
    const NeighborList again = build_knn(x, {.k = 15, .method = m, .threads = 2});
    EXPECT_EQ(one.indices, two.indices);
    EXPECT_EQ(one.distances, two.distances);
    EXPECT_EQ(two.indices, again.indices);
    expect_well_formed(one);
  }
}

TEST(Knn, DuplicatesAndSmallN) {
  Matrix x(6, 2);
  x << 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 5, 5;
  for (KnnMethod m : {KnnMethod::exact, KnnMethod::kdtree}) {
    const NeighborList nl = build_knn(x, {.k = 3, .method = m});
    expect_well_formed(nl);
    EXPECT_EQ(nl.distance(0, 0), 0.f);
    EXPECT_EQ(nl.distance(0, 1), 0.f);
    EXPECT_EQ(nl.distance(3, 0), 0.f);
    const NeighborList clamped = build_knn(x, {.k = 50, .method = m});
    EXPECT_EQ(clamped.k, 5);  // N - 1
    expect_well_formed(clamped);
  }
  Matrix two(2, 3);
  two << 1, 2, 3, 4, 5, 6;
  const NeighborList nl = build_knn(two, {.k = 15});
  ASSERT_EQ(nl.k, 1);
  EXPECT_EQ(nl.index(0, 0), 1);
  EXPECT_EQ(nl.index(1, 0), 0);
  EXPECT_NEAR(nl.distance(0, 0), std::sqrt(27.f), 1e-5);
}

TEST(Knn, BadInputThrows) {
  EXPECT_THROW(build_knn(Matrix(1, 4)), Error);
  EXPECT_THROW(build_knn(Matrix(0, 4)), Error);
  Matrix x = gaussian(10, 3, 1);
  x(4, 1) = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(build_knn(x), Error);
  x(4, 1) = std::numeric_limits<float>::infinity();
  EXPECT_THROW(build_knn(x, {.method = KnnMethod::kdtree}), Error);
}

TEST(Knn, TruncatedAndRecall) {
  const Matrix x = gaussian(200, 5, 2);
  const NeighborList nl = build_knn(x, {.k = 10});
  const NeighborList t = nl.truncated(4);
  ASSERT_EQ(t.k, 4);
  for (std::size_t i = 0; i < nl.n; ++i) {
    for (int j = 0; j < 4; ++j) EXPECT_EQ(t.index(i, j), nl.index(i, j));
  }
  EXPECT_DOUBLE_EQ(neighbor_recall(nl, nl, 10), 1.0);
  EXPECT_DOUBLE_EQ(neighbor_recall(nl, t, 4), 1.0);
  const NeighborList other = build_knn(gaussian(200, 5, 3), {.k = 10});
  EXPECT_LT(neighbor_recall(nl, other, 10), 0.2);
  EXPECT_THROW(neighbor_recall(nl, build_knn(gaussian(20, 5, 3)), 10), Error);
}

TEST(Knn, NeighborsOfOnePointMatchTheLists) {
  const Matrix x = Matrix::Random(300, 7);
  const auto lists = build_knn(x, {.k = 10, .method = KnnMethod::exact});
  for (std::size_t i : {0u, 17u, 299u}) {
    const auto one = neighbors_of(x, i, 10);
    ASSERT_EQ(one.size(), 10u);
    for (int j = 0; j < 10; ++j) {
      EXPECT_EQ(one[static_cast<std::size_t>(j)].first, lists.index(i, j));
      EXPECT_NEAR(one[static_cast<std::size_t>(j)].second, lists.distance(i, j), 1e-5);
    }
  }
  EXPECT_EQ(neighbors_of(x.topRows(3), 0, 10).size(), 2u);  // fewer points than k
  EXPECT_THROW(neighbors_of(x, 300, 10), Error);
}

// Points on a random `rank`-dimensional affine subspace of R^d.
Matrix low_rank(Eigen::Index n, Eigen::Index d, Eigen::Index rank, std::uint32_t seed) {
  const Matrix z = gaussian(n, rank, seed), a = gaussian(rank, d, seed + 1);
  return (z * a).rowwise() + Eigen::RowVectorXf::LinSpaced(d, -3.f, 5.f);
}

// Every reported distance is the Euclidean distance in all D dimensions.
void expect_full_distances(const Matrix& x, const NeighborList& nl) {
  for (std::size_t i = 0; i < nl.n; ++i) {
    for (int j = 0; j < nl.k; ++j) {
      const double direct =
          (x.row(static_cast<Eigen::Index>(i)).cast<double>() - x.row(nl.index(i, j)).cast<double>()).norm();
      ASSERT_NEAR(nl.distance(i, j), direct, 1e-4 * (1 + direct)) << i << ", " << j;
    }
  }
}

TEST(Knn, PcaIsExactWhenTheDataHaveFewerDimensions) {
  // 6 intrinsic dimensions, kept whole by the subspace iteration (D = 200 > 2 x (50 + 10)) and by
  // the full eigensolver (D = 40, 24), searched by brute force or (8 dimensions, 5,000 points) the
  // kd-tree; the re-ranking then orders the candidates as the exact search does.
  for (const auto& [n, d, dims] :
       {std::tuple<Eigen::Index, Eigen::Index, int>{1200, 200, 50}, {1200, 40, 16}, {5000, 24, 8}}) {
    const Matrix x = low_rank(n, d, 6, static_cast<std::uint32_t>(d + dims));
    const NeighborList exact = build_knn(x, {.k = 15, .method = KnnMethod::exact, .threads = 2});
    const NeighborList pca = build_knn(
        x, {.k = 15, .method = KnnMethod::pca, .threads = 2, .pca_dims = dims, .rerank_factor = 1.f, .rerank_min = 0});
    expect_well_formed(pca);
    EXPECT_DOUBLE_EQ(neighbor_recall(exact, pca, 15), 1.0) << d << ", " << dims;
    for (std::size_t s = 0; s < exact.distances.size(); ++s)
      ASSERT_NEAR(pca.distances[s], exact.distances[s], 1e-3) << d;
  }
}

TEST(Knn, PcaReportsFullSpaceDistancesAndReranks) {
  // Full-rank data squeezed to 3 components: the lists are approximate, the distances are not, and
  // more candidates re-measured means more of the true neighbours found; with every point a
  // candidate the lists are exact.
  const Matrix x = gaussian(500, 130, 21);
  const NeighborList exact = build_knn(x, {.k = 10, .method = KnnMethod::exact});
  double last = 0;
  for (const auto& [factor, least] : {std::pair<float, int>{1.f, 0}, {4.f, 0}, {4.f, 60}, {1.f, 499}}) {
    const NeighborList pca =
        build_knn(x, {.k = 10, .method = KnnMethod::pca, .pca_dims = 3, .rerank_factor = factor, .rerank_min = least});
    expect_well_formed(pca);
    expect_full_distances(x, pca);
    const double recall = neighbor_recall(exact, pca, 10);
    EXPECT_GT(recall, last) << factor << ", " << least;
    if (least < 499) {
      EXPECT_LT(recall, 0.9) << factor << ", " << least;
    } else {
      EXPECT_DOUBLE_EQ(recall, 1.0);  // every other point a candidate
    }
    last = recall;
  }
}

TEST(Knn, PcaThreadCountAndRepeatsDoNotChangeLists) {
  // 1,500 x 150: two pieces of the projection, three covariance tasks, a covariance from a sample.
  const Matrix x = gaussian(1500, 150, 23);
  const KnnOptions base{.k = 12, .method = KnnMethod::pca, .pca_dims = 20, .pca_sample = 700};
  KnnOptions one = base, two = base;
  one.threads = 1;
  two.threads = 2;
  const NeighborList a = build_knn(x, one), b = build_knn(x, two), c = build_knn(x, two);
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_EQ(a.distances, b.distances);
  EXPECT_EQ(b.indices, c.indices);
  EXPECT_EQ(b.distances, c.distances);
  expect_well_formed(a);
}

TEST(Knn, AutomaticRule) {
  EXPECT_EQ(resolve_method(70000, 784), KnnMethod::pca);
  EXPECT_EQ(resolve_method(20000, 257), KnnMethod::pca);
  EXPECT_EQ(resolve_method(19999, 784), KnnMethod::exact);
  EXPECT_EQ(resolve_method(70000, 256), KnnMethod::exact);  // narrower layers stay exact
  EXPECT_EQ(resolve_method(70000, 64), KnnMethod::exact);
  EXPECT_EQ(resolve_method(70000, 784, {.pca_dims = 784}), KnnMethod::exact);
  EXPECT_EQ(resolve_method(70000, 784, {.method = KnnMethod::exact}), KnnMethod::exact);
  EXPECT_EQ(resolve_method(70000, 16), KnnMethod::kdtree);
  EXPECT_EQ(resolve_method(2500, 2), KnnMethod::kdtree);
  EXPECT_EQ(resolve_method(1000, 4), KnnMethod::exact);
  // build_knn follows it: 20,000 x 257 goes the PCA route (here to 2 dimensions from a 300-row
  // covariance, on uniform data from a hash, to stay cheap under ThreadSanitizer too).
  Matrix x(20000, 257);
  for (Eigen::Index s = 0; s < x.size(); ++s)
    x.data()[s] = static_cast<float>(mix64(static_cast<std::uint64_t>(s)) >> 40) * 0x1p-24f;
  const KnnOptions cheap{.k = 5, .pca_dims = 2, .rerank_factor = 1.f, .rerank_min = 0, .pca_sample = 300};
  KnnOptions pca_options = cheap;
  pca_options.method = KnnMethod::pca;
  const NeighborList automatic = build_knn(x, cheap), pca = build_knn(x, pca_options);
  EXPECT_EQ(automatic.indices, pca.indices);
  EXPECT_LT(neighbor_recall(build_knn(x.topRows(500), {.k = 5, .method = KnnMethod::exact}),
                            build_knn(x.topRows(500), {.k = 5, .method = KnnMethod::pca, .pca_dims = 2}), 5),
            0.9);  // and that route is not the exact one
}

TEST(Knn, AutomaticLeavesTheKdTreeWhereTheDataFillItsDimensions) {
  // 20,000 points in 12 dimensions: an isotropic blob makes every query visit much of the tree; the
  // same count on a plane through the 12 dimensions leaves the kd-tree cheap. Both searches are exact.
  std::mt19937 rng(11);
  std::normal_distribution<float> g(0.f, 1.f);
  Matrix blob(20000, 12), plane(20000, 12);
  for (Eigen::Index i = 0; i < blob.rows(); ++i) {
    const float a = g(rng), b = g(rng);
    for (Eigen::Index d = 0; d < 12; ++d) {
      blob(i, d) = g(rng);
      plane(i, d) = a * static_cast<float>(d % 3) + b * static_cast<float>(d % 5);
    }
  }
  const KnnOptions o{.k = 30, .threads = 2};
  EXPECT_EQ(resolve_method(20000, 12, o), KnnMethod::kdtree);  // by shape alone
  EXPECT_EQ(resolve_method(blob, o), KnnMethod::exact);
  EXPECT_EQ(resolve_method(plane, o), KnnMethod::kdtree);
  EXPECT_EQ(resolve_method(blob, {.k = 30, .method = KnnMethod::kdtree}), KnnMethod::kdtree);  // asked for
  const auto chosen = build_knn(blob, o), exact = build_knn(blob, {.k = 30, .method = KnnMethod::exact, .threads = 2});
  EXPECT_EQ(chosen.indices, exact.indices);
}

TEST(Knn, PcaBadOptionsThrow) {
  const Matrix x = gaussian(50, 8, 4);
  EXPECT_THROW(build_knn(x, {.method = KnnMethod::pca, .pca_dims = 0}), Error);
  EXPECT_THROW(build_knn(x, {.method = KnnMethod::pca, .rerank_factor = 0.5f}), Error);
  EXPECT_THROW(build_knn(x, {.method = KnnMethod::pca, .rerank_factor = std::numeric_limits<float>::quiet_NaN()}),
               Error);
  // pca_dims >= D: a rotation, so the exact search.
  EXPECT_EQ(build_knn(x, {.k = 5, .method = KnnMethod::pca}).indices,
            build_knn(x, {.k = 5, .method = KnnMethod::exact}).indices);
}

}  // namespace
}  // namespace epochscope::knn
