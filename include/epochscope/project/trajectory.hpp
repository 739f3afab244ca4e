// Contract: the training trajectory's geometry. sketch_parameters() maps P parameters to `dims`
// numbers with a sparse random sign projection (every parameter added, with a random sign, to 4 of
// the dims, scaled by 1/2): seeded by (seed, parameter index) alone, so the same parameters sketch
// the same in every run and runs of one architecture share a space. Distances between sketches
// match distances between parameter vectors within about 1 +/- 2/sqrt(dims) (a Johnson-Lindenstrauss
// embedding; Kane & Nelson's sparse variant), which is all a PCA picture needs, at a cost of 4 adds
// per parameter. trajectory_pca() is an exact PCA of the sketches (through the S x S Gram matrix
// when there are fewer snapshots than dims, else the dims x dims covariance).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "epochscope/core/matrix.hpp"
#include "epochscope/store/trajectory.hpp"

namespace epochscope::project {

inline constexpr int kSketchDims = 256;
inline constexpr std::uint64_t kSketchSeed = 0x5eed5eedULL;

/// theta: all parameters, flattened in a fixed order. Returns `dims` numbers.
std::vector<float> sketch_parameters(std::span<const float> theta, int dims = kSketchDims,
                                     std::uint64_t seed = kSketchSeed);

/// Several runs' snapshots as rows, run after run, for one PCA (one shared basis). Throws
/// epochscope::Error when the snapshots differ in size (runs sketched differently cannot share one).
Matrix stack_sketches(std::span<const std::vector<store::TrajectoryPoint>* const> runs);

struct TrajectoryPca {
  Matrix coordinates;                   ///< S x k: each snapshot on the top k components
  std::vector<double> explained_ratio;  ///< per component, of the total variance
};

/// PCA of S snapshots (rows of `sketches`, S >= 2). k is capped at min(S - 1, dims). Component
/// signs are chosen so the last snapshot's coordinate is >= 0 (training runs towards +). Throws
/// epochscope::Error on fewer than 2 rows, k < 1 or non-finite values.
TrajectoryPca trajectory_pca(const Matrix& sketches, int k = 12);

/// The held-out loss along a run's snapshots, for the 3-D plot's height: frame f (the state after
/// epoch f, frame_loss[f]) sits at the last snapshot of an epoch <= f; snapshots between two such
/// steps are interpolated linearly in the step, those after the last frame's step keep its loss.
/// Returns one value per snapshot; empty when no frame matches a snapshot (or frame_loss is empty).
std::vector<float> heldout_loss_at_snapshots(std::span<const store::TrajectoryPoint> points,
                                             std::span<const float> frame_loss);

}  // namespace epochscope::project
