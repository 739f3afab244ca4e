// Contract: the append-only, in-memory epoch store. One writer publishes immutable frames in index
// order; any number of readers take snapshots (a vector of shared pointers, copied under a short
// lock) and work on them without holding the lock. A reader never sees a half-written frame.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "epochscope/store/frame.hpp"

namespace epochscope::store {

class EpochStore {
 public:
  explicit EpochStore(std::shared_ptr<const PointSet> points);

  const PointSet& points() const { return *points_; }
  std::shared_ptr<const PointSet> points_ptr() const { return points_; }

  /// Appends a frame; its index must equal size(). Throws epochscope::Error otherwise.
  void publish(FramePtr frame);

  /// Every frame published so far.
  std::vector<FramePtr> snapshot() const;
  /// Frame i, or nullptr if it does not exist (yet).
  FramePtr frame(std::size_t i) const;
  FramePtr latest() const;
  /// Lock-free count of published frames.
  std::size_t size() const { return size_.load(std::memory_order_acquire); }

  /// Waits until at least `count` frames exist, the store is closed, or the timeout passes.
  /// Returns true if `count` frames exist.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) const;

  /// No more frames will come (training ended); wakes waiters.
  void close();
  bool closed() const { return closed_.load(std::memory_order_acquire); }

 private:
  std::shared_ptr<const PointSet> points_;
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  std::vector<FramePtr> frames_;
  std::atomic<std::size_t> size_{0};
  std::atomic<bool> closed_{false};
};

}  // namespace epochscope::store
