#include "epochscope/project/pca.hpp"
#include "epochscope/core/random.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>

namespace epochscope::project {
namespace {

constexpr Eigen::Index kExactMaxDims = 256;  // above this, subspace iteration on the data
constexpr Eigen::Index kOversample = 10;
constexpr int kMaxSubspaceIterations = 60;

using MatrixD = Eigen::MatrixXd;

// Top `dims` eigenpairs of the covariance (D x D) of the centred, scaled data xc (N x D), largest
// first, via the full symmetric eigensolver.
void exact_eigen(const Matrix& xc, Eigen::Index dims, MatrixD& vectors, Eigen::VectorXd& values) {
  const Eigen::Index d = xc.cols();
  Eigen::MatrixXf cov = Eigen::MatrixXf::Zero(d, d);
  cov.selfadjointView<Eigen::Lower>().rankUpdate(xc.transpose(), 1.0f / static_cast<float>(xc.rows() - 1));
  const MatrixD covd = cov.cast<double>().selfadjointView<Eigen::Lower>();
  Eigen::SelfAdjointEigenSolver<MatrixD> solver(covd);
  if (solver.info() != Eigen::Success) throw Error("PCA: the eigensolver did not converge");
  vectors.resize(d, dims);
  values.resize(dims);
  for (Eigen::Index c = 0; c < dims; ++c) {  // eigenvalues come in increasing order
    vectors.col(c) = solver.eigenvectors().col(d - 1 - c);
    values(c) = std::max(0.0, solver.eigenvalues()(d - 1 - c));
  }
}

// The same by subspace iteration: Z <- orth(Xc^T Xc Z), Rayleigh-Ritz on span(Z) each step.
void subspace_eigen(const Matrix& xc, Eigen::Index dims, MatrixD& vectors, Eigen::VectorXd& values) {
  const Eigen::Index d = xc.cols();
  const Eigen::Index l = std::min(d, dims + kOversample);
  const double denom = static_cast<double>(xc.rows() - 1);
  // A fixed pseudo-random start (splitmix64), so the basis does not depend on any global state.
  SplitMix64 rng{kGolden64};
  auto next = [&rng] { return rng.uniform() - 0.5; };
  MatrixD z(d, l);
  for (Eigen::Index c = 0; c < l; ++c) {
    for (Eigen::Index r = 0; r < d; ++r) z(r, c) = next();
  }
  Eigen::MatrixXf zf, w;
  Eigen::VectorXd previous = Eigen::VectorXd::Constant(dims, -1.0);
  for (int it = 0; it < kMaxSubspaceIterations; ++it) {
    z = Eigen::HouseholderQR<MatrixD>(z).householderQ() * MatrixD::Identity(d, l);
    zf = z.cast<float>();
    w.noalias() = xc * zf;                                       // N x l
    const MatrixD small = (w.transpose() * w).cast<double>() / denom;  // Z^T C Z
    Eigen::SelfAdjointEigenSolver<MatrixD> solver(small);
    Eigen::VectorXd ritz(dims);
    for (Eigen::Index c = 0; c < dims; ++c) ritz(c) = solver.eigenvalues()(l - 1 - c);
    const bool converged = it >= 2 && ((ritz - previous).array().abs() <= 1e-6 * ritz.array().abs().max(1e-30)).all();
    if (converged || it + 1 == kMaxSubspaceIterations) {
      vectors.resize(d, dims);
      values.resize(dims);
      for (Eigen::Index c = 0; c < dims; ++c) {
        vectors.col(c) = (z * solver.eigenvectors().col(l - 1 - c)).normalized();
        values(c) = std::max(0.0, ritz(c));
      }
      return;
    }
    previous = ritz;
    z = (xc.transpose() * w).cast<double>();  // D x l = C Z (up to the factor N - 1)
  }
}

void check_data(const Matrix& data, const char* what) {
  if (data.rows() < 2) throw Error(std::string(what) + ": needs at least 2 points, got " + std::to_string(data.rows()));
  if (data.cols() < 1) throw Error(std::string(what) + ": the data has no columns");
  // x * 0 is NaN exactly for NaN and Inf entries, and a NaN makes the sum NaN (a fast allFinite).
  if (std::isnan((data.array() * 0.f).sum())) throw Error(std::string(what) + ": the data holds NaN or Inf values");
}

}  // namespace

PcaBasis fit_pca(const Matrix& data, int dims, bool standardize) {
  check_data(data, "PCA");
  const Eigen::Index n = data.rows(), d = data.cols();
  if (dims < 1 || dims > d) {
    throw Error("PCA: cannot fit " + std::to_string(dims) + " components to " + std::to_string(d) + "-d data");
  }
  // Mean and variance per dimension: float sums over blocks of rows (row by row, so the inner loop
  // runs along contiguous memory), accumulated in double.
  constexpr Eigen::Index kBlock = 256;
  const auto du = static_cast<std::size_t>(d);
  std::vector<double> sum(du, 0.0), sq(du, 0.0);
  std::vector<float> part(du);
  for (Eigen::Index i0 = 0; i0 < n; i0 += kBlock) {
    std::fill(part.begin(), part.end(), 0.f);
    for (Eigen::Index i = i0; i < std::min(n, i0 + kBlock); ++i) {
      const float* row = data.data() + i * d;
      for (std::size_t j = 0; j < du; ++j) part[j] += row[j];
    }
    for (std::size_t j = 0; j < du; ++j) sum[j] += part[j];
  }
  PcaBasis basis;
  basis.mean.resize(d);
  for (std::size_t j = 0; j < du; ++j) {
    basis.mean(static_cast<Eigen::Index>(j)) = static_cast<float>(sum[j] / static_cast<double>(n));
  }
  Matrix xc(n, d);
  for (Eigen::Index i0 = 0; i0 < n; i0 += kBlock) {
    std::fill(part.begin(), part.end(), 0.f);
    for (Eigen::Index i = i0; i < std::min(n, i0 + kBlock); ++i) {
      const float* row = data.data() + i * d;
      float* out = xc.data() + i * d;
      for (std::size_t j = 0; j < du; ++j) {
        out[j] = row[j] - basis.mean(static_cast<Eigen::Index>(j));
        part[j] += out[j] * out[j];
      }
    }
    for (std::size_t j = 0; j < du; ++j) sq[j] += part[j];
  }
  Eigen::RowVectorXd var(d);
  for (std::size_t j = 0; j < du; ++j) var(static_cast<Eigen::Index>(j)) = sq[j] / static_cast<double>(n - 1);

  basis.scale = Eigen::RowVectorXf::Ones(d);
  double total = 0;
  for (Eigen::Index j = 0; j < d; ++j) {
    if (standardize && var(j) > 0) basis.scale(j) = static_cast<float>(std::sqrt(var(j)));
    total += var(j) / (static_cast<double>(basis.scale(j)) * basis.scale(j));
  }
  if (standardize) xc.array().rowwise() *= basis.scale.cwiseInverse().array();

  MatrixD vectors;
  Eigen::VectorXd values;
  if (d <= kExactMaxDims) {
    exact_eigen(xc, dims, vectors, values);
  } else {
    subspace_eigen(xc, dims, vectors, values);
  }
  basis.components.resize(d, dims);
  for (Eigen::Index c = 0; c < dims; ++c) {
    Eigen::Index arg = 0;
    vectors.col(c).cwiseAbs().maxCoeff(&arg);
    const double sign = vectors(arg, c) < 0 ? -1.0 : 1.0;
    basis.components.col(c) = (sign * vectors.col(c)).cast<float>();
    basis.explained_variance.push_back(values(c));
    basis.explained_variance_ratio.push_back(total > 0 ? values(c) / total : 0.0);
  }
  return basis;
}

Matrix apply_pca(const PcaBasis& basis, const Matrix& data) {
  const Eigen::Index d = basis.components.rows();
  if (data.cols() != d || basis.mean.size() != d || basis.scale.size() != d) {
    throw Error("PCA: the basis is for " + std::to_string(d) + "-d data, got " + std::to_string(data.cols()) + "-d");
  }
  // Fold the scaling into the projection: Y = X W - mean W, W = diag(1 / scale) components.
  const Matrix w = basis.scale.cwiseInverse().asDiagonal() * basis.components;
  const Eigen::RowVectorXf offset = basis.mean * w;
  Matrix y = data * w;
  y.rowwise() -= offset;
  return y;
}

void align_basis(PcaBasis& basis, const PcaBasis& previous) {
  const Eigen::Index d = basis.components.rows(), k = basis.components.cols();
  if (previous.components.rows() != d || previous.components.cols() != k) {
    throw Error("PCA: cannot align a " + std::to_string(d) + "x" + std::to_string(k) + " basis to a " +
                std::to_string(previous.components.rows()) + "x" + std::to_string(previous.components.cols()) + " one");
  }
  // cosines(a, b): component a of `basis` against component b of `previous` (columns are unit).
  const Eigen::MatrixXd cosines = (basis.components.transpose() * previous.components).cast<double>();
  std::vector<Eigen::Index> order(static_cast<std::size_t>(k));  // order[b] = component of basis for slot b
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  auto score = [&](const std::vector<Eigen::Index>& o) {
    double s = 0;
    for (Eigen::Index b = 0; b < k; ++b) s += std::abs(cosines(o[static_cast<std::size_t>(b)], b));
    return s;
  };
  if (k <= 6) {
    std::vector<Eigen::Index> trial = order;
    double best = score(order);
    while (std::next_permutation(trial.begin(), trial.end())) {
      const double s = score(trial);
      if (s > best + 1e-12) best = s, order = trial;
    }
  } else {
    std::vector<bool> used(static_cast<std::size_t>(k), false), filled(static_cast<std::size_t>(k), false);
    for (Eigen::Index step = 0; step < k; ++step) {  // repeatedly take the largest remaining |cosine|
      double best = -1;
      Eigen::Index ba = 0, bb = 0;
      for (Eigen::Index a = 0; a < k; ++a) {
        for (Eigen::Index b = 0; b < k; ++b) {
          if (used[static_cast<std::size_t>(a)] || filled[static_cast<std::size_t>(b)]) continue;
          if (std::abs(cosines(a, b)) > best) best = std::abs(cosines(a, b)), ba = a, bb = b;
        }
      }
      used[static_cast<std::size_t>(ba)] = filled[static_cast<std::size_t>(bb)] = true;
      order[static_cast<std::size_t>(bb)] = ba;
    }
  }
  PcaBasis out = basis;
  for (Eigen::Index b = 0; b < k; ++b) {
    const Eigen::Index a = order[static_cast<std::size_t>(b)];
    const float sign = cosines(a, b) < 0 ? -1.f : 1.f;
    out.components.col(b) = sign * basis.components.col(a);
    out.explained_variance[static_cast<std::size_t>(b)] = basis.explained_variance[static_cast<std::size_t>(a)];
    out.explained_variance_ratio[static_cast<std::size_t>(b)] = basis.explained_variance_ratio[static_cast<std::size_t>(a)];
  }
  basis = std::move(out);
}

PcaProjection::PcaProjection(PcaOptions options) : options_(std::move(options)) {
  if (options_.dims != 2 && options_.dims != 3) {
    throw Error("PCA: dims must be 2 or 3, got " + std::to_string(options_.dims));
  }
  if (options_.fixed_basis && options_.fixed_basis->components.cols() != options_.dims) {
    throw Error("PCA: the fixed basis has " + std::to_string(options_.fixed_basis->components.cols()) +
                " components, dims is " + std::to_string(options_.dims));
  }
}

Matrix PcaProjection::initialize(const ProjectionInput& input) {
  if (input.data == nullptr) throw Error("PCA: no input data");
  if (options_.fixed_basis) {
    check_data(*input.data, "PCA");
    basis_ = *options_.fixed_basis;
  } else {
    basis_ = fit_pca(*input.data, options_.dims, options_.standardize);
    if (options_.previous_basis) align_basis(basis_, *options_.previous_basis);
  }
  return apply_pca(basis_, *input.data);
}

void PcaProjection::run(Matrix& layout, int iteration_limit) {
  (void)layout;
  (void)iteration_limit;
}

ProjectionStats PcaProjection::stats(const Matrix& layout) const {
  (void)layout;
  ProjectionStats s;
  s.cost_name = "explained variance ratio";
  s.cost = std::accumulate(basis_.explained_variance_ratio.begin(), basis_.explained_variance_ratio.end(), 0.0);
  return s;
}

std::unique_ptr<Projection> make_pca(const PcaOptions& options) { return std::make_unique<PcaProjection>(options); }

}  // namespace epochscope::project
