// UMAP: the fitted curve, the fuzzy graph, and the optimiser's contract (separation, no NaN, seed
// determinism, any thread count, slices equal one run, warm starts move little).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "blobs.hpp"
#include "epochscope/knn/neighbors.hpp"
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
