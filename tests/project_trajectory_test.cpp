// The training trajectory's PCA (the sketches themselves are tested in store_test).
#include <gtest/gtest.h>

#include <Eigen/SVD>
#include <cmath>
#include <random>

#include "epochscope/project/trajectory.hpp"

using namespace epochscope;

TEST(TrajectoryPca, MatchesEigensSvdOnASmallCase) {
  std::mt19937 rng(5);
  std::normal_distribution<float> g(0.f, 1.f);
  for (const auto& [s, d] : {std::pair{9, 20}, std::pair{30, 6}}) {  // the Gram path and the covariance path
    Matrix x(s, d);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = g(rng) * static_cast<float>(1 + i % 3);
    const auto pca = project::trajectory_pca(x, 4);
    ASSERT_EQ(pca.coordinates.rows(), s);
    ASSERT_EQ(pca.coordinates.cols(), 4);
    const Eigen::MatrixXd xc = x.cast<double>().rowwise() - x.cast<double>().colwise().mean();
    Eigen::JacobiSVD<Eigen::MatrixXd> svd(xc, Eigen::ComputeThinU | Eigen::ComputeThinV);
    for (int c = 0; c < 4; ++c) {
      Eigen::VectorXd ref = svd.matrixU().col(c) * svd.singularValues()(c);
      if (ref(s - 1) < 0) ref = -ref;  // the same sign rule
      EXPECT_LT((pca.coordinates.col(c).cast<double>() - ref).cwiseAbs().maxCoeff(), 1e-3 * (1 + ref.cwiseAbs().maxCoeff()))
          << s << "x" << d << " component " << c;
      EXPECT_NEAR(pca.explained_ratio[static_cast<std::size_t>(c)],
                  svd.singularValues()(c) * svd.singularValues()(c) / xc.squaredNorm(), 1e-6);
    }
    EXPECT_GE(pca.coordinates(s - 1, 0), 0.0f);
  }
  EXPECT_THROW(project::trajectory_pca(Matrix::Zero(1, 5)), Error);
  Matrix bad = Matrix::Zero(3, 5);
  bad(1, 1) = std::nanf("");
  EXPECT_THROW(project::trajectory_pca(bad), Error);
  // k is capped by the snapshots: 3 snapshots have 2 components.
  EXPECT_EQ(project::trajectory_pca(Matrix::Random(3, 8), 12).coordinates.cols(), 2);
}
