#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>
#include <vector>

#include "blobs.hpp"
#include "epochscope/knn/neighbors.hpp"
#include "epochscope/project/graph_layout.hpp"

using namespace epochscope;
using namespace epochscope::project;
using epochscope::testing::gaussian_blobs;
using epochscope::testing::majority_accuracy;

namespace {

Matrix run_all(const GraphLayoutOptions& o, const Matrix& x, const Matrix* warm = nullptr) {
  auto p = make_graph_layout(o);
  Matrix y = p->initialize({.data = &x, .warm_start = warm});
  p->run(y, p->total_iterations());
  EXPECT_TRUE(p->done());
  return y;
}

}  // namespace

TEST(GraphLayout, SeparatesBlobsWithoutNaN) {
  std::vector<int> labels;
  const Matrix x = gaussian_blobs(5, 100, 20, 1, &labels);
  for (int dims : {2, 3}) {
    const Matrix y = run_all({.dims = dims, .threads = 2}, x);
    ASSERT_EQ(y.cols(), dims);
    EXPECT_TRUE(y.allFinite());
    EXPECT_GT(majority_accuracy(y, labels), 0.95) << dims << "-D";
  }
}

TEST(GraphLayout, EdgesAreTheSymmetrisedKnnGraph) {
  const Matrix x = gaussian_blobs(4, 60, 10, 2);
  const int k = 3;
  auto p = make_graph_layout({.k = k});
  p->initialize({.data = &x});
  const auto& edges = p->edges();
  ASSERT_EQ(edges.size(), p->rest_lengths().size());
  std::set<std::pair<int, int>> seen;
  std::vector<int> degree(static_cast<std::size_t>(x.rows()), 0);
  for (const auto& [a, b] : edges) {
    ASSERT_LT(a, b);
    ASSERT_TRUE(seen.insert({a, b}).second) << "duplicate edge";
    ++degree[static_cast<std::size_t>(a)];
    ++degree[static_cast<std::size_t>(b)];
  }
  for (int d : degree) EXPECT_GE(d, k);
  const auto nn = knn::build_knn(x, {.k = k});
  for (std::size_t i = 0; i < nn.n; ++i) {
    for (int j = 0; j < k; ++j) {
      const int a = static_cast<int>(i), b = nn.index(i, j);
      EXPECT_TRUE(seen.count({std::min(a, b), std::max(a, b)})) << a << " - " << b;
    }
  }
  // Rest lengths follow the original distances (up to one scale factor).
  const float scale = p->rest_lengths()[0] / (x.row(edges[0].first) - x.row(edges[0].second)).norm();
  for (std::size_t e = 0; e < edges.size(); ++e) {
    EXPECT_NEAR(p->rest_lengths()[e], scale * (x.row(edges[e].first) - x.row(edges[e].second)).norm(),
                1e-3 * p->rest_lengths()[e]);
  }
}

TEST(GraphLayout, DeterministicSlicedAndThreadIndependent) {
  const Matrix x = gaussian_blobs(5, 100, 20, 3);
  const GraphLayoutOptions o{.iterations = 120, .threads = 1};
  const Matrix a = run_all(o, x), b = run_all(o, x);
  EXPECT_EQ(a, b);
  auto p = make_graph_layout(o);
  Matrix y = p->initialize({.data = &x});
  p->run(y, 50);
  EXPECT_EQ(p->iteration(), 50);
  p->run(y, 77);
  p->run(y, 500);
  EXPECT_EQ(p->iteration(), 120);
  EXPECT_EQ(y, a);
  auto o2 = o;
  o2.threads = 2;
  EXPECT_EQ(run_all(o2, x), a);
  auto o3 = o;
  o3.seed = 99;  // another seed: another jitter, another layout
  EXPECT_NE(run_all(o3, x), a);
}

TEST(GraphLayout, WarmStartMovesLessThanColdStart) {
  std::vector<int> labels;
  const Matrix x0 = gaussian_blobs(5, 100, 20, 4, &labels);
  std::mt19937 rng(5);
  std::normal_distribution<float> g(0.f, 0.3f);
  Matrix x1 = x0;
  for (Eigen::Index i = 0; i < x1.size(); ++i) x1.data()[i] += g(rng);
  const GraphLayoutOptions o{.threads = 2};
  const Matrix y0 = run_all(o, x0);
  const Matrix cold = run_all(o, x1), warm = run_all(o, x1, &y0);
  const double dc = (cold - y0).rowwise().norm().mean(), dw = (warm - y0).rowwise().norm().mean();
  std::printf("mean displacement: warm %.3f, cold %.3f\n", dw, dc);
  EXPECT_LT(dw, 0.6 * dc);
  EXPECT_GT(majority_accuracy(warm, labels), 0.95);
}

TEST(GraphLayout, RejectsBadInput) {
  const Matrix x = gaussian_blobs(3, 40, 5, 6);
  auto p = make_graph_layout({.iterations = 100});
  Matrix y = p->initialize({.data = &x});
  EXPECT_THROW(make_graph_layout({.dims = 1}), Error);
  EXPECT_THROW(make_graph_layout({.k = 0}), Error);
  EXPECT_THROW(make_graph_layout()->initialize({}), Error);
  Matrix one(1, 4);
  one.setZero();
  EXPECT_THROW(make_graph_layout()->initialize({.data = &one}), Error);
  Matrix wrong(5, 2);
  EXPECT_THROW(p->run(wrong, 200), Error);
  EXPECT_THROW(make_graph_layout()->initialize({.data = &x, .warm_start = &wrong}), Error);
}

TEST(GraphLayout, DuplicatePointsStayFinite) {
  Matrix x = Matrix::Zero(50, 3);  // every point identical
  const Matrix y = run_all({}, x);
  EXPECT_TRUE(y.allFinite());
  EXPECT_GT((y.rowwise() - y.colwise().mean()).norm(), 0);  // they were spread apart
}
