// Contract: the append-only, in-memory epoch store. One writer publishes immutable frames in index
// order; any number of readers take snapshots (a vector of shared pointers, copied under a short
// lock) and work on them without holding the lock. A reader never sees a half-written frame.
//
// Bounded memory: once a frame is saved somewhere it can be read back from (the session file) and
// the store has a loader for it, the store may let go of that frame's big layers. Frame i in a
// snapshot is then a copy without them (same index, metrics, predictions, filters,
// parameters and pinned layers), and
// layer(i, name) reads them back on demand (through a small cache of reloaded frames). Readers that
// may look at old frames ask layer(); frame->layer() only sees what is resident.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <vector>

#include "epochscope/store/frame.hpp"
#include "epochscope/store/trajectory.hpp"

namespace epochscope::store {

/// How much of the frames' activations the store keeps in memory.
struct MemoryOptions {
  /// Bytes of evictable layers kept resident; beyond it the oldest saved frames let go of theirs.
  /// 128 MiB holds about 43 frames of 10,000 points with the default model (logits + hidden =
  /// 2.96 MB a frame). 0 keeps everything (no eviction).
  std::size_t resident_bytes = std::size_t{128} << 20;
  /// Layers never evicted: small, and read for every frame (the inspector's probability over the
  /// epochs, tooltips). "output" is 0.4 MB a frame at 10,000 points.
  std::vector<std::string> pinned = {"output"};
  /// Frames read back through the loader and kept (least recently used goes first).
  std::size_t reload_cache = 3;
};

/// Reads frame `index` back from where it was saved, whole. Throws epochscope::Error if it cannot.
using FrameLoader = std::function<FramePtr(std::size_t index)>;

class EpochStore {
 public:
  explicit EpochStore(std::shared_ptr<const PointSet> points, MemoryOptions memory = {});

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

  /// Layer `name` of frame i, resident or read back through the loader; nullptr when the frame or
  /// the layer does not exist. Throws epochscope::Error when reading back fails.
  std::shared_ptr<const Matrix> layer(std::size_t i, std::string_view name) const;
  /// The same without reading anything back: the layer when it is in memory (resident, or in the
  /// cache of reloaded frames), else nullptr, with *needs_read set when layer() would read it back
  /// through the loader. Never blocks on disk (the window asks this, and reads on a worker).
  std::shared_ptr<const Matrix> resident_layer(std::size_t i, std::string_view name, bool* needs_read = nullptr) const;

  /// Where evicted layers are read back from. Until one is set nothing is evicted.
  void set_loader(FrameLoader loader);
  /// Frame i is saved and can be read back through the loader: it may be evicted from now on.
  void mark_saved(std::size_t i);

  /// Bytes of evictable layers resident now, and frames whose layers were let go of.
  std::size_t resident_bytes() const;
  std::size_t evicted_frames() const;
  /// The run's path in parameter space (the trainer appends; empty for sessions without one).
  Trajectory& trajectory() { return trajectory_; }
  const Trajectory& trajectory() const { return trajectory_; }

  /// Increases on every publish and eviction: a reader holding a snapshot refreshes when it moves.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  std::shared_ptr<const Matrix> resident_locked(std::size_t i, std::string_view name, bool* needs_read) const;
  bool evictable(const std::string& layer) const;
  std::size_t evictable_bytes(const Frame& f) const;
  void evict_locked();

  std::shared_ptr<const PointSet> points_;
  MemoryOptions memory_;
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  std::vector<FramePtr> frames_;
  std::vector<char> saved_;     ///< per frame: can be read back
  std::vector<char> evicted_;   ///< per frame: its evictable layers are gone from memory
  std::size_t resident_ = 0;    ///< evictable bytes resident
  std::size_t evicted_count_ = 0;
  FrameLoader loader_;
  mutable std::list<FramePtr> reloaded_;  ///< most recent first
  std::atomic<std::size_t> size_{0};
  std::atomic<bool> closed_{false};
  std::atomic<std::uint64_t> generation_{0};
  Trajectory trajectory_;
};

}  // namespace epochscope::store
