// Star coordinates: anchors, one-hot rows, normalisation, custom anchors and bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <random>

#include "epochscope/project/star.hpp"

namespace epochscope::project {
namespace {

Matrix softmax_rows(Eigen::Index n, Eigen::Index d, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.f, 3.f);
  Matrix x(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) x(i, j) = std::exp(g(rng));
    x.row(i) /= x.row(i).sum();
  }
  return x;
}

TEST(Star, DefaultAnchorsAreEvenlySpacedOnTheUnitCircle) {
  const Matrix a = default_star_anchors(10);
  ASSERT_EQ(a.rows(), 10);
  ASSERT_EQ(a.cols(), 2);
  for (int j = 0; j < 10; ++j) {
    EXPECT_NEAR(a.row(j).norm(), 1.f, 1e-6f);
    const int next = (j + 1) % 10;
    EXPECT_NEAR((a.row(next) - a.row(j)).norm(), 2 * std::sin(std::numbers::pi / 10), 1e-5);
  }
  EXPECT_NEAR(a(0, 0), 1.f, 1e-6f);
  EXPECT_NEAR(a(0, 1), 0.f, 1e-6f);
  EXPECT_THROW(default_star_anchors(0), Error);
}

TEST(Star, OneHotRowLandsOnItsAnchor) {
  Matrix x = softmax_rows(20, 10, 1);
  for (int c = 0; c < 10; ++c) {
    x.row(c).setZero();
    x(c, c) = 1.f;
  }
  auto p = make_star();
  const Matrix y = p->initialize({.data = &x});
  const Matrix a = default_star_anchors(10);
  for (int c = 0; c < 10; ++c) EXPECT_LT((y.row(c) - a.row(c)).norm(), 1e-6f) << "class " << c;
  EXPECT_EQ(p->total_iterations(), 0);
  EXPECT_TRUE(p->done());
  // A uniform row lands in the centre.
  Matrix u = Matrix::Constant(2, 10, 0.1f);
  EXPECT_LT(star_coordinates(u).norm(), 1e-6f);
}

TEST(Star, ProbabilityRowsAreNotNormalized) {
  const Matrix x = softmax_rows(50, 10, 2);
  EXPECT_TRUE(rows_are_probabilities(x));
  EXPECT_EQ(star_normalized(x), x);
  Matrix logits = x.array().log().matrix();
  EXPECT_FALSE(rows_are_probabilities(logits));
  EXPECT_FALSE(rows_are_probabilities(2 * x));
}

TEST(Star, HiddenLayersAreMinMaxNormalized) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-2.f, 30.f);
  Matrix x(40, 6);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) x(i, j) = u(rng);
  }
  x.col(4).setConstant(5.f);  // a dead unit
  const Matrix n = star_normalized(x);
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    if (j == 4) {
      EXPECT_EQ(n.col(j).cwiseAbs().maxCoeff(), 0.f);
      continue;
    }
    EXPECT_NEAR(n.col(j).minCoeff(), 0.f, 1e-6f);
    EXPECT_NEAR(n.col(j).maxCoeff(), 1.f, 1e-6f);
  }
  EXPECT_TRUE(star_coordinates(x).isApprox(n * default_star_anchors(6)));
  EXPECT_EQ(star_normalized(x, StarNormalize::never), x);
  // always: even probability rows get rescaled.
  const Matrix p = softmax_rows(30, 4, 4);
  EXPECT_NEAR(star_normalized(p, StarNormalize::always).colwise().maxCoeff().minCoeff(), 1.f, 1e-6f);
}

TEST(Star, CustomAnchorsAndQuickRecompute) {
  const Matrix x = softmax_rows(30, 5, 5);
  Matrix anchors = default_star_anchors(5);
  anchors.row(2) << 3.f, -1.f;  // the user dragged axis 2
  auto p = make_star({.anchors = anchors});
  const Matrix y = p->initialize({.data = &x});
  EXPECT_TRUE(y.isApprox(x * anchors));
  EXPECT_TRUE(star_layout(star_normalized(x), anchors).isApprox(y));
  Matrix anchors3 = Matrix::Random(5, 3);
  EXPECT_EQ(star_coordinates(x, {.anchors = anchors3}).cols(), 3);
}

TEST(Star, RejectsBadInput) {
  const Matrix x = softmax_rows(10, 5, 6);
  EXPECT_THROW(star_layout(x, default_star_anchors(4)), Error);
  EXPECT_THROW(star_layout(x, Matrix::Ones(5, 4)), Error);
  Matrix bad_anchors = default_star_anchors(5);
  bad_anchors(1, 1) = std::nanf("");
  EXPECT_THROW(star_layout(x, bad_anchors), Error);
  EXPECT_THROW(make_star({.anchors = Matrix::Ones(5, 1)}), Error);
  Matrix nan = x;
  nan(2, 2) = std::numeric_limits<float>::infinity();
  EXPECT_THROW(star_coordinates(nan), Error);
  EXPECT_THROW(star_coordinates(Matrix(0, 5)), Error);
  auto p = make_star();
  EXPECT_THROW(p->initialize({}), Error);
}

}  // namespace
}  // namespace epochscope::project
