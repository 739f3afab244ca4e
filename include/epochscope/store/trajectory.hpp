// Contract: the training trajectory in parameter space, as the trainer records it: after every K
// optimisation steps (and once before the first) a sketch of all the network's parameters, the
// step, the epoch it belongs to and the batch loss. A sketch is a seeded sparse random projection of
// the P parameters to `dims` numbers (project/trajectory.hpp), so a run of any length costs
// dims * 4 bytes a snapshot (256 dims: 1 KB) instead of P * 2 (the default CNN: 244 KB in half
// precision). Thread-safe: one writer appends, readers copy what is there.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

namespace epochscope::store {

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

}  // namespace epochscope::store
