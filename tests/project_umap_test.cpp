// UMAP: the fitted curve, the fuzzy graph, and the optimiser's contract (separation, no NaN, seed
// determinism, any thread count, slices equal one run, warm starts move little).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "blobs.hpp"
#include "epochscope/knn/neighbors.hpp"
#include "epochscope/project/spectral.hpp"
#include "epochscope/project/umap.hpp"

using namespace epochscope;
using namespace epochscope::project;
using epochscope::testing::gaussian_blobs;
using epochscope::testing::majority_accuracy;

namespace {

Matrix run_all(const UmapOptions& o, const Matrix& x, const Matrix* warm = nullptr) {
  auto p = make_umap(o);
  Matrix y = p->initialize({.data = &x, .warm_start = warm});
  p->run(y, p->total_iterations());
  EXPECT_TRUE(p->done());
  return y;
}

double mean_move(const Matrix& a, const Matrix& b) { return (a - b).rowwise().norm().mean(); }

}  // namespace

TEST(UmapCurve, FindAbMatchesTheReferenceValues) {
  const CurveParams c = find_ab(1.0f, 0.1f);
  EXPECT_NEAR(c.a, 1.577, 0.01);
  EXPECT_NEAR(c.b, 0.895, 0.005);
  const CurveParams wide = find_ab(1.0f, 0.5f);  // a larger min_dist flattens the curve's start
  EXPECT_LT(wide.a, c.a);
}

TEST(UmapGraph, SymmetricWeightsInUnitInterval) {
  const Matrix x = gaussian_blobs(4, 100, 8, 2);
  const auto nn = knn::build_knn(x, {.k = 15});
  std::vector<float> rho, sigma;
  const SparseGraph g = fuzzy_graph(nn, 15, &rho, &sigma);
  ASSERT_EQ(g.rows(), x.rows());
  const SparseGraph t = g.transpose();
  EXPECT_LT((g - t).norm(), 1e-5);
  for (int k = 0; k < g.outerSize(); ++k) {
    for (SparseGraph::InnerIterator it(g, k); it; ++it) {
      ASSERT_NE(it.row(), it.col());
      ASSERT_GT(it.value(), 0.f);
      ASSERT_LE(it.value(), 1.f + 1e-6f);
    }
  }
  for (std::size_t i = 0; i < rho.size(); ++i) {
    EXPECT_NEAR(rho[i], nn.distance(i, 0), 1e-5);  // the nearest neighbour's distance
    EXPECT_GT(sigma[i], 0.f);
  }
}

TEST(Umap, SeparatesBlobsWithoutNaN) {
  std::vector<int> labels;
  const Matrix x = gaussian_blobs(5, 120, 20, 1, &labels);
  for (int dims : {2, 3}) {
    const Matrix y = run_all({.dims = dims, .n_epochs = 200, .seed = 3}, x);
    ASSERT_EQ(y.cols(), dims);
    EXPECT_TRUE(y.allFinite());
    EXPECT_GT(majority_accuracy(y, labels), 0.97) << dims << "-D";
  }
}

TEST(Umap, SameSeedSameLayoutAndThreadsDoNotMatter) {
  const Matrix x = gaussian_blobs(4, 150, 10, 4);
  const Matrix a = run_all({.n_epochs = 120, .seed = 9, .threads = 1}, x);
  const Matrix b = run_all({.n_epochs = 120, .seed = 9, .threads = 1}, x);
  const Matrix c = run_all({.n_epochs = 120, .seed = 9, .threads = 2}, x);
  const Matrix d = run_all({.n_epochs = 120, .seed = 10, .threads = 1}, x);
  EXPECT_EQ(a, b);
  EXPECT_LT((a - c).cwiseAbs().maxCoeff(), 1e-4);
  EXPECT_GT((a - d).cwiseAbs().maxCoeff(), 1e-2);
}

TEST(Umap, SlicesEqualOneRun) {
  const Matrix x = gaussian_blobs(4, 150, 10, 5);
  const UmapOptions o{.n_epochs = 150, .seed = 2, .threads = 2};
  const Matrix whole = run_all(o, x);
  auto p = make_umap(o);
  Matrix y = p->initialize({.data = &x});
  for (int stop : {1, 37, 60, 149, 150}) {
    p->run(y, stop);
    EXPECT_EQ(p->iteration(), stop);
    EXPECT_TRUE(y.allFinite());
  }
  EXPECT_TRUE(p->done());
  EXPECT_LT((whole - y).cwiseAbs().maxCoeff(), 1e-4);
}

TEST(Umap, WarmStartMovesLessThanAFreshRun) {
  std::vector<int> labels;
  const Matrix x0 = gaussian_blobs(5, 100, 12, 6, &labels);
  Matrix x1 = x0;
  x1.array() += 0.05f * Matrix::Random(x0.rows(), x0.cols()).array();  // the next frame: a little change
  const UmapOptions o{.n_epochs = 200, .seed = 1};
  const Matrix y0 = run_all(o, x0);
  const Matrix warm = run_all(o, x1, &y0);
  const Matrix fresh = run_all({.n_epochs = 200, .seed = 2}, x1);
  EXPECT_GT(majority_accuracy(warm, labels), 0.97);
  EXPECT_LT(mean_move(y0, warm), 0.5 * mean_move(y0, fresh));
  UmapOptions anchored = o;
  anchored.lambda = 1.f;  // the movement penalty pulls harder towards the previous layout
  EXPECT_LT(mean_move(y0, run_all(anchored, x1, &y0)), mean_move(y0, warm));
}

TEST(Umap, StartsFromAGivenLayout) {
  const Matrix x = gaussian_blobs(3, 60, 5, 13);
  const UmapOptions o{.n_epochs = 60};
  const Matrix own = make_umap(o)->initialize({.data = &x});
  auto p = make_umap(o);
  Matrix y = p->initialize({.data = &x, .start = &own});
  EXPECT_EQ(y, own);  // used as given, then the full cold run
  EXPECT_EQ(p->total_iterations(), 60);
  p->run(y, p->total_iterations());
  EXPECT_EQ(y, run_all(o, x));
  Matrix wrong(5, 2), bad = own;
  bad(4, 0) = std::numeric_limits<float>::infinity();
  EXPECT_THROW(make_umap(o)->initialize({.data = &x, .start = &wrong}), Error);
  EXPECT_THROW(make_umap(o)->initialize({.data = &x, .start = &bad}), Error);
}

TEST(Umap, ReportsCrossEntropyAndRejectsBadInput) {
  const Matrix x = gaussian_blobs(3, 60, 5, 7);
  auto p = make_umap({.n_epochs = 50});
  Matrix y = p->initialize({.data = &x});
  p->run(y, 50);
  // (Negative sampling does not descend the full cross-entropy (Damrich and Hamprecht 2021), so
  // the figure is reported, not expected to fall.)
  const auto after = p->stats(y);
  EXPECT_FALSE(after.cost_name.empty());
  EXPECT_TRUE(std::isfinite(after.cost));
  EXPECT_GT(after.cost, 0);
  EXPECT_THROW(make_umap({.dims = 4}), Error);
  EXPECT_THROW(make_umap({.n_neighbors = 0}), Error);
  Matrix bad = x;
  bad(3, 2) = std::nanf("");
  EXPECT_THROW(make_umap({})->initialize({.data = &bad}), Error);
  Matrix wrong(5, 2);
  EXPECT_THROW(make_umap({})->initialize({.data = &x, .warm_start = &wrong}), Error);
}

namespace {

// The reference's optimiser, plainly and serially (umap-learn's optimize_layout_euclidean with
// move_other): every directed edge of the symmetric graph in a fixed order, sampled every
// max_w / w epochs, pulling both ends; negative_rate uniformly drawn points per sample pushing the
// head; gradients clipped at 4; learning rate 1 - epoch / epochs.
struct ReferenceVariant {
  bool stale_pushes = false;   ///< negative samples read the layout as it stood at the epoch's start
  bool deferred_tails = false; ///< an edge's pull on its tail is applied at the end of the epoch
  bool shuffled_heads = false; ///< edges visited head by head in a fixed random order of the heads
};

Matrix reference_umap(const SparseGraph& graph, Matrix y, int epochs, float a, float b, std::uint32_t seed,
                      ReferenceVariant v = {}) {
  struct Edge {
    int head, tail;
    double per_sample, next, per_negative, next_negative;
  };
  std::vector<Edge> edges;
  float max_w = 0;
  for (int i = 0; i < graph.outerSize(); ++i) {
    for (SparseGraph::InnerIterator it(graph, i); it; ++it) max_w = std::max(max_w, it.value());
  }
  for (int i = 0; i < graph.outerSize(); ++i) {
    for (SparseGraph::InnerIterator it(graph, i); it; ++it) {
      const double per = max_w / it.value();
      edges.push_back({i, static_cast<int>(it.col()), per, per, per / 5, per / 5});
    }
  }
  std::mt19937 rng(seed);
  if (v.shuffled_heads) {
    std::vector<int> rank(static_cast<std::size_t>(y.rows()));
    std::iota(rank.begin(), rank.end(), 0);
    std::shuffle(rank.begin(), rank.end(), rng);
    std::stable_sort(edges.begin(), edges.end(), [&](const Edge& p, const Edge& q) { return rank[p.head] < rank[q.head]; });
  }
  std::uniform_int_distribution<int> any(0, static_cast<int>(y.rows()) - 1);
  const auto clip = [](double g) { return std::clamp(g, -4.0, 4.0); };
  Matrix start = y, tails = Matrix::Zero(y.rows(), 2);
  for (int n = 0; n < epochs; ++n) {
    const double alpha = 1.0 - static_cast<double>(n) / epochs;
    if (v.stale_pushes) start = y;
    for (auto& e : edges) {
      if (e.next > n) continue;
      const double dx = y(e.head, 0) - y(e.tail, 0), dy = y(e.head, 1) - y(e.tail, 1);
      const double d2 = dx * dx + dy * dy;
      const double pull = d2 > 0 ? -2.0 * a * b * std::pow(d2, b - 1.0) / (a * std::pow(d2, b) + 1.0) : 0.0;
      const double gx = clip(pull * dx) * alpha, gy = clip(pull * dy) * alpha;
      y(e.head, 0) += static_cast<float>(gx);
      y(e.head, 1) += static_cast<float>(gy);
      Matrix& tail = v.deferred_tails ? tails : y;
      tail(e.tail, 0) -= static_cast<float>(gx);
      tail(e.tail, 1) -= static_cast<float>(gy);
      e.next += e.per_sample;
      const int negatives = static_cast<int>((n - e.next_negative) / e.per_negative);
      for (int s = 0; s < negatives; ++s) {
        const int k = any(rng);
        if (k == e.head) continue;
        const Matrix& other = v.stale_pushes ? start : y;
        const double nx = y(e.head, 0) - other(k, 0), ny = y(e.head, 1) - other(k, 1);
        const double n2 = nx * nx + ny * ny;
        const double push = n2 > 0 ? 2.0 * b / ((0.001 + n2) * (a * std::pow(n2, b) + 1.0)) : 0.0;
        y(e.head, 0) += static_cast<float>((push > 0 ? clip(push * nx) : 4.0) * alpha);
        y(e.head, 1) += static_cast<float>((push > 0 ? clip(push * ny) : 4.0) * alpha);
      }
      e.next_negative += negatives * e.per_negative;
    }
    if (v.deferred_tails) {
      y += tails;
      tails.setZero();
    }
  }
  return y;
}

// The fuzzy cross-entropy, exact over every pair (i < j).
double exact_cross_entropy(const SparseGraph& graph, const Matrix& y, float a, float b) {
  const Eigen::Index n = y.rows();
  Eigen::MatrixXf w = Eigen::MatrixXf::Zero(n, n);
  for (int i = 0; i < graph.outerSize(); ++i) {
    for (SparseGraph::InnerIterator it(graph, i); it; ++it) w(i, it.col()) = it.value();
  }
  double ce = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = i + 1; j < n; ++j) {
      const double d2 = (y.row(i) - y.row(j)).squaredNorm();
      const double q = std::clamp(1.0 / (1.0 + a * std::pow(d2, static_cast<double>(b))), 1e-12, 1.0 - 1e-12);
      ce += -w(i, j) * std::log(q) - (1.0 - w(i, j)) * std::log(1.0 - q);
    }
  }
  return ce;
}

double recall10(const Matrix& x, const Matrix& y) {
  const auto a = knn::build_knn(x, {.k = 10, .method = knn::KnnMethod::exact});
  const auto b = knn::build_knn(y, {.k = 10, .method = knn::KnnMethod::exact});
  double hits = 0;
  for (std::size_t i = 0; i < a.n; ++i) {
    for (int s = 0; s < 10; ++s) {
      for (int t = 0; t < 10; ++t) hits += a.index(i, s) == b.index(i, t);
    }
  }
  return hits / (10.0 * static_cast<double>(a.n));
}

}  // namespace

// Ours against a plain serial run of the reference's optimiser on the same graph from the same kind
// of start (spectral, scaled to [0, 10]): colour order, stale pushes and hashed negative samples
// reach as low a cross-entropy and keep as many neighbours (median of 3 seeds each side). Printed
// besides: the reference with one of our differences at a time. Measured (6 blobs of 250 points,
// 300 epochs): reference 196,567 / recall 0.178; with stale pushes 195,589 / 0.180; head-by-head
// order 196,249 / 0.181; with the other ends' pulls deferred to the epoch's end 207,948 / 0.172.
// Ours deferred them to the other end's next turn until December 2026: 214,743 / 0.164, the gap
// to umap-learn; applied when each colour is done, 192,777 / 0.177.
TEST(Umap, OptimisesAsWellAsTheSerialReference) {
  std::vector<int> labels;
  const Matrix x = gaussian_blobs(6, 250, 20, 11, &labels);
  const int epochs = 300;
  const CurveParams ab = find_ab(1.0f, 0.1f);
  const auto nn = knn::build_knn(x, {.k = 15, .method = knn::KnnMethod::exact});
  SparseGraph graph = fuzzy_graph(nn, 15);
  const float max_w = Eigen::Map<const Eigen::VectorXf>(graph.valuePtr(), graph.nonZeros()).maxCoeff();
  graph.prune([&](std::int32_t, std::int32_t, float w) { return w >= max_w / static_cast<float>(epochs); });
  graph.makeCompressed();
  std::vector<double> ours_ce, ref_ce, ours_recall, ref_recall;
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    const Matrix ours = run_all({.n_epochs = epochs, .seed = seed}, x);
    ours_ce.push_back(exact_cross_entropy(graph, ours, ab.a, ab.b));
    ours_recall.push_back(recall10(x, ours));
    Matrix start = *spectral_layout(graph, &x, {.dims = 2});
    for (int c = 0; c < 2; ++c) {
      const float lo = start.col(c).minCoeff(), hi = start.col(c).maxCoeff();
      start.col(c) = (start.col(c).array() - lo) * (10.f / (hi - lo));
    }
    const Matrix ref = reference_umap(graph, start, epochs, ab.a, ab.b, seed);
    ref_ce.push_back(exact_cross_entropy(graph, ref, ab.a, ab.b));
    ref_recall.push_back(recall10(x, ref));
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[1];
  };
  // One difference at a time, from the reference towards ours (printed: the figures in the README).
  const std::pair<const char*, ReferenceVariant> variants[] = {
      {"stale pushes", {.stale_pushes = true}},
      {"deferred tail pulls", {.deferred_tails = true}},
      {"head-by-head order", {.shuffled_heads = true}}};
  for (const auto& [name, variant] : variants) {
    std::vector<double> ce, recall;
    for (std::uint32_t seed : {1u, 2u, 3u}) {
      Matrix start = *spectral_layout(graph, &x, {.dims = 2});
      for (int c = 0; c < 2; ++c) {
        const float lo = start.col(c).minCoeff(), hi = start.col(c).maxCoeff();
        start.col(c) = (start.col(c).array() - lo) * (10.f / (hi - lo));
      }
      const Matrix y = reference_umap(graph, start, epochs, ab.a, ab.b, seed, variant);
      ce.push_back(exact_cross_entropy(graph, y, ab.a, ab.b));
      recall.push_back(recall10(x, y));
    }
    std::cout << "reference with " << name << ": cross-entropy " << median(ce) << ", recall@10 " << median(recall) << "\n";
  }
  std::cout << "cross-entropy ours " << median(ours_ce) << " reference " << median(ref_ce) << "; recall@10 ours "
            << median(ours_recall) << " reference " << median(ref_recall) << "\n";
  EXPECT_LT(median(ours_ce), median(ref_ce) * 1.02);
  EXPECT_GT(median(ours_recall), median(ref_recall) - 0.02);
}

// The Lanczos iteration works on row blocks of 4,096 on the team's threads: any thread count gives
// the same eigenvectors, and they are eigenvectors of the normalised Laplacian.
TEST(Spectral, BlockedLanczosIsExactAndThreadsDoNotMatter) {
  const Matrix x = gaussian_blobs(1, 9000, 8, 5, nullptr);
  const SparseGraph graph = fuzzy_graph(knn::build_knn(x, {.k = 15, .threads = 2}), 15);
  const auto one = laplacian_eigenvectors(graph, 2, {.dims = 2, .threads = 1});
  const auto two = laplacian_eigenvectors(graph, 2, {.dims = 2, .threads = 2});
  ASSERT_TRUE(one && two);
  EXPECT_EQ(one->vectors, two->vectors);
  EXPECT_EQ(one->values, two->values);
  // |L v - l v| for L = I - D^-1/2 W D^-1/2, within the iteration's tolerance (1e-4 by default).
  Eigen::VectorXd degree = Eigen::VectorXd::Zero(graph.rows());
  for (Eigen::Index i = 0; i < graph.outerSize(); ++i) {
    for (SparseGraph::InnerIterator it(graph, i); it; ++it) degree(i) += it.value();
  }
  const Eigen::VectorXd s = degree.cwiseSqrt().cwiseInverse();
  for (int c = 0; c < 2; ++c) {
    const Eigen::VectorXd v = one->vectors.col(c).cast<double>();
    Eigen::VectorXd lv = v;
    for (Eigen::Index i = 0; i < graph.outerSize(); ++i) {
      for (SparseGraph::InnerIterator it(graph, i); it; ++it) lv(i) -= s(i) * it.value() * s(it.col()) * v(it.col());
    }
    EXPECT_LT((lv - one->values(c) * v).norm() / v.norm(), 1e-3) << "eigenvector " << c;
    EXPECT_GT(one->values(c), 0.0);
  }
}
