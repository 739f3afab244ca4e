#include "epochscope/project/spectral.hpp"

#include <Eigen/Eigenvalues>
#include <Eigen/SVD>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "epochscope/core/random.hpp"

namespace epochscope::project {
namespace {

using SplitMix = SplitMix64;

using SparseD = Eigen::SparseMatrix<double, Eigen::RowMajor, std::int32_t>;

/// A = (I + D^-1/2 W D^-1/2) / 2 restricted to the complement of the trivial eigenvector u0
/// (A's eigenvalue 1). A's largest eigenvalues are the Laplacian's smallest: l = 2 (1 - theta).
class Operator {
 public:
  explicit Operator(const SparseGraph& graph) {
    const auto n = graph.rows();
    Eigen::VectorXd degree = Eigen::VectorXd::Zero(n);
    for (Eigen::Index i = 0; i < graph.outerSize(); ++i) {
      for (SparseGraph::InnerIterator it(graph, i); it; ++it) degree(i) += it.value();
    }
    const Eigen::VectorXd inv_sqrt = degree.cwiseSqrt().cwiseInverse();
    m_ = graph.cast<double>();
    for (Eigen::Index i = 0; i < m_.outerSize(); ++i) {
      for (SparseD::InnerIterator it(m_, i); it; ++it) it.valueRef() *= inv_sqrt(i) * inv_sqrt(it.col());
    }
    u0_ = degree.cwiseSqrt();
    u0_ /= u0_.norm();
  }
  Eigen::Index size() const { return m_.rows(); }
  void deflate(Eigen::Ref<Eigen::VectorXd> x) const { x -= u0_ * u0_.dot(x); }
  void apply(const Eigen::VectorXd& x, Eigen::VectorXd& y) const {
    y.noalias() = m_ * x;
    y = 0.5 * (y + x);
    deflate(y);
  }

 private:
  SparseD m_;
  Eigen::VectorXd u0_;
};

// Fills v with a random unit vector orthogonal to u0 and to the first `cols` columns of basis.
void random_orthogonal(const Operator& op, const Eigen::MatrixXd& basis, Eigen::Index cols, SplitMix& rng,
                       Eigen::Ref<Eigen::VectorXd> v) {
  for (Eigen::Index i = 0; i < v.size(); ++i) v(i) = rng.uniform() - 0.5;
  for (int pass = 0; pass < 2; ++pass) {
    op.deflate(v);
    if (cols > 0) v -= basis.leftCols(cols) * (basis.leftCols(cols).transpose() * v);
  }
  v /= v.norm();
}

// Minimum spacing between the component positions, halved: each component's box.
double half_spacing(const Matrix& meta, Eigen::Index c) {
  double best = std::numeric_limits<double>::infinity();
  for (Eigen::Index o = 0; o < meta.rows(); ++o) {
    const double d = (meta.row(o) - meta.row(c)).norm();
    if (d > 0) best = std::min(best, d);
  }
  return std::isfinite(best) ? best / 2 : 1.0;
}

// Where each component goes: +-unit axes for a few, else the PCA of their centroids.
Matrix component_positions(const std::vector<std::int32_t>& label, std::int32_t count, const Matrix* data, int dims,
                           SplitMix& rng) {
  Matrix meta = Matrix::Zero(count, dims);
  if (count == 1) return meta;
  if (count <= 2 * dims) {
    const int half = (count + 1) / 2;
    for (int c = 0; c < count; ++c) meta(c, c % half) = c < half ? 1.f : -1.f;
    return meta;
  }
  if (data == nullptr || count > 4000) {
    for (Eigen::Index i = 0; i < meta.size(); ++i) meta.data()[i] = static_cast<float>(2 * rng.uniform() - 1);
    return meta;
  }
  Eigen::MatrixXd centroids = Eigen::MatrixXd::Zero(count, data->cols());
  Eigen::VectorXd sizes = Eigen::VectorXd::Zero(count);
  for (std::size_t i = 0; i < label.size(); ++i) {
    centroids.row(label[i]) += data->row(static_cast<Eigen::Index>(i)).cast<double>();
    sizes(label[i]) += 1;
  }
  centroids.array().colwise() /= sizes.array();
  centroids.rowwise() -= centroids.colwise().mean();
  Eigen::BDCSVD<Eigen::MatrixXd> svd(centroids, Eigen::ComputeThinU);
  const Eigen::Index k = std::min<Eigen::Index>(dims, svd.singularValues().size());
  Eigen::MatrixXd pos = svd.matrixU().leftCols(k) * svd.singularValues().head(k).asDiagonal();
  const double scale = pos.cwiseAbs().maxCoeff();
  if (scale > 0) pos /= scale;
  meta.leftCols(k) = pos.cast<float>();
  return meta;
}

}  // namespace

std::vector<std::int32_t> connected_components(const SparseGraph& graph, std::int32_t& count) {
  const auto n = static_cast<std::size_t>(graph.rows());
  std::vector<std::int32_t> label(n, -1), stack;
  count = 0;
  for (std::size_t s = 0; s < n; ++s) {
    if (label[s] >= 0) continue;
    label[s] = count;
    stack.push_back(static_cast<std::int32_t>(s));
    while (!stack.empty()) {
      const std::int32_t v = stack.back();
      stack.pop_back();
      for (SparseGraph::InnerIterator it(graph, v); it; ++it) {
        if (it.value() > 0 && label[static_cast<std::size_t>(it.col())] < 0) {
          label[static_cast<std::size_t>(it.col())] = count;
          stack.push_back(static_cast<std::int32_t>(it.col()));
        }
      }
    }
    ++count;
  }
  return label;
}

std::optional<Eigenpairs> laplacian_eigenvectors(const SparseGraph& graph, int count, const SpectralOptions& options) {
  const Eigen::Index n = graph.rows();
  if (count < 1 || n <= count + 1) return std::nullopt;
  const Operator op(graph);
  // Thick-restart Lanczos with full reorthogonalisation: basis V (n x (m+1)) and the projected
  // matrix H = V^T A V, kept in Arnoldi form (column j holds A v_j's coefficients).
  const Eigen::Index m = std::min<Eigen::Index>(n - 1, std::max<Eigen::Index>(4 * count + 16, 40));
  const Eigen::Index keep = std::min<Eigen::Index>(m - 1, std::max<Eigen::Index>(count + 2, m / 2));
  Eigen::MatrixXd v(n, m + 1);
  Eigen::MatrixXd h = Eigen::MatrixXd::Zero(m + 1, m);
  SplitMix rng{options.seed ^ 0x5bd1e995ULL};
  random_orthogonal(op, v, 0, rng, v.col(0));
  Eigen::VectorXd w(n), coef;
  Eigen::Index start = 0;
  const double tol = options.tolerance / 2;  // residual of A = (2 - L) / 2
  for (int matvecs = 0; matvecs < options.max_matvecs;) {
    for (Eigen::Index j = start; j < m; ++j, ++matvecs) {
      op.apply(v.col(j), w);
      coef = v.leftCols(j + 1).transpose() * w;
      w.noalias() -= v.leftCols(j + 1) * coef;
      const Eigen::VectorXd again = v.leftCols(j + 1).transpose() * w;  // second Gram-Schmidt pass
      w.noalias() -= v.leftCols(j + 1) * again;
      coef += again;
      h.col(j).head(j + 1) = coef;
      const double beta = w.norm();
      h(j + 1, j) = beta;
      if (beta > 1e-12) {
        v.col(j + 1) = w / beta;
      } else {  // invariant subspace: continue with a fresh direction
        h(j + 1, j) = 0;
        random_orthogonal(op, v, j + 1, rng, v.col(j + 1));
      }
    }
    const Eigen::MatrixXd sym = 0.5 * (h.topRows(m) + h.topRows(m).transpose());
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(sym);
    if (eig.info() != Eigen::Success) return std::nullopt;
    // Ascending order: the wanted (largest) Ritz values are at the end.
    const Eigen::VectorXd last_row = h.row(m);  // only column m-1 is non-zero: beta_m
    bool converged = true;
    for (int c = 0; c < count; ++c) {
      const Eigen::Index col = m - 1 - c;
      const double residual = std::abs(last_row.dot(eig.eigenvectors().col(col)));
      if (residual > tol) converged = false;
    }
    if (converged) {
      Eigenpairs out;
      out.vectors.resize(n, count);
      out.values.resize(count);
      for (int c = 0; c < count; ++c) {
        out.vectors.col(c) = v.leftCols(m) * eig.eigenvectors().col(m - 1 - c);
        out.values(c) = 2 * (1 - eig.eigenvalues()(m - 1 - c));
      }
      return out;
    }
    // Restart from the `keep` largest Ritz vectors plus the residual direction v_m.
    const Eigen::MatrixXd s = eig.eigenvectors().rightCols(keep);
    const Eigen::MatrixXd ritz = v.leftCols(m) * s;
    const Eigen::VectorXd residual_dir = v.col(m);
    v.leftCols(keep) = ritz;
    v.col(keep) = residual_dir;
    h.setZero();
    for (Eigen::Index c = 0; c < keep; ++c) {
      h(c, c) = eig.eigenvalues()(m - keep + c);
      h(keep, c) = last_row.dot(s.col(c));
    }
    start = keep;
  }
  return std::nullopt;
}

std::optional<Matrix> spectral_layout(const SparseGraph& graph, const Matrix* data, const SpectralOptions& options) {
  const auto n = graph.rows();
  const int dims = options.dims;
  std::int32_t count = 0;
  const std::vector<std::int32_t> label = connected_components(graph, count);
  SplitMix rng{options.seed};
  const Matrix meta = component_positions(label, count, data, dims, rng);
  std::vector<std::vector<std::int32_t>> members(static_cast<std::size_t>(count));
  for (std::int32_t i = 0; i < static_cast<std::int32_t>(n); ++i) members[static_cast<std::size_t>(label[static_cast<std::size_t>(i)])].push_back(i);
  Matrix out(n, dims);
  std::vector<std::int32_t> local(static_cast<std::size_t>(n), -1);
  for (std::int32_t c = 0; c < count; ++c) {
    const auto& mem = members[static_cast<std::size_t>(c)];
    const double range = half_spacing(meta, c);
    const auto size = static_cast<Eigen::Index>(mem.size());
    if (size <= 2 * dims || size <= dims + 1) {
      for (std::int32_t i : mem) {
        for (int d = 0; d < dims; ++d) out(i, d) = meta(c, d) + static_cast<float>(range * (2 * rng.uniform() - 1));
      }
      continue;
    }
    for (std::size_t r = 0; r < mem.size(); ++r) local[static_cast<std::size_t>(mem[r])] = static_cast<std::int32_t>(r);
    std::vector<Eigen::Triplet<float, std::int32_t>> triplets;
    for (std::int32_t i : mem) {
      for (SparseGraph::InnerIterator it(graph, i); it; ++it) {
        triplets.emplace_back(local[static_cast<std::size_t>(i)], local[static_cast<std::size_t>(it.col())], it.value());
      }
    }
    SparseGraph sub(size, size);
    sub.setFromTriplets(triplets.begin(), triplets.end());
    SpectralOptions sub_options = options;
    sub_options.seed = options.seed + static_cast<std::uint64_t>(c);
    const auto eig = laplacian_eigenvectors(sub, dims, sub_options);
    if (!eig) return std::nullopt;
    const double scale = eig->vectors.cwiseAbs().maxCoeff();
    for (std::size_t r = 0; r < mem.size(); ++r) {
      for (int d = 0; d < dims; ++d) {
        out(mem[r], d) = meta(c, d) + static_cast<float>(range * eig->vectors(static_cast<Eigen::Index>(r), d) / (scale > 0 ? scale : 1.0));
      }
    }
  }
  return out;
}

}  // namespace epochscope::project
