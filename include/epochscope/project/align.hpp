// Contract: orthogonal Procrustes alignment of one layout onto a reference layout with the same
// points in the same order (same N and dims; rows = points). Finds the translation, rotation
// (optionally with a reflection) and uniform scale that minimise the summed squared distances
// ||s * (Y - mean_Y) R + mean_ref - ref||^2, via the SVD of the dims x dims cross-covariance
// (O(N dims^2), well under a millisecond for 10,000 points). Used to align each method's frame t to
// frame t-1 so layouts neither flip nor spin between epochs. Throws epochscope::Error on shape
// mismatches, N < 2, dims outside 1..3 or non-finite values.
#pragma once

#include "epochscope/core/matrix.hpp"

namespace epochscope::project {

/// What the alignment may use besides translation and rotation.
struct ProcrustesOptions {
  bool allow_scaling = true;     ///< uniform scale; when false the layout keeps its size
  bool allow_reflection = true;  ///< mirror images count as the same layout
};

/// aligned = scale * (layout - layout_mean) * rotation + translation.
struct ProcrustesFit {
  Matrix aligned;                 ///< N x dims, the layout moved onto the reference
  Eigen::MatrixXf rotation;       ///< dims x dims, orthogonal (det -1 when it reflects)
  float scale = 1;                ///< 1 when scaling is not allowed
  Eigen::RowVectorXf translation; ///< 1 x dims, the reference's centroid
  double rms_error = 0;           ///< RMS distance between aligned and reference points
};

/// Fits and applies the alignment of `layout` onto `reference`.
ProcrustesFit fit_procrustes(const Matrix& layout, const Matrix& reference, const ProcrustesOptions& options = {});

/// fit_procrustes(...).aligned.
Matrix align_to(const Matrix& layout, const Matrix& reference, const ProcrustesOptions& options = {});

}  // namespace epochscope::project
