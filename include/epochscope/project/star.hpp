// Contract: star coordinates. Each of the D input dimensions has an anchor, a point in the plane
// (by default D anchors evenly spaced on the unit circle, dimension j at angle 2*pi*j/D from the +x
// axis, counter-clockwise); a point's layout is the sum of the anchors weighted by its coordinates,
// Y = X A (N x D times D x 2). For softmax outputs (rows that are probability vectors) X is used as
// it is, so a one-hot row lands on its class's anchor; other layers are min-max normalised per
// dimension to [0, 1] first (constant dimensions become 0). Non-iterative: initialize() returns the
// final layout. The GUI moves anchors and recomputes with star_layout() on the normalised data
// (O(N D), about a millisecond for 10,000 x 64). Anchors may also be D x 3 for a 3-D layout.
#pragma once

#include <optional>

#include "epochscope/project/projection.hpp"

namespace epochscope::project {

enum class StarNormalize {
  automatic,  ///< min-max normalise unless every row is a probability vector
  always,     ///< always min-max normalise per dimension
  never,      ///< use the coordinates as they are
};

/// Star coordinate options.
struct StarOptions {
  StarNormalize normalize = StarNormalize::automatic;
  /// D x 2 (or D x 3) anchor positions, row j = the anchor of dimension j. Default: none, which
  /// means default_star_anchors(D).
  std::optional<Matrix> anchors;
  /// automatic: rows count as probability vectors when every entry is in [-tol, 1 + tol] and each
  /// row sums to 1 within tol.
  float probability_tolerance = 1e-3f;
};

/// D anchors evenly spaced on the unit circle (D x 2), dimension j at angle 2*pi*j/D. D >= 1.
Matrix default_star_anchors(int d);

/// Whether every row of data is a probability vector (entries in [-tol, 1+tol], sum 1 within tol).
bool rows_are_probabilities(const Matrix& data, float tol = 1e-3f);

/// The data as star coordinates use it: a min-max normalised copy, or an unchanged copy (see
/// StarNormalize). Throws epochscope::Error on N < 1, no columns or non-finite values.
Matrix star_normalized(const Matrix& data, StarNormalize normalize = StarNormalize::automatic,
                       float probability_tolerance = 1e-3f);

/// normalized (N x D) times anchors (D x 2 or D x 3): the layout, N x anchors.cols(). Fast: call it
/// again whenever the user drags an anchor. Throws when anchors is not D x 2 / D x 3 or not finite.
Matrix star_layout(const Matrix& normalized, const Matrix& anchors);

/// star_layout(star_normalized(data, ...), anchors or the default anchors).
Matrix star_coordinates(const Matrix& data, const StarOptions& options = {});

/// Non-iterative projection: initialize() returns star_coordinates(data, options);
/// total_iterations() is 0 and run() does nothing. Throws on bad anchors here or in initialize().
std::unique_ptr<Projection> make_star(const StarOptions& options = {});

}  // namespace epochscope::project
