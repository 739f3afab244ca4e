// PCA: against Eigen's SVD (both the exact and the subspace-iteration paths), the two frame modes,
// basis alignment, cluster separation and bad input.
#include <gtest/gtest.h>

#include <Eigen/SVD>
#include <cmath>
#include <random>

#include "blobs.hpp"
#include "epochscope/knn/neighbors.hpp"
#include "epochscope/project/pca.hpp"
#include "epochscope/project/quality.hpp"

namespace epochscope::project {
using epochscope::testing::blobs;

namespace {

// n points in d dims with standard deviations decaying as 1 / (1 + j / 2), plus an offset.
Matrix anisotropic(Eigen::Index n, Eigen::Index d, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> g(0.f, 1.f);
  Matrix x(n, d);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < d; ++j) x(i, j) = 3.f + g(rng) * 4.f / (1.f + 0.5f * static_cast<float>(j));
  }
  // Mix the axes so the components are not the coordinate axes.
  const Eigen::MatrixXf q = Eigen::HouseholderQR<Eigen::MatrixXf>(Eigen::MatrixXf::Random(d, d)).householderQ();
  return x * q;
}


// Compares a basis with the SVD of the (optionally standardised) centred data.
void expect_matches_svd(const Matrix& x, int dims, bool standardize, double tol) {
  const PcaBasis b = fit_pca(x, dims, standardize);
  Eigen::MatrixXd xc = x.cast<double>().rowwise() - x.cast<double>().colwise().mean();
  if (standardize) {
    for (Eigen::Index j = 0; j < xc.cols(); ++j) xc.col(j) /= std::sqrt(xc.col(j).squaredNorm() / double(x.rows() - 1));
  }
  Eigen::BDCSVD<Eigen::MatrixXd> svd(xc, Eigen::ComputeThinV);
  const double total = xc.squaredNorm() / double(x.rows() - 1);
  ASSERT_EQ(b.components.rows(), x.cols());
  ASSERT_EQ(b.components.cols(), dims);
  ASSERT_EQ(b.explained_variance.size(), std::size_t(dims));
  for (int c = 0; c < dims; ++c) {
    const double ev = svd.singularValues()(c) * svd.singularValues()(c) / double(x.rows() - 1);
    EXPECT_NEAR(b.explained_variance[std::size_t(c)], ev, tol * ev) << "component " << c;
    EXPECT_NEAR(b.explained_variance_ratio[std::size_t(c)], ev / total, tol) << "component " << c;
    // Same direction up to sign.
    EXPECT_NEAR(std::abs(b.components.col(c).cast<double>().dot(svd.matrixV().col(c))), 1.0, tol) << "component " << c;
  }
  // Orthonormal columns.
  const Eigen::MatrixXf gram = b.components.transpose() * b.components;
  EXPECT_TRUE(gram.isApprox(Eigen::MatrixXf::Identity(dims, dims), 1e-4f));
}

TEST(Pca, MatchesSvdExactPath) { expect_matches_svd(anisotropic(400, 20, 1), 3, false, 1e-4); }

TEST(Pca, MatchesSvdStandardized) { expect_matches_svd(anisotropic(400, 20, 2), 2, true, 1e-4); }

TEST(Pca, MatchesSvdSubspacePath) {  // D > 256 takes the subspace iteration
  expect_matches_svd(anisotropic(500, 300, 3), 3, false, 1e-3);
}

TEST(Pca, ApplyIsCentredProjection) {
  const Matrix x = anisotropic(100, 8, 4);
  const PcaBasis b = fit_pca(x, 2, true);
  const Matrix y = apply_pca(b, x);
  const Matrix expected = ((x.rowwise() - b.mean).array().rowwise() / b.scale.array()).matrix() * b.components;
  EXPECT_TRUE(y.isApprox(expected, 1e-4f));
  EXPECT_LT(y.colwise().mean().cwiseAbs().maxCoeff(), 1e-3f);
}

TEST(Pca, SameDataSameBasis) {
  const Matrix x = anisotropic(200, 300, 5);
  const PcaBasis a = fit_pca(x, 3), b = fit_pca(x, 3);
  EXPECT_EQ(a.components, b.components);
}

TEST(Pca, AlignBasisUndoesPermutationAndFlips) {
  const PcaBasis ref = fit_pca(anisotropic(300, 10, 6), 3);
  PcaBasis moved = ref;
  moved.components.col(0) = -ref.components.col(2);
  moved.components.col(1) = ref.components.col(0);
  moved.components.col(2) = -ref.components.col(1);
  moved.explained_variance = {ref.explained_variance[2], ref.explained_variance[0], ref.explained_variance[1]};
  moved.explained_variance_ratio = {ref.explained_variance_ratio[2], ref.explained_variance_ratio[0],
                                    ref.explained_variance_ratio[1]};
  align_basis(moved, ref);
  EXPECT_EQ(moved.components, ref.components);
  EXPECT_EQ(moved.explained_variance, ref.explained_variance);
  PcaBasis wrong = fit_pca(anisotropic(300, 11, 6), 3);
  EXPECT_THROW(align_basis(wrong, ref), Error);
}

TEST(Pca, PerFrameModeFollowsThePreviousBasis) {
  const Matrix x = anisotropic(300, 10, 7);
  PcaProjection first({.dims = 2});
  first.initialize({.data = &x});
  // A previous frame whose basis had its components swapped and one of them flipped: the new
  // frame's basis follows it.
  PcaBasis previous = first.basis();
  previous.components.col(0) = first.basis().components.col(1);
  previous.components.col(1) = -first.basis().components.col(0);
  const Matrix x1 = x + 0.01f * anisotropic(300, 10, 17);
  PcaProjection second({.dims = 2, .previous_basis = previous});
  const Matrix y1 = second.initialize({.data = &x1});
  EXPECT_GT(second.basis().components.col(0).dot(previous.components.col(0)), 0.99f);
  EXPECT_GT(second.basis().components.col(1).dot(previous.components.col(1)), 0.99f);
  EXPECT_EQ(second.basis().explained_variance[1], fit_pca(x1, 2).explained_variance[0]);
  EXPECT_TRUE(y1.isApprox(apply_pca(second.basis(), x1)));
  EXPECT_TRUE(second.done());
  EXPECT_EQ(second.total_iterations(), 0);
  EXPECT_GT(second.stats(y1).cost, 0.5);
}

TEST(Pca, FixedBasisModeAppliesTheReference) {
  const Matrix reference = anisotropic(300, 10, 8), frame = anisotropic(200, 10, 9);
  const PcaBasis b = fit_pca(reference, 2);
  auto p = make_pca({.dims = 2, .fixed_basis = b});
  EXPECT_EQ(p->initialize({.data = &frame}), apply_pca(b, frame));
}

TEST(Pca, SeparatesBlobs) {
  std::vector<std::uint8_t> labels;
  const Matrix x = blobs(100, 20, labels);
  auto p = make_pca({.dims = 2});
  const Matrix y = p->initialize({.data = &x});
  ASSERT_TRUE(y.allFinite());
  const auto q = evaluate_layout(y, knn::build_knn(x, {.k = 10}), labels);
  EXPECT_GT(q.knn_accuracy, 0.95);
}

TEST(Pca, RejectsBadInput) {
  Matrix one = Matrix::Ones(1, 4);
  EXPECT_THROW(fit_pca(one, 2), Error);
  Matrix x = anisotropic(20, 4, 10);
  EXPECT_THROW(fit_pca(x, 5), Error);
  EXPECT_THROW(fit_pca(x, 0), Error);
  EXPECT_THROW(make_pca({.dims = 4}), Error);
  const PcaBasis b = fit_pca(x, 2);
  EXPECT_THROW(apply_pca(b, anisotropic(20, 5, 10)), Error);
  x(3, 2) = std::nanf("");
  EXPECT_THROW(fit_pca(x, 2), Error);
  auto p = make_pca({});
  EXPECT_THROW(p->initialize({}), Error);
}

TEST(Pca, ConstantDimensionsStandardizeSafely) {
  Matrix x = anisotropic(50, 5, 11);
  x.col(2).setConstant(7.f);
  const PcaBasis b = fit_pca(x, 2, true);
  EXPECT_EQ(b.scale(2), 1.f);
  EXPECT_TRUE(apply_pca(b, x).allFinite());
}

}  // namespace
}  // namespace epochscope::project
