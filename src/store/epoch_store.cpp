#include "epochscope/store/epoch_store.hpp"

#include <string>

namespace epochscope::store {

EpochStore::EpochStore(std::shared_ptr<const PointSet> points) : points_(std::move(points)) {
  if (!points_) throw Error("EpochStore needs a point set");
}

void EpochStore::publish(FramePtr frame) {
  if (!frame) throw Error("cannot publish an empty frame");
  {
    std::lock_guard lock(mutex_);
    if (frame->index != static_cast<int>(frames_.size())) {
      throw Error("frame " + std::to_string(frame->index) + " published out of order (expected " +
                  std::to_string(frames_.size()) + ")");
    }
    frames_.push_back(std::move(frame));
    size_.store(frames_.size(), std::memory_order_release);
  }
  cv_.notify_all();
}

std::vector<FramePtr> EpochStore::snapshot() const {
  std::lock_guard lock(mutex_);
  return frames_;
}

FramePtr EpochStore::frame(std::size_t i) const {
  std::lock_guard lock(mutex_);
  return i < frames_.size() ? frames_[i] : nullptr;
}

FramePtr EpochStore::latest() const {
  std::lock_guard lock(mutex_);
  return frames_.empty() ? nullptr : frames_.back();
}

bool EpochStore::wait_for(std::size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [&] { return frames_.size() >= count || closed_.load(); });
  return frames_.size() >= count;
}

void EpochStore::close() {
  {
    std::lock_guard lock(mutex_);
    closed_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

}  // namespace epochscope::store
