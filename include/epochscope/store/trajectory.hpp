// Contract: the training trajectory in parameter space, as the trainer records it: after every K
// optimisation steps (and once before the first) a sketch of all the network's parameters, the
// step, the epoch it belongs to and the batch loss. A run of any length costs dims * 4 bytes a
// snapshot (256 dims: 1 KB) instead of P * 2 (the default CNN: 244 KB in half precision).
// Thread-safe: one writer appends, readers copy what is there.
//
// sketch_parameters() maps P parameters to `dims` numbers with a sparse random sign projection
// (every parameter added, with a random sign, to 4 of the dims, scaled by 1/2): seeded by (seed,
// parameter index) alone, so the same parameters sketch the same in every run and runs of one
// architecture share a space. Distances between sketches match distances between parameter vectors
// within about 1 +/- 2/sqrt(dims) (a Johnson-Lindenstrauss embedding; Kane & Nelson's sparse
// variant), which is all a PCA picture needs, at a cost of 4 adds per parameter. Their PCA is
// project/trajectory.hpp's.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "epochscope/core/matrix.hpp"

namespace epochscope::store {

inline constexpr int kSketchDims = 256;
inline constexpr std::uint64_t kSketchSeed = 0x5eed5eedULL;

struct TrajectoryPoint {
  int step = 0;          ///< optimisation steps done when the snapshot was taken
  int epoch = 0;         ///< the epoch in progress (0: before training)
  float loss = 0;        ///< the batch loss of that step (before training: the first batch's)
  std::vector<float> sketch;  ///< `dims` numbers
};

class Trajectory {
 public:
  void append(TrajectoryPoint p) {
    std::lock_guard lock(mutex_);
    points_.push_back(std::move(p));
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return points_.size();
  }
  /// Points [from, size()).
  std::vector<TrajectoryPoint> since(std::size_t from) const {
    std::lock_guard lock(mutex_);
    if (from >= points_.size()) return {};
    return {points_.begin() + static_cast<std::ptrdiff_t>(from), points_.end()};
  }

 private:
  mutable std::mutex mutex_;
  std::vector<TrajectoryPoint> points_;
};

/// theta: all parameters, flattened in a fixed order. Returns `dims` numbers.
std::vector<float> sketch_parameters(std::span<const float> theta, int dims = kSketchDims,
                                     std::uint64_t seed = kSketchSeed);

/// Several runs' snapshots as rows, run after run, for one PCA (one shared basis). Throws
/// epochscope::Error when the snapshots differ in size (runs sketched differently cannot share one).
Matrix stack_sketches(std::span<const std::vector<TrajectoryPoint>* const> runs);

/// The held-out loss along a run's snapshots, for the 3-D plot's height: frame f (the state after
/// epoch f, frame_loss[f]) sits at the last snapshot of an epoch <= f; snapshots between two such
/// steps are interpolated linearly in the step, those after the last frame's step keep its loss.
/// Returns one value per snapshot; empty when no frame matches a snapshot (or frame_loss is empty).
std::vector<float> heldout_loss_at_snapshots(std::span<const TrajectoryPoint> points,
                                             std::span<const float> frame_loss);

}  // namespace epochscope::store
