#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "blobs.hpp"
#include "epochscope/knn/neighbors.hpp"
#include "epochscope/project/tsne.hpp"

using namespace epochscope;
using namespace epochscope::project;
using epochscope::testing::gaussian_blobs;
using epochscope::testing::majority_accuracy;

namespace {

Matrix run_all(const TsneOptions& o, const Matrix& x, const Matrix* warm = nullptr) {
  auto p = make_tsne(o);
  Matrix y = p->initialize({.data = &x, .warm_start = warm});
  p->run(y, p->total_iterations());
  EXPECT_TRUE(p->done());
  return y;
}

}  // namespace

TEST(TsneAffinities, RowsSumToOneAtTheRequestedPerplexity) {
  const Matrix x = gaussian_blobs(5, 100, 20, 1);
  const auto nn = knn::build_knn(x, {.k = 45});
  for (double perplexity : {5.0, 15.0}) {
    const auto p = conditional_affinities(nn, perplexity, 2);
    for (std::size_t i = 0; i < nn.n; ++i) {
      double sum = 0, h = 0;
      for (int j = 0; j < nn.k; ++j) {
        const double v = p[i * static_cast<std::size_t>(nn.k) + static_cast<std::size_t>(j)];
        sum += v;
        if (v > 0) h -= v * std::log(v);
      }
      ASSERT_NEAR(sum, 1.0, 1e-5);
      ASSERT_NEAR(std::exp(h), perplexity, perplexity * 1e-3);
    }
  }
}

TEST(TsneAffinities, SymmetricAndNormalised) {
  const Matrix x = gaussian_blobs(5, 100, 20, 2);
  const auto nn = knn::build_knn(x, {.k = 30});
  const auto s = symmetrize_affinities(nn, conditional_affinities(nn, 10));
  double total = 0;
  for (std::size_t i = 0; i < s.n; ++i) {
    for (auto e = s.row_ptr[i]; e < s.row_ptr[i + 1]; ++e) {
      total += s.values[static_cast<std::size_t>(e)];
      const auto j = static_cast<std::size_t>(s.cols[static_cast<std::size_t>(e)]);
      ASSERT_NE(j, i);
      // The transposed entry exists with the same value.
      const auto b = s.cols.begin() + s.row_ptr[j], en = s.cols.begin() + s.row_ptr[j + 1];
      const auto it = std::lower_bound(b, en, static_cast<std::int32_t>(i));
      ASSERT_TRUE(it != en && *it == static_cast<std::int32_t>(i));
      EXPECT_EQ(s.values[static_cast<std::size_t>(it - s.cols.begin())], s.values[static_cast<std::size_t>(e)]);
    }
  }
  EXPECT_NEAR(total, 1.0, 1e-4);
  const auto s2 = symmetrize_affinities(nn, conditional_affinities(nn, 10), 3);  // threads change nothing
  EXPECT_EQ(s2.row_ptr, s.row_ptr);
  EXPECT_EQ(s2.cols, s.cols);
  EXPECT_EQ(s2.values, s.values);
}

TEST(TsneAffinities, FiniteWhenDuplicatesOutnumberThePerplexity) {
  // A saturated softmax layer: 85 of a point's 90 neighbours at one distance, 5 a hair further (seen
  // on real MNIST, where it made every t-SNE weight NaN and stopped the chain).
  knn::NeighborList nn;
  nn.n = 1;
  nn.k = 90;
  const float further[5] = {3.05176e-05f, 3.05176e-05f, 3.73762e-05f, 6.47376e-05f, 7.15701e-05f};
  for (int j = 0; j < nn.k; ++j) {
    nn.indices.push_back(j + 1);
    nn.distances.push_back(j < 85 ? 2.15792e-05f : further[j - 85]);
  }
  const auto p = conditional_affinities(nn, 30, 1);
  double sum = 0;
  for (float v : p) {
    ASSERT_TRUE(std::isfinite(v));
    sum += v;
  }
  EXPECT_NEAR(sum, 1.0, 1e-5);
  EXPECT_NEAR(p[0], 1.0 / 85, 1e-4);  // as sharp as it gets: uniform over the duplicates
}

TEST(TsneAffinities, RejectsBadPerplexity) {
  const Matrix x = gaussian_blobs(2, 20, 3, 3);
  const auto nn = knn::build_knn(x, {.k = 10});
  EXPECT_THROW(conditional_affinities(nn, 10), Error);
  EXPECT_THROW(conditional_affinities(nn, 0), Error);
}

TEST(Tsne, SeparatesBlobsWithoutNaN) {
  std::vector<int> labels;
  const Matrix x = gaussian_blobs(5, 100, 20, 4, &labels);
  for (int dims : {2, 3}) {
    const Matrix y = run_all({.dims = dims, .iterations = 500, .threads = 2}, x);
    ASSERT_EQ(y.cols(), dims);
    EXPECT_TRUE(y.allFinite());
    EXPECT_GT(majority_accuracy(y, labels), 0.95);
  }
}

TEST(Tsne, DeterministicSlicedAndThreadIndependent) {
  const Matrix x = gaussian_blobs(5, 100, 20, 5);
  const TsneOptions o{.iterations = 400, .threads = 1};
  const Matrix a = run_all(o, x), b = run_all(o, x);
  EXPECT_EQ(a, b);
  auto p = make_tsne(o);
  Matrix y = p->initialize({.data = &x});
  p->run(y, 200);
  EXPECT_EQ(p->iteration(), 200);
  EXPECT_FALSE(p->done());
  p->run(y, 273);
  p->run(y, 1000);
  EXPECT_EQ(p->iteration(), 400);
  EXPECT_EQ(y, a);
  auto o2 = o;
  o2.threads = 2;
  EXPECT_EQ(run_all(o2, x), a);  // every point's forces are computed alone: not even float noise
  auto o3 = o;
  o3.init = TsneInit::random;
  EXPECT_NE(run_all(o3, x), a);
}

TEST(Tsne, ReportsFallingKL) {
  const Matrix x = gaussian_blobs(5, 100, 20, 6);
  auto p = make_tsne({.iterations = 500});
  Matrix y = p->initialize({.data = &x});
  p->run(y, 260);
  const auto early = p->stats(y);
  p->run(y, 500);
  const auto late = p->stats(y);
  EXPECT_EQ(late.cost_name, "KL divergence");
  EXPECT_GT(late.cost, 0);
  EXPECT_LT(late.cost, early.cost);
}

TEST(Tsne, KlMatchesTheDirectSum) {
  // theta 0: Barnes-Hut's Z is exact, so stats() must equal sum p log(p / q) computed plainly.
  const Matrix x = gaussian_blobs(4, 60, 10, 12);
  TsneOptions o;
  o.theta = 0;
  o.iterations = 200;
  auto p = make_tsne(o);
  Matrix y = p->initialize({.data = &x});
  p->run(y, 200);
  const auto nn = knn::build_knn(x, {.k = 90});
  const auto s = symmetrize_affinities(nn, conditional_affinities(nn, (90 - 1) / 3.0 + 1e-9));  // t-SNE's cap
  double z = 0, kl = 0;
  for (Eigen::Index i = 0; i < y.rows(); ++i) {
    for (Eigen::Index j = 0; j < y.rows(); ++j) {
      if (i != j) z += 1.0 / (1.0 + (y.row(i) - y.row(j)).cast<double>().squaredNorm());
    }
  }
  for (std::size_t i = 0; i < s.n; ++i) {
    for (auto e = s.row_ptr[i]; e < s.row_ptr[i + 1]; ++e) {
      const double pij = s.values[static_cast<std::size_t>(e)];
      const auto j = static_cast<Eigen::Index>(s.cols[static_cast<std::size_t>(e)]);
      const double q = 1.0 / (1.0 + (y.row(static_cast<Eigen::Index>(i)) - y.row(j)).cast<double>().squaredNorm()) / z;
      if (pij > 0) kl += pij * std::log(pij / q);
    }
  }
  EXPECT_NEAR(p->stats(y).cost, kl, 1e-4 * kl);
}

TEST(Tsne, WarmStartMovesLessThanColdStart) {
  std::vector<int> labels;
  const Matrix x0 = gaussian_blobs(5, 100, 20, 7, &labels);
  std::mt19937 rng(8);
  std::normal_distribution<float> g(0.f, 0.3f);
  Matrix x1 = x0;  // the "next epoch": the same points, moved a little
  for (Eigen::Index i = 0; i < x1.size(); ++i) x1.data()[i] += g(rng);
  const TsneOptions o{.iterations = 500, .threads = 2};
  const Matrix y0 = run_all(o, x0);
  const Matrix cold = run_all(o, x1);
  const Matrix warm = run_all(o, x1, &y0);
  auto o2 = o;
  o2.lambda = 1;
  const Matrix pulled = run_all(o2, x1, &y0);
  const double dc = (cold - y0).rowwise().norm().mean(), dw = (warm - y0).rowwise().norm().mean();
  const double dp = (pulled - y0).rowwise().norm().mean();
  std::printf("mean displacement: warm %.3f, warm + lambda 1 %.3f, cold %.3f\n", dw, dp, dc);
  EXPECT_LT(dw, 0.5 * dc);
  EXPECT_LT(dp, dw);
  EXPECT_GT(majority_accuracy(warm, labels), 0.95);
}

TEST(Tsne, UsesSharedNeighboursAndRejectsBadInput) {
  const Matrix x = gaussian_blobs(3, 50, 5, 9);
  auto nn = std::make_shared<const knn::NeighborList>(knn::build_knn(x, {.k = 100}));
  auto p = make_tsne({.iterations = 10});
  Matrix y = p->initialize({.data = &x, .neighbors = nn});
  p->run(y, 10);
  EXPECT_TRUE(y.allFinite());
  EXPECT_THROW(make_tsne({.dims = 4}), Error);
  EXPECT_THROW(make_tsne({.perplexity = -1}), Error);
  EXPECT_THROW(make_tsne()->initialize({}), Error);
  Matrix wrong(3, 2);
  EXPECT_THROW(make_tsne()->initialize({.data = &x, .warm_start = &wrong}), Error);
  Matrix bad_layout(5, 2);
  EXPECT_THROW(p->run(bad_layout, 20), Error);
}

TEST(Tsne, StartsFromAGivenLayout) {
  const Matrix x = gaussian_blobs(3, 60, 5, 12);
  const TsneOptions o{.early_iterations = 40, .iterations = 120};
  // The method's own PCA start, handed back as a given start: the same run, to the bit.
  const Matrix own = make_tsne(o)->initialize({.data = &x});
  auto p = make_tsne(o);
  Matrix y = p->initialize({.data = &x, .start = &own});
  EXPECT_EQ(y, own);  // used as given
  p->run(y, p->total_iterations());
  EXPECT_EQ(y, run_all(o, x));
  // Another start, another layout; a cold start still (the early phase runs).
  Matrix other = own;
  other.col(0).swap(other.col(1));
  auto q = make_tsne(o);
  Matrix z = q->initialize({.data = &x, .start = &other});
  EXPECT_EQ(q->total_iterations(), 120);
  q->run(z, q->total_iterations());
  EXPECT_NE(z, y);
  Matrix wrong(5, 2), bad = own;
  bad(2, 1) = std::nanf("");
  EXPECT_THROW(make_tsne(o)->initialize({.data = &x, .start = &wrong}), Error);
  EXPECT_THROW(make_tsne(o)->initialize({.data = &x, .start = &bad}), Error);
}

TEST(Tsne, TinyInputsWork) {
  const Matrix x = gaussian_blobs(2, 10, 3, 10);  // 20 points, perplexity clamped
  const Matrix y = run_all({.iterations = 300}, x);
  EXPECT_TRUE(y.allFinite());
}
