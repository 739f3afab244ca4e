#include "epochscope/project/trajectory.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <string>

namespace epochscope::project {

TrajectoryPca trajectory_pca(const Matrix& sketches, int k) {
  const Eigen::Index s = sketches.rows(), d = sketches.cols();
  if (s < 2 || d < 1) throw Error("trajectory PCA needs at least 2 snapshots, got " + std::to_string(s));
  if (k < 1) throw Error("trajectory PCA needs at least 1 component");
  if (!sketches.allFinite()) throw Error("trajectory PCA: the snapshots hold NaN or Inf values");
  k = static_cast<int>(std::min<Eigen::Index>({static_cast<Eigen::Index>(k), s - 1, d}));
  const Eigen::MatrixXd x = sketches.cast<double>();
  const Eigen::MatrixXd xc = x.rowwise() - x.colwise().mean();
  const double total = xc.squaredNorm();
  TrajectoryPca out;
  out.coordinates.resize(s, k);
  Eigen::MatrixXd coords(s, k);
  Eigen::VectorXd values(k);
  if (s <= d) {
    // Gram: G = Xc Xc^T = U S^2 U^T, and the coordinates Xc W = U S.
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(xc * xc.transpose());
    if (eig.info() != Eigen::Success) throw Error("trajectory PCA: the eigensolver did not converge");
    for (int c = 0; c < k; ++c) {
      const double lambda = std::max(0.0, eig.eigenvalues()(s - 1 - c));
      values(c) = lambda;
      coords.col(c) = eig.eigenvectors().col(s - 1 - c) * std::sqrt(lambda);
    }
  } else {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(xc.transpose() * xc);
    if (eig.info() != Eigen::Success) throw Error("trajectory PCA: the eigensolver did not converge");
    for (int c = 0; c < k; ++c) {
      values(c) = std::max(0.0, eig.eigenvalues()(d - 1 - c));
      coords.col(c) = xc * eig.eigenvectors().col(d - 1 - c);
    }
  }
  for (int c = 0; c < k; ++c) {
    if (coords(s - 1, c) < 0) coords.col(c) = -coords.col(c);
    out.explained_ratio.push_back(total > 0 ? values(c) / total : 0.0);
  }
  out.coordinates = coords.cast<float>();
  return out;
}

}  // namespace epochscope::project
