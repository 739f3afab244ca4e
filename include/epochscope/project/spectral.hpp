// Contract: spectral layout of a weighted graph, the starting layout UMAP uses. For every connected
// component, the eigenvectors of its normalised Laplacian L = I - D^-1/2 W D^-1/2 belonging to the
// `dims` smallest eigenvalues after the trivial one, computed by a thick-restart Lanczos iteration
// on the sparse matrix (no dense N x N matrix), its products by row blocks on options.threads
// threads (the result does not depend on how many). Components are laid out apart from each other:
// each is scaled to half the distance between component positions, and the positions come from
// the PCA of the components' centroids in the data (or from +-unit axes when there are few).
// Components too small for an eigenproblem get uniform random coordinates in their box. The result
// is a function of (graph, data, options): the seed fixes the Lanczos start and the random fill.
// Returns std::nullopt when the eigensolver does not converge (callers fall back to PCA).
#pragma once

#include <Eigen/SparseCore>
#include <cstdint>
#include <optional>
#include <vector>

#include "epochscope/core/matrix.hpp"

namespace epochscope::project {

/// Symmetric, non-negative weights, N x N (the fuzzy graph UMAP builds).
using SparseGraph = Eigen::SparseMatrix<float, Eigen::RowMajor, std::int32_t>;

struct SpectralOptions {
  int dims = 2;                  ///< eigenvectors per point (2 or 3 for a layout)
  std::uint64_t seed = 1;        ///< start vector of the iteration and the fill of tiny components
  double tolerance = 1e-4;       ///< residual |L v - l v| at convergence, relative to the spectrum (width 2)
  int max_matvecs = 5000;        ///< matrix-vector products per component before giving up
  int threads = 1;               ///< threads of the iteration's products (the result does not depend on it)
};

/// Connected components: a label in [0, count) per vertex, numbered in order of first vertex.
std::vector<std::int32_t> connected_components(const SparseGraph& graph, std::int32_t& count);

/// The `count` smallest non-trivial eigenvectors (N x count, columns in increasing eigenvalue order)
/// of the normalised Laplacian of a connected graph, and their eigenvalues. std::nullopt when the
/// iteration does not converge or the graph is too small (N <= count + 1).
struct Eigenpairs {
  Eigen::MatrixXd vectors;
  Eigen::VectorXd values;
};
std::optional<Eigenpairs> laplacian_eigenvectors(const SparseGraph& graph, int count, const SpectralOptions& options);

/// N x dims layout as described at the top. `data` (N x D, may be null) places the components.
std::optional<Matrix> spectral_layout(const SparseGraph& graph, const Matrix* data, const SpectralOptions& options);

}  // namespace epochscope::project
