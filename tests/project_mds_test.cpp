// MDS and Sammon mapping: cluster separation, reproducibility (seed, slices, threads), warm starts,
// agreement with exact all-pairs optimisation on a small set, and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "blobs.hpp"
#include "epochscope/project/align.hpp"
#include "epochscope/project/mds.hpp"
#include "epochscope/project/pca.hpp"
#include "epochscope/project/quality.hpp"

namespace epochscope::project {
using epochscope::testing::blobs;

namespace {


Matrix run_all(const MdsOptions& o, const Matrix& x, const Matrix* warm = nullptr) {
  auto p = make_mds(o);
  Matrix y = p->initialize({.data = &x, .warm_start = warm});
  p->run(y, p->total_iterations());
  EXPECT_TRUE(p->done());
  return y;
}

// Full (not sampled) cost of a layout: sum w (d* - d)^2 with w = 1 or 1 / d*.
double full_cost(const Matrix& x, const Matrix& y, bool sammon) {
  double cost = 0;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      const double ds = (x.row(i) - x.row(j)).norm(), d = (y.row(i) - y.row(j)).norm();
      cost += (ds - d) * (ds - d) / (sammon ? std::max(ds, 1e-9) : 1.0);
    }
  }
  return cost;
}

// Exact all-pairs minimisation by per-point majorisation (SMACOF's update, damped), from PCA.
Matrix exact_layout(const Matrix& x, bool sammon, int iterations) {
  const Eigen::Index n = x.rows();
  Eigen::MatrixXd ds(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) ds(i, j) = (x.row(i) - x.row(j)).norm();
  }
  Eigen::MatrixXd y = apply_pca(fit_pca(x, 2), x).cast<double>();
  for (int it = 0; it < iterations; ++it) {
    Eigen::MatrixXd next = y;
    for (Eigen::Index i = 0; i < n; ++i) {
      Eigen::RowVector2d acc(0, 0);
      double wsum = 0;
      for (Eigen::Index j = 0; j < n; ++j) {
        if (j == i) continue;
        const Eigen::RowVector2d diff = y.row(i) - y.row(j);
        const double len = diff.norm(), w = sammon ? 1.0 / std::max(ds(i, j), 1e-9) : 1.0;
        acc += w * (y.row(j) + (len > 0 ? ds(i, j) / len : 0.0) * diff);
        wsum += w;
      }
      next.row(i) = y.row(i) + 0.5 * (acc / wsum - y.row(i));
    }
    y = next;
  }
  return y.cast<float>();
}

class MdsKinds : public ::testing::TestWithParam<MdsKind> {
 protected:
  MdsOptions options() const { return {.kind = GetParam()}; }
};

TEST_P(MdsKinds, SeparatesBlobs) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(100, 20, labels);
  auto p = make_mds(options());
  Matrix y = p->initialize({.data = &x});
  const double start = p->stats(y).cost;
  p->run(y, p->total_iterations());
  ASSERT_TRUE(y.allFinite());
  EXPECT_EQ(y.rows(), 500);
  EXPECT_EQ(y.cols(), 2);
  const auto q = evaluate_layout(y, knn::build_knn(x, {.k = 10}), labels);
  EXPECT_GT(q.knn_accuracy, 0.95);
  const ProjectionStats s = p->stats(y);
  EXPECT_LT(s.cost, start);
  EXPECT_NE(s.cost_name.find("sampled"), std::string::npos);
}

TEST_P(MdsKinds, ReachesTheExactOptimumOnASmallSet) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(40, 10, labels, 5, 4);
  const bool sammon = GetParam() == MdsKind::sammon;
  const double exact = full_cost(x, exact_layout(x, sammon, 300), sammon);
  const double ours = full_cost(x, run_all(options(), x), sammon);
  EXPECT_LT(ours, 1.05 * exact) << "exact " << exact;
}

TEST_P(MdsKinds, SameSeedSameLayout) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(60, 20, labels);
  MdsOptions o = options();
  const Matrix a = run_all(o, x), b = run_all(o, x);
  EXPECT_EQ(a, b);
  o.seed = 2;
  EXPECT_NE(run_all(o, x), a);
}

TEST_P(MdsKinds, SlicesEqualOneRun) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(60, 20, labels);
  const Matrix whole = run_all(options(), x);
  auto p = make_mds(options());
  Matrix y = p->initialize({.data = &x});
  p->run(y, 100);
  EXPECT_EQ(p->iteration(), 100);
  EXPECT_FALSE(p->done());
  while (!p->done()) p->run(y, p->iteration() + 7);
  EXPECT_EQ(y, whole);
}

TEST_P(MdsKinds, ThreadCountDoesNotChangeTheResult) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(200, 100, labels);  // D > 64: input distances through a matrix product
  MdsOptions o = options();
  const Matrix one = run_all(o, x);
  o.threads = 2;
  const Matrix two = run_all(o, x);
  EXPECT_LE((one - two).norm(), 1e-4f * one.norm());
  const auto q = evaluate_layout(two, knn::build_knn(x, {.k = 10}), labels);
  EXPECT_GT(q.knn_accuracy, 0.95);
}

TEST_P(MdsKinds, WarmStartsMoveLess) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(100, 20, labels);
  const Matrix previous = run_all(options(), x);
  std::mt19937 rng(9);
  std::normal_distribution<float> g(0.f, 0.3f);  // the blobs' spread is 1
  Matrix next = x;
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) next(i, j) += g(rng);
  }
  const Matrix cold = align_to(run_all(options(), next), previous);  // aligned: only real moves count
  const Matrix warm = run_all(options(), next, &previous);
  const double moved_cold = layout_displacement(cold, previous), moved_warm = layout_displacement(warm, previous);
  EXPECT_LT(moved_warm, 0.8 * moved_cold) << "cold " << moved_cold << " warm " << moved_warm;
  const auto q = evaluate_layout(warm, knn::build_knn(next, {.k = 10}), labels);
  EXPECT_GT(q.knn_accuracy, 0.95);
  // The penalty pulls harder with a larger lambda.
  MdsOptions stiff = options();
  stiff.lambda = 10;
  EXPECT_LT(layout_displacement(run_all(stiff, next, &previous), previous), moved_warm);
}

TEST_P(MdsKinds, ThreeDimensions) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(60, 20, labels);
  MdsOptions o = options();
  o.dims = 3;
  const Matrix y = run_all(o, x);
  ASSERT_EQ(y.cols(), 3);
  ASSERT_TRUE(y.allFinite());
  EXPECT_GT(evaluate_layout(y, knn::build_knn(x, {.k = 10}), labels).knn_accuracy, 0.95);
}

TEST_P(MdsKinds, DegenerateInputs) {
  const Matrix two = (Matrix(2, 3) << 0, 0, 0, 3, 4, 0).finished();
  const Matrix y = run_all(options(), two);
  ASSERT_TRUE(y.allFinite());
  EXPECT_NEAR((y.row(0) - y.row(1)).norm(), 5.f, 0.05f);
  Matrix dup = Matrix::Zero(50, 4);  // all points identical
  dup.bottomRows(25).setOnes();
  ASSERT_TRUE(run_all(options(), dup).allFinite());
  const Matrix one_d = Matrix::Random(30, 1);  // D < dims
  ASSERT_TRUE(run_all(options(), one_d).allFinite());
}

TEST_P(MdsKinds, RejectsBadInput) {
  auto bad = [&](auto edit) {
    MdsOptions o = options();
    edit(o);
    EXPECT_THROW(make_mds(o), Error);
  };
  bad([](MdsOptions& o) { o.dims = 4; });
  bad([](MdsOptions& o) { o.iterations = 0; });
  bad([](MdsOptions& o) { o.pairs_per_point = 0; });
  bad([](MdsOptions& o) { o.step_min = 0; });
  bad([](MdsOptions& o) { o.step_max = 2; });
  bad([](MdsOptions& o) { o.threads = 0; });
  bad([](MdsOptions& o) { o.lambda = -1; });
  auto p = make_mds(options());
  const Matrix one = Matrix::Ones(1, 3);
  EXPECT_THROW(p->initialize({.data = &one}), Error);
  Matrix nan = Matrix::Random(10, 3);
  nan(4, 1) = std::nanf("");
  EXPECT_THROW(p->initialize({.data = &nan}), Error);
  const Matrix x = Matrix::Random(10, 3), wrong = Matrix::Zero(9, 2);
  EXPECT_THROW(p->initialize({.data = &x, .warm_start = &wrong}), Error);
  EXPECT_THROW(p->initialize({}), Error);
  Matrix y = Matrix::Zero(10, 2);
  EXPECT_THROW(make_mds(options())->run(y, 10), Error);  // before initialize
}

INSTANTIATE_TEST_SUITE_P(Kinds, MdsKinds, ::testing::Values(MdsKind::metric, MdsKind::sammon),
                         [](const auto& info) { return info.param == MdsKind::metric ? "Metric" : "Sammon"; });

TEST(Mds, MakeSammonSetsTheKind) {
  const Matrix x = Matrix::Random(40, 5);
  auto p = make_sammon({});
  Matrix y = p->initialize({.data = &x});
  EXPECT_EQ(p->stats(y).cost_name, "Sammon stress (sampled pairs)");
  EXPECT_EQ(make_mds({})->stats(y).cost_name, "normalized stress (sampled pairs)");
}

}  // namespace
}  // namespace epochscope::project
