// Procrustes alignment: recovers known similarity transforms, honours the options, rejects bad input.
#include <gtest/gtest.h>

#include <Eigen/Geometry>
#include <cmath>
#include <random>

#include "epochscope/project/align.hpp"

namespace epochscope::project {
namespace {

Matrix random_layout(Eigen::Index n, Eigen::Index d, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.f, 5.f);
  Matrix x(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) x(i, j) = g(rng);
  }
  return x;
}

TEST(Procrustes, RecoversRotationReflectionScaleTranslation2d) {
  const Matrix x = random_layout(200, 2, 1);
  const float angle = 1.1f;
  Eigen::Matrix2f r;
  r << std::cos(angle), std::sin(angle), -std::sin(angle), std::cos(angle);
  Eigen::Matrix2f flip = Eigen::Matrix2f::Identity();
  flip(1, 1) = -1;
  const Eigen::Matrix2f t = flip * r;  // det -1: a reflection
  const Eigen::RowVector2f shift(7.f, -3.f);
  Matrix reference = 2.5f * x * t;
  reference.rowwise() += shift;
  const ProcrustesFit fit = fit_procrustes(x, reference);
  EXPECT_LT((fit.aligned - reference).cwiseAbs().maxCoeff(), 1e-3f);
  EXPECT_NEAR(fit.scale, 2.5f, 1e-4f);
  EXPECT_LT(fit.rms_error, 1e-3);
  EXPECT_NEAR(fit.rotation.determinant(), -1.f, 1e-5f);
  // The fitted map sends the layout's own centroid to the reference's centroid.
  EXPECT_LT((fit.translation - reference.colwise().mean()).norm(), 1e-4f);
  EXPECT_TRUE(align_to(x, reference).isApprox(fit.aligned));
}

TEST(Procrustes, RecoversA3dRotationWithNoise) {
  const Matrix x = random_layout(300, 3, 2);
  const Eigen::Matrix3f r = Eigen::AngleAxisf(0.7f, Eigen::Vector3f(1, 2, 3).normalized()).toRotationMatrix();
  Matrix reference = 0.5f * x * r + 0.01f * random_layout(300, 3, 3);
  reference.rowwise() += Eigen::RowVector3f(1, 2, 3);
  const ProcrustesFit fit = fit_procrustes(x, reference);
  EXPECT_TRUE(fit.rotation.isApprox(r, 1e-3f));
  EXPECT_NEAR(fit.scale, 0.5f, 1e-3f);
  EXPECT_LT(fit.rms_error, 0.1);
}

TEST(Procrustes, OptionsDisallowScalingAndReflection) {
  const Matrix x = random_layout(100, 2, 4);
  Matrix mirrored = 3.f * x;
  mirrored.col(0) *= -1;
  const ProcrustesFit fixed_size = fit_procrustes(x, mirrored, {.allow_scaling = false});
  EXPECT_EQ(fixed_size.scale, 1.f);
  // Same size as the input layout: centred norms agree.
  const Matrix centred = fixed_size.aligned.rowwise() - fixed_size.aligned.colwise().mean();
  const Matrix x_centred = x.rowwise() - x.colwise().mean();
  EXPECT_NEAR(centred.norm(), x_centred.norm(), 1e-3f * x_centred.norm());
  const ProcrustesFit no_mirror = fit_procrustes(x, mirrored, {.allow_reflection = false});
  EXPECT_NEAR(no_mirror.rotation.determinant(), 1.f, 1e-5f);
  EXPECT_GT(no_mirror.rms_error, fit_procrustes(x, mirrored).rms_error + 1.0);
}

TEST(Procrustes, IdentityAndDegenerateLayouts) {
  const Matrix x = random_layout(50, 2, 5);
  EXPECT_LT((align_to(x, x) - x).cwiseAbs().maxCoeff(), 1e-4f);
  const Matrix collapsed = Matrix::Constant(50, 2, 4.f);
  const Matrix aligned = align_to(collapsed, x);  // nothing to rotate: moved onto the centroid
  ASSERT_TRUE(aligned.allFinite());
  EXPECT_LT((aligned.row(0) - x.colwise().mean()).norm(), 1e-4f);
}

TEST(Procrustes, RejectsBadInput) {
  const Matrix x = random_layout(10, 2, 6);
  EXPECT_THROW(fit_procrustes(x, random_layout(11, 2, 6)), Error);
  EXPECT_THROW(fit_procrustes(x, random_layout(10, 3, 6)), Error);
  EXPECT_THROW(fit_procrustes(random_layout(1, 2, 6), random_layout(1, 2, 7)), Error);
  EXPECT_THROW(fit_procrustes(random_layout(10, 4, 6), random_layout(10, 4, 7)), Error);
  Matrix nan = x;
  nan(0, 0) = std::nanf("");
  EXPECT_THROW(fit_procrustes(nan, x), Error);
  EXPECT_THROW(fit_procrustes(x, nan), Error);
}

}  // namespace
}  // namespace epochscope::project
