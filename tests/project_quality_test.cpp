// Layout quality: recall, k-NN accuracy (ties to the nearest), displacement and neighbourhood change.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "blobs.hpp"
#include "epochscope/project/quality.hpp"

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
}  // namespace epochscope::project
