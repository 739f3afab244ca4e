// Layout quality: recall, k-NN accuracy (ties to the nearest), displacement and neighbourhood change;
// trustworthiness, continuity and the Spearman correlation of distances (rank_quality).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "blobs.hpp"
#include "epochscope/project/quality.hpp"
#include "epochscope/project/rank_quality.hpp"

namespace epochscope::project {
using epochscope::testing::blobs;

namespace {


TEST(Quality, LayoutEqualToTheInputIsPerfect) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(100, 2, labels);
  const knn::NeighborList original = knn::build_knn(x, {.k = 10});
  const LayoutQuality q = evaluate_layout(x, original, labels, &x);
  EXPECT_DOUBLE_EQ(q.recall_at_10, 1.0);
  EXPECT_GT(q.knn_accuracy, 0.95);
  EXPECT_EQ(q.displacement, 0.0);
  // Also for a 20-d "layout" (the metric does not care about the layout's dimension).
  const Matrix x20 = blobs(100, 20, labels);
  EXPECT_DOUBLE_EQ(evaluate_layout(x20, knn::build_knn(x20, {.k = 10}), labels).recall_at_10, 1.0);
}

TEST(Quality, RandomLayoutScoresLow) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(100, 20, labels);
  const Matrix noise = Matrix::Random(x.rows(), 2);
  const LayoutQuality q = evaluate_layout(noise, knn::build_knn(x, {.k = 10}), labels);
  EXPECT_LT(q.recall_at_10, 0.1);
  EXPECT_LT(q.knn_accuracy, 0.5);
  EXPECT_TRUE(std::isnan(q.displacement));
  EXPECT_TRUE(std::isnan(evaluate_layout(noise, knn::build_knn(x, {.k = 10}), {}).knn_accuracy));
}

TEST(Quality, DisplacementIsMeanMoveOverRmsSize) {
  Matrix y(4, 2);
  y << 1, 0, -1, 0, 0, 1, 0, -1;  // RMS distance to the centroid: 1
  Matrix moved = y;
  moved.rowwise() += Eigen::RowVector2f(0.3f, 0.4f);  // every point moves 0.5
  EXPECT_NEAR(layout_displacement(moved, y), 0.5, 1e-6);
  EXPECT_NEAR(layout_displacement(3 * moved, 3 * y), 0.5, 1e-6);  // scale-free
  EXPECT_EQ(layout_displacement(y, y), 0.0);
  EXPECT_THROW(layout_displacement(y, Matrix::Zero(3, 2)), Error);
}

TEST(Quality, VoteTiesGoToTheNearest) {
  std::vector<std::uint8_t> labels = {1, 2, 0, 1, 2, 2, 1, 0, 0, 0};
  knn::NeighborList nl;
  nl.n = 10;
  nl.k = 4;
  nl.indices = {3, 4, 5, 6,   // point 0 (1): labels 1 2 2 1, a tie, 1 is nearest: right
                4, 2, 7, 5,   // point 1 (2): labels 2 0 0 2, a tie, 2 is nearest: right
                3, 6, 7, 8};  // point 2 (0): labels 1 1 0 0, a tie, 1 is nearest: wrong
  for (std::int32_t i = 3; i < 10; ++i) {  // the first four of {2, 7, 8, 9, 3} other than i: label 0 wins
    int taken = 0;
    for (std::int32_t j : {2, 7, 8, 9, 3}) {
      if (j != i && taken < 4) nl.indices.push_back(j), ++taken;
    }
  }
  nl.distances.assign(40, 1.f);
  EXPECT_NEAR(knn_accuracy(nl, labels, 4), 0.5, 1e-12);  // points 0, 1, 7, 8, 9
  labels[0] = 2;                                        // the tie still goes to 1: now wrong
  EXPECT_NEAR(knn_accuracy(nl, labels, 4), 0.4, 1e-12);
  EXPECT_NEAR(knn_accuracy(nl, labels, 1), 0.4, 1e-12);  // nearest only: points 1, 7, 8, 9
  std::vector<std::uint8_t> three = {1, 2, 1};
  EXPECT_THROW(knn_accuracy(nl, three, 4), Error);
}

TEST(Quality, RejectsBadInput) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(20, 2, labels);
  const knn::NeighborList original = knn::build_knn(x, {.k = 10});
  EXPECT_THROW(evaluate_layout(x.topRows(50), original, {}), Error);
  Matrix nan = x;
  nan(1, 1) = std::nanf("");
  EXPECT_THROW(evaluate_layout(nan, original, labels), Error);
  std::vector<std::uint8_t> short_labels(10, 0);
  EXPECT_THROW(evaluate_layout(x, original, short_labels), Error);
}

TEST(Quality, NeighbourhoodChangeIsTheShareOfNewNeighbours) {
  knn::NeighborList before, now;
  before.k = now.k = 2;
  before.n = now.n = 5;
  before.indices = {1, 2, /**/ 0, 2, /**/ 0, 1, /**/ 2, 1, /**/ 0, 1};
  now.indices = {2, 1, /**/ 0, 2, /**/ 3, 1, /**/ 0, 4, /**/ 0, 1};
  before.distances = now.distances = std::vector<float>(10, 1.0f);
  const auto c = neighbourhood_change(now, before, 10);  // k capped at the lists' 2
  ASSERT_EQ(c.size(), 5u);
  EXPECT_FLOAT_EQ(c[0], 0.0f);  // the same two, in another order
  EXPECT_FLOAT_EQ(c[1], 0.0f);
  EXPECT_FLOAT_EQ(c[2], 0.5f);  // one of two new
  EXPECT_FLOAT_EQ(c[3], 1.0f);  // both new
  EXPECT_FLOAT_EQ(neighbourhood_change(now, before, 1)[0], 1.0f);  // nearest only: 2 was 1
  before.n = 4;
  EXPECT_TRUE(neighbourhood_change(now, before).empty());
  EXPECT_TRUE(neighbourhood_change(now, now, 0).empty());
}

}  // namespace

// Trustworthiness straight from the definition: every point's full ranking in the data.
double brute_trustworthiness(const Matrix& data, const Matrix& layout, int k) {
  const auto n = static_cast<std::size_t>(data.rows());
  auto order_from = [](const Matrix& x, std::size_t i) {
    std::vector<std::pair<double, std::size_t>> d;
    for (std::size_t m = 0; m < static_cast<std::size_t>(x.rows()); ++m) {
      if (m != i) d.push_back({(x.row(static_cast<Eigen::Index>(i)) - x.row(static_cast<Eigen::Index>(m))).cast<double>().squaredNorm(), m});
    }
    std::sort(d.begin(), d.end());
    std::vector<std::size_t> order;
    for (const auto& p : d) order.push_back(p.second);
    return order;
  };
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto high = order_from(data, i), low = order_from(layout, i);
    for (int j = 0; j < k; ++j) {
      const auto it = std::find(high.begin(), high.end(), low[static_cast<std::size_t>(j)]);
      const auto rank = static_cast<double>(it - high.begin()) + 1.0;
      if (rank > k) total += rank - k;
    }
  }
  const double nd = static_cast<double>(n), kd = k;
  return 1.0 - 2.0 / (nd * kd * (2 * nd - 3 * kd - 1)) * total;
}

TEST(RankQuality, EqualsTheDefinitionOn500Points) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(100, 12, labels);  // 500 points, 12-d
  std::mt19937 rng(9);
  std::normal_distribution<float> g(0.f, 1.f);
  Matrix y(x.rows(), 2);  // a poor but not random layout: the first two dimensions plus noise
  for (Eigen::Index i = 0; i < x.rows(); ++i) y.row(i) << x(i, 0) + 2 * g(rng), x(i, 1) + 2 * g(rng);
  const auto xn = knn::build_knn(x, {.k = 10}), yn = knn::build_knn(y, {.k = 10});
  const RankQuality q = rank_quality(x, y, xn, yn, {.k = 10, .threads = 2});
  EXPECT_NEAR(q.trustworthiness, brute_trustworthiness(x, y, 10), 1e-12);
  EXPECT_NEAR(q.continuity, brute_trustworthiness(y, x, 10), 1e-12);
  EXPECT_GT(q.trustworthiness, 0.6);
  EXPECT_LT(q.trustworthiness, 0.99);
  // The thread count does not change the figures.
  EXPECT_EQ(rank_quality(x, y, xn, yn, {.k = 10, .threads = 1}).trustworthiness, q.trustworthiness);
  // A layout on a coarse grid (many exactly tied distances; the index decides, as in the lists) and
  // data far from the origin (the single-precision screen's worst case: large norms, small gaps).
  const Matrix grid = y.array().round();
  const Matrix far = (x.array() + 1000.0f).matrix();
  const auto gn = knn::build_knn(grid, {.k = 10}), fn = knn::build_knn(far, {.k = 10});
  EXPECT_NEAR(rank_agreement(grid, gn, xn, 10, 2), brute_trustworthiness(grid, x, 10), 1e-12);
  EXPECT_NEAR(rank_agreement(far, fn, yn, 10, 2), brute_trustworthiness(far, y, 10), 1e-12);
}

TEST(RankQuality, KnownCases) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(80, 6, labels);
  const auto xn = knn::build_knn(x, {.k = 10});
  // A layout equal to the data (or a scaled copy): nothing intrudes, nothing is torn, rho 1.
  const Matrix same = 3.0f * x;
  const RankQuality q = rank_quality(x, same, xn, knn::build_knn(same, {.k = 10}));
  EXPECT_DOUBLE_EQ(q.trustworthiness, 1.0);
  EXPECT_DOUBLE_EQ(q.continuity, 1.0);
  EXPECT_NEAR(q.spearman, 1.0, 1e-9);
  // A random layout: near 0.5 both ways, rho near 0.
  const Matrix noise = Matrix::Random(x.rows(), 2);
  const RankQuality r = rank_quality(x, noise, xn, knn::build_knn(noise, {.k = 10}));
  EXPECT_NEAR(r.trustworthiness, 0.5, 0.05);
  EXPECT_NEAR(r.continuity, 0.5, 0.05);
  EXPECT_NEAR(r.spearman, 0.0, 0.05);
  // The sample is fixed by its seed.
  EXPECT_EQ(distance_spearman(x, noise, 50, 4), distance_spearman(x, noise, 50, 4));
  EXPECT_THROW(rank_quality(x, Matrix::Zero(3, 2), xn, xn), Error);
  EXPECT_THROW(rank_agreement(x.topRows(12), knn::build_knn(x.topRows(12), {.k = 10}), knn::build_knn(x.topRows(12), {.k = 10}), 10), Error);
}

TEST(RankQuality, SampledEstimateIsCloseAndFixedBySeed) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(400, 12, labels);  // 2,000 points
  std::mt19937 rng(3);
  std::normal_distribution<float> g(0.f, 1.f);
  Matrix y(x.rows(), 2);
  for (Eigen::Index i = 0; i < x.rows(); ++i) y.row(i) << x(i, 0) + 2 * g(rng), x(i, 1) + 2 * g(rng);
  const auto xn = knn::build_knn(x, {.k = 10}), yn = knn::build_knn(y, {.k = 10});
  const RankQuality exact = rank_quality(x, y, xn, yn, {.threads = 2});
  EXPECT_EQ(exact.ranked, 2000u);
  const RankQuality sampled = rank_quality(x, y, xn, yn, {.rank_points = 500, .threads = 2});
  EXPECT_EQ(sampled.ranked, 500u);
  EXPECT_NE(sampled.trustworthiness, exact.trustworthiness);  // an estimate, not the exact sum
  EXPECT_NEAR(sampled.trustworthiness, exact.trustworthiness, 0.01);
  EXPECT_NEAR(sampled.continuity, exact.continuity, 0.01);
  EXPECT_EQ(rank_quality(x, y, xn, yn, {.rank_points = 500, .threads = 1}).trustworthiness, sampled.trustworthiness);
  // A sample as large as the data is the exact figure.
  EXPECT_EQ(rank_quality(x, y, xn, yn, {.rank_points = 2000, .threads = 2}).trustworthiness, exact.trustworthiness);
}

}  // namespace epochscope::project
