// Contract: rank-based faithfulness of a layout (N x d) to its data (N x D), as a sceptic asks it.
//  - trustworthiness at k (Venna & Kaski 2001): how many of a point's k nearest in the layout are
//    intruders, far in the data; each intruder j of point i costs its rank r(i, j) in the data
//    (1 = nearest) minus k. T = 1 - 2 / (N k (2N - 3k - 1)) * sum of costs: 1 when no point has an
//    intruder, about 0.5 for a random layout.
//  - continuity at k: the same with the roles swapped (neighbours in the data the layout tore away,
//    ranked in the layout).
//  - Spearman's rho between the pairwise distances in the data and in the layout over a fixed
//    random sample of points (a Shepard diagram's summary; ties get their mean rank).
// Exact: the ranks come from every point's distances to all others, in row blocks through one
// single-precision matrix product each (no N x N matrix is held), screened against the listed
// points' distances with the product's error bound; a point too close to call is measured again in
// double precision, so the ranks are what a brute-force double-precision count gives (ties: the
// lower index first). Only points whose two lists differ are ranked. The neighbour lists are the
// ones the pool already has (their first k are used). Cost at 10,000 points: about N^2 D
// multiply-adds for T, N^2 d for C; on 2 cores about 0.5 s for a 64-d layer and a good layout, 1.4 s
// for a random layout (the worst case); rho about 0.1 s (a radix sort). Off the window's thread.
// Sampled, for large N: with rank_points > 0 and N above it, T and C sum the costs of that many
// points drawn with the seed (each still ranked exactly against all N) and scale the sum by
// N / rank_points, an unbiased estimate at a fraction of the cost (at 70,000 points and 10,000
// ranked, a seventh; the standard error is about the spread of the per-point figure over 100).
#pragma once

#include <cstdint>
#include <limits>

#include "epochscope/core/matrix.hpp"
#include "epochscope/knn/neighbors.hpp"

namespace epochscope::project {

struct RankQuality {
  double trustworthiness = std::numeric_limits<double>::quiet_NaN();
  double continuity = std::numeric_limits<double>::quiet_NaN();
  double spearman = std::numeric_limits<double>::quiet_NaN();  ///< of distances, on the sample
  std::size_t ranked = 0;  ///< points whose costs T and C sum (N unless sampled)
};

struct RankQualityOptions {
  int k = 10;                     ///< neighbours (capped at both lists' k)
  int spearman_points = 2000;     ///< the sample for Spearman's rho (all points when fewer)
  int rank_points = 0;            ///< T and C on this many points, drawn with `seed` (0: every point, exact)
  std::uint64_t seed = 1;         ///< which points the samples hold
  int threads = 1;
};

/// data_nn, layout_nn: neighbour lists of `data` and of `layout` (same N). Throws epochscope::Error
/// on mismatched sizes, N < 4, k < 1 or 2k >= N (where the normalisation breaks down).
RankQuality rank_quality(const Matrix& data, const Matrix& layout, const knn::NeighborList& data_nn,
                         const knn::NeighborList& layout_nn, const RankQualityOptions& options = {});

/// The rank penalty of one direction: for every point i, the points among the first k of `other`
/// that are not among the first k of `space_nn`, each costing (its rank in `space`) - k, summed and
/// normalised as above. trustworthiness = rank_agreement(data, data_nn, layout_nn);
/// continuity = rank_agreement(layout, layout_nn, data_nn). sample_points > 0 (and below N): the sum
/// over that many points drawn with `seed`, scaled by N / sample_points.
double rank_agreement(const Matrix& space, const knn::NeighborList& space_nn, const knn::NeighborList& other, int k,
                      int threads = 1, int sample_points = 0, std::uint64_t seed = 1);

/// Spearman's rho between the pairwise distances in `a` and in `b` over `points` points drawn
/// without replacement with `seed` (all when N is smaller). NaN when either has no spread. The two
/// spaces are ranked on two threads when `threads` allows; the result does not depend on it.
double distance_spearman(const Matrix& a, const Matrix& b, int points = 2000, std::uint64_t seed = 1, int threads = 1);

}  // namespace epochscope::project
