// Contract: principal component analysis (Eigen), as a projection and as a reusable basis.
// Two modes for a sequence of frames: a basis fitted once on a reference frame (default: the latest
// frame) and applied to every frame, so points do not spin between epochs; or a basis per frame
// whose components' order and signs are aligned to the previous frame's basis.
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

/// Fits the top `dims` components of data (N x D). standardize: divide each dimension by its
/// standard deviation first (constant dimensions are left as they are).
PcaBasis fit_pca(const Matrix& data, int dims, bool standardize = false);

/// (data - mean) / scale * components: N x dims.
Matrix apply_pca(const PcaBasis& basis, const Matrix& data);

/// Reorders and flips the components of `basis` so each best matches (by |cosine|) a component of
/// `previous`, with a positive cosine. Used by the per-frame mode.
void align_basis(PcaBasis& basis, const PcaBasis& previous);

struct PcaOptions {
  int dims = 2;               ///< 2 or 3
  bool standardize = false;   ///< divide each dimension by its standard deviation
  /// Fixed-basis mode: the basis to apply (fitted on the reference frame). When empty, a basis is
  /// fitted on the input itself (per-frame mode), aligned to `previous_basis` when that is given.
  std::optional<PcaBasis> fixed_basis;
  std::optional<PcaBasis> previous_basis;
};

std::unique_ptr<Projection> make_pca(const PcaOptions& options);

}  // namespace epochscope::project
