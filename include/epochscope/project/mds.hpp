// Contract: metric MDS (cost sum_ij (d*_ij - d_ij)^2) and Sammon mapping (cost
// sum_ij (d*_ij - d_ij)^2 / d*_ij) of ALL N points, where d* are Euclidean distances in the input
// and d in the layout. Exact all-pairs steps cost N^2/2 pairs (50 million at N = 10,000), so the
// cost is sampled: initialize() draws a pool of pool_size random points and computes the input
// distances from them to every point once (O(N P D), one matrix product when D > 64; the input is
// not needed afterwards); each iteration draws pairs_per_point pool members (m) as the partners of
// EVERY point, an unbiased sample of each point's cost. Shared partners make the sampling noise
// nearly the same for nearby points, so it hardly disturbs local structure. Each point then moves
// a step mu_t towards the minimiser of its majorised sampled cost with the others held fixed (the
// per-point SMACOF update: the weighted mean of x_j + d*_ij (x_i - x_j) / |x_i - x_j| over its
// partners, plus the movement penalty), all points at once from the previous iteration's layout
// (Jacobi), mu_t annealed geometrically from step_max to step_min. Cost per iteration: O(N m dims).
// On 1,000-2,000 points this reaches the stress and neighbour recall of exact SMACOF.
// Same options and input, same layout; slices equal one run (each iteration's partners are drawn
// from (seed, iteration)); threads split the points into fixed chunks, so the result does not
// depend on them. Starts from PCA (fitted on at most 3,000 random rows) scaled to the data's
// distance scale (least squares on the stress sample), or from input.warm_start, then runs
// warm_iterations from warm_step_max with the penalty lambda * |y_i - y_prev_i|^2.
// stats(): normalised stress sqrt(sum (d* - d)^2 / sum d*^2) for MDS, Sammon's stress
// sum (d* - d)^2 / d* / sum d* for Sammon, both estimated on a fixed seeded sample of
// stress_pairs random pairs (over all points) drawn at initialize().
#pragma once

#include <cstdint>

#include "epochscope/project/projection.hpp"

namespace epochscope::project {

enum class MdsKind {
  metric,  ///< weights 1: sum (d* - d)^2
  sammon,  ///< weights 1 / d*: sum (d* - d)^2 / d*
};

/// Options for MDS and Sammon mapping.
struct MdsOptions {
  MdsKind kind = MdsKind::metric;
  int dims = 2;               ///< 2 or 3
  int iterations = 200;       ///< iterations of a cold start
  int pairs_per_point = 31;   ///< partners per point per iteration, drawn from the pool, >= 1
  /// Points whose input distances to every point are computed once at initialize() (N x pool_size
  /// floats); each iteration's partners are drawn from them. Clamped to N.
  int pool_size = 512;
  double step_max = 1.0;      ///< step of the first cold iteration (1 = move to the target)
  double step_min = 0.05;     ///< step of the last iteration (cold and warm)
  int warm_iterations = 50;   ///< iterations when input.warm_start is given
  double warm_step_max = 0.1; ///< step of the first warm iteration
  /// Movement penalty lambda * |y_i - y_prev_i|^2 towards input.warm_start, relative to the
  /// point's mean pair term: each point's target becomes (pair target + lambda y_prev) / (1 + lambda)
  /// (for Sammon, with pair weights normalised to average 1). 0 = none; ignored on cold starts.
  double lambda = 0.1;
  std::uint64_t seed = 1;     ///< pool, partners, stress sample, PCA rows
  int threads = 1;            ///< worker threads (the result does not depend on them)
  int stress_pairs = 20000;   ///< random pairs of the fixed sample that stats() uses
};

/// Throws epochscope::Error on bad options; initialize() throws on N < 2, non-finite data or a
/// warm start of the wrong shape.
std::unique_ptr<Projection> make_mds(const MdsOptions& options = {});

/// make_mds with kind = sammon.
std::unique_ptr<Projection> make_sammon(MdsOptions options = {});

}  // namespace epochscope::project
