// Contract: principal component analysis (Eigen), as a projection and as a reusable basis.
// Two modes for a sequence of frames: a basis fitted once on a reference frame (default: the latest
// frame) and applied to every frame, so points do not spin between epochs; or a basis per frame
// whose components' order and signs are aligned to the previous frame's basis.
// Method: D <= 256: the D x D covariance (one symmetric rank-N update, O(N D^2)) and Eigen's
// SelfAdjointEigenSolver (O(D^3)); D > 256 (raw pixels): subspace iteration on the centred data with
// Rayleigh-Ritz (dims + 10 vectors, O(N D (dims + 10)) per iteration, stops when the top values
// agree to 1e-6), which avoids the O(N D^2) covariance. Each component's sign is fixed so that its
// largest-magnitude entry is positive: the same data gives the same basis.
#pragma once

#include <optional>
#include <vector>

#include "epochscope/project/projection.hpp"

namespace epochscope::project {

struct PcaBasis {
  Eigen::RowVectorXf mean;     ///< 1 x D
  Eigen::RowVectorXf scale;    ///< 1 x D, per-dimension divisor (all ones unless standardised)
  Matrix components;           ///< D x dims, orthonormal columns, largest variance first
  std::vector<double> explained_variance;        ///< per component
  std::vector<double> explained_variance_ratio;  ///< per component, of the total variance
};

/// Fits the top `dims` (1..D) components of data (N x D, N >= 2, finite). standardize: divide each
/// dimension by its standard deviation first (constant dimensions are left as they are). Explained
/// variances use the N - 1 denominator. Throws epochscope::Error on bad input.
PcaBasis fit_pca(const Matrix& data, int dims, bool standardize = false);

/// (data - mean) / scale * components: N x dims. Throws when data's width is not the basis's D.
Matrix apply_pca(const PcaBasis& basis, const Matrix& data);

/// Reorders and flips the components of `basis` so each best matches (by |cosine|) a component of
/// `previous`, with a positive cosine. Used by the per-frame mode. The assignment maximises the sum
/// of |cosines| (all permutations up to 6 components, greedy beyond); explained variances move with
/// their components, so after alignment they need not be in decreasing order. Both bases must have
/// the same D and number of components.
void align_basis(PcaBasis& basis, const PcaBasis& previous);

struct PcaOptions {
  int dims = 2;               ///< 2 or 3
  bool standardize = false;   ///< divide each dimension by its standard deviation
  /// Fixed-basis mode: the basis to apply (fitted on the reference frame). When empty, a basis is
  /// fitted on the input itself (per-frame mode), aligned to `previous_basis` when that is given.
  std::optional<PcaBasis> fixed_basis;     ///< default: none (per-frame mode)
  /// Per-frame mode: the previous frame's basis to align order and signs to (default: none).
  std::optional<PcaBasis> previous_basis;
};

/// The projection make_pca returns (non-iterative: initialize() gives the final layout and
/// total_iterations() is 0). basis() is the basis the last initialize() used, e.g. to pass as the
/// next frame's previous_basis. stats() reports the summed explained variance ratio.
class PcaProjection : public Projection {
 public:
  explicit PcaProjection(PcaOptions options);
  Matrix initialize(const ProjectionInput& input) override;
  void run(Matrix& layout, int iteration_limit) override;
  int iteration() const override { return 0; }
  int total_iterations() const override { return 0; }
  ProjectionStats stats(const Matrix& layout) const override;
  const PcaBasis& basis() const { return basis_; }

 private:
  PcaOptions options_;
  PcaBasis basis_;
};

/// Throws epochscope::Error unless options.dims is 2 or 3.
std::unique_ptr<Projection> make_pca(const PcaOptions& options);

}  // namespace epochscope::project
