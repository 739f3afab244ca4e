// The training trajectory: parameter sketches and their PCA.
#include <gtest/gtest.h>

#include <Eigen/SVD>
#include <cmath>
#include <random>

#include "epochscope/project/trajectory.hpp"
#include "epochscope/store/trajectory.hpp"

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

TEST(ParameterSketch, KeepsDistancesAndIsTheSameEveryTime) {
  std::mt19937 rng(9);
  std::normal_distribution<float> g(0.f, 1.f);
  constexpr std::size_t kParams = 20000;
  std::vector<std::vector<float>> thetas(6, std::vector<float>(kParams));
  for (auto& t : thetas) {
    for (auto& v : t) v = g(rng);
  }
  std::vector<std::vector<float>> sketches;
  for (const auto& t : thetas) sketches.push_back(project::sketch_parameters(t));
  EXPECT_EQ(sketches[0].size(), static_cast<std::size_t>(project::kSketchDims));
  EXPECT_EQ(project::sketch_parameters(thetas[0]), sketches[0]);  // deterministic
  EXPECT_NE(project::sketch_parameters(thetas[0], project::kSketchDims, 7), sketches[0]);  // seeded
  // Pairwise distances within 1 +/- 3/sqrt(256) of the parameters' (a JL embedding; 3 sigma).
  for (std::size_t a = 0; a < thetas.size(); ++a) {
    for (std::size_t b = a + 1; b < thetas.size(); ++b) {
      double dt = 0, ds = 0;
      for (std::size_t j = 0; j < kParams; ++j) dt += std::pow(thetas[a][j] - thetas[b][j], 2.0);
      for (std::size_t j = 0; j < sketches[a].size(); ++j) ds += std::pow(sketches[a][j] - sketches[b][j], 2.0);
      EXPECT_NEAR(std::sqrt(ds / dt), 1.0, 3.0 / std::sqrt(256.0)) << a << "," << b;
    }
  }
  // Linear: a straight path in parameter space stays straight in the sketch.
  std::vector<float> mid(kParams);
  for (std::size_t j = 0; j < kParams; ++j) mid[j] = 0.5f * (thetas[0][j] + thetas[1][j]);
  const auto sm = project::sketch_parameters(mid);
  for (std::size_t i = 0; i < sm.size(); ++i) EXPECT_NEAR(sm[i], 0.5f * (sketches[0][i] + sketches[1][i]), 1e-3f);
  EXPECT_THROW(project::sketch_parameters(thetas[0], 2), Error);
}

TEST(Trajectory, AppendsAndHandsOutWhatIsNew) {
  store::Trajectory t;
  EXPECT_EQ(t.size(), 0u);
  for (int i = 0; i < 5; ++i) t.append({i, i / 2, 1.0f / static_cast<float>(i + 1), {static_cast<float>(i)}});
  EXPECT_EQ(t.size(), 5u);
  const auto tail = t.since(3);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].step, 3);
  EXPECT_TRUE(t.since(9).empty());
  // Runs stack row after row for one shared basis; differently sketched runs are refused.
  const auto a = t.since(0), b = t.since(3);
  const std::vector<const std::vector<store::TrajectoryPoint>*> runs{&a, &b};
  const Matrix m = project::stack_sketches(runs);
  ASSERT_EQ(m.rows(), 7);
  EXPECT_EQ(m(5, 0), 3.0f);
  auto odd = b;
  odd[0].sketch.push_back(1.0f);
  const std::vector<const std::vector<store::TrajectoryPoint>*> mixed{&a, &odd};
  EXPECT_THROW(project::stack_sketches(mixed), Error);
}

TEST(Trajectory, HeldOutLossAlongTheSnapshots) {
  // Step 0 before training, steps 1-4 in epoch 1, steps 5-8 in epoch 2; frames 0, 1, 2 end at
  // steps 0, 4 and 8.
  std::vector<store::TrajectoryPoint> pts;
  for (int s = 0; s <= 8; ++s) pts.push_back({s, s == 0 ? 0 : (s + 3) / 4, 1.0f, {0.0f}});
  const std::vector<float> loss{2.0f, 1.0f, 0.5f};
  const auto h = project::heldout_loss_at_snapshots(pts, loss);
  ASSERT_EQ(h.size(), pts.size());
  EXPECT_FLOAT_EQ(h[0], 2.0f);
  EXPECT_FLOAT_EQ(h[2], 1.5f);
  EXPECT_FLOAT_EQ(h[4], 1.0f);
  EXPECT_FLOAT_EQ(h[6], 0.75f);
  EXPECT_FLOAT_EQ(h[8], 0.5f);
  // Only two frames so far: the snapshots after frame 1's step keep its loss.
  const auto partial = project::heldout_loss_at_snapshots(pts, std::span(loss).first(2));
  EXPECT_FLOAT_EQ(partial[7], 1.0f);
  EXPECT_TRUE(project::heldout_loss_at_snapshots(pts, {}).empty());
}
