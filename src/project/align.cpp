#include "epochscope/project/align.hpp"

#include <Eigen/LU>
#include <Eigen/SVD>
#include <cmath>
#include <string>

namespace epochscope::project {

ProcrustesFit fit_procrustes(const Matrix& layout, const Matrix& reference, const ProcrustesOptions& options) {
  if (layout.rows() != reference.rows() || layout.cols() != reference.cols()) {
    throw Error("Procrustes: layout is " + std::to_string(layout.rows()) + " x " + std::to_string(layout.cols()) +
                ", reference is " + std::to_string(reference.rows()) + " x " + std::to_string(reference.cols()));
  }
  if (layout.rows() < 2) throw Error("Procrustes: needs at least 2 points");
  if (layout.cols() < 1 || layout.cols() > 3) {
    throw Error("Procrustes: dims must be 1..3, got " + std::to_string(layout.cols()));
  }
  if (!layout.allFinite() || !reference.allFinite()) throw Error("Procrustes: a layout holds NaN or Inf values");

  const Eigen::Index n = layout.rows(), d = layout.cols();
  const Eigen::RowVectorXd mean_y = layout.cast<double>().colwise().mean();
  const Eigen::RowVectorXd mean_r = reference.cast<double>().colwise().mean();
  // Cross-covariance M = Yc^T Rc and the layout's spread, in double.
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(d, d);
  double spread = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::RowVectorXd y = layout.row(i).cast<double>() - mean_y;
    const Eigen::RowVectorXd r = reference.row(i).cast<double>() - mean_r;
    m.noalias() += y.transpose() * r;
    spread += y.squaredNorm();
  }
  // max tr(R^T M) over orthogonal R: M = U S V^T, R = U V^T (flip the weakest axis to keep det +1).
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(m, Eigen::ComputeFullU | Eigen::ComputeFullV);
  Eigen::VectorXd sv = svd.singularValues();
  Eigen::MatrixXd u = svd.matrixU();
  if (!options.allow_reflection && (u * svd.matrixV().transpose()).determinant() < 0) {
    u.col(d - 1) *= -1;
    sv(d - 1) *= -1;
  }
  const Eigen::MatrixXd rot = u * svd.matrixV().transpose();
  double scale = 1;
  if (options.allow_scaling && spread > 0) scale = sv.sum() / spread;

  ProcrustesFit fit;
  fit.rotation = rot.cast<float>();
  fit.scale = static_cast<float>(scale);
  fit.translation = mean_r.cast<float>();
  const Eigen::MatrixXd t = scale * rot;
  fit.aligned.resize(n, d);
  double err = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::RowVectorXd a = (layout.row(i).cast<double>() - mean_y) * t + mean_r;
    fit.aligned.row(i) = a.cast<float>();
    err += (a - reference.row(i).cast<double>()).squaredNorm();
  }
  fit.rms_error = std::sqrt(err / static_cast<double>(n));
  return fit;
}

Matrix align_to(const Matrix& layout, const Matrix& reference, const ProcrustesOptions& options) {
  return fit_procrustes(layout, reference, options).aligned;
}

}  // namespace epochscope::project
