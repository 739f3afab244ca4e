#include "epochscope/store/epoch_store.hpp"

#include <algorithm>
#include <string>

namespace epochscope::store {

EpochStore::EpochStore(std::shared_ptr<const PointSet> points, MemoryOptions memory)
    : points_(std::move(points)), memory_(std::move(memory)) {
  if (!points_) throw Error("EpochStore needs a point set");
}

bool EpochStore::evictable(const std::string& layer) const {
  return std::find(memory_.pinned.begin(), memory_.pinned.end(), layer) == memory_.pinned.end();
}

std::size_t EpochStore::evictable_bytes(const Frame& f) const {
  std::size_t bytes = 0;
  for (const auto& [name, m] : f.layers) {
    if (evictable(name)) bytes += static_cast<std::size_t>(m.size()) * sizeof(float);
  }
  return bytes;
}

void EpochStore::evict_locked() {
  if (memory_.resident_bytes == 0 || !loader_) return;
  for (std::size_t i = 0; i < frames_.size() && resident_ > memory_.resident_bytes; ++i) {
    if (!saved_[i] || evicted_[i]) continue;
    const Frame& full = *frames_[i];
    const std::size_t bytes = evictable_bytes(full);
    if (bytes == 0) continue;
    // A copy without the big layers replaces it; readers holding the full frame keep it alive
    // until they let go.
    auto light = std::make_shared<Frame>();
    light->index = full.index;
    light->epoch = full.epoch;
    light->predicted = full.predicted;
    light->metrics = full.metrics;
    light->filters = full.filters;  // a few KB: kept with the metrics
    light->parameters = full.parameters;  // shared, not copied: the landscape needs every frame's
    for (const auto& [name, m] : full.layers) {
      if (!evictable(name)) light->layers.emplace(name, m);
    }
    frames_[i] = std::move(light);
    evicted_[i] = 1;
    resident_ -= bytes;
    ++evicted_count_;
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
}

void EpochStore::publish(FramePtr frame) {
  if (!frame) throw Error("cannot publish an empty frame");
  {
    std::lock_guard lock(mutex_);
    if (frame->index != static_cast<int>(frames_.size())) {
      throw Error("frame " + std::to_string(frame->index) + " published out of order (expected " +
                  std::to_string(frames_.size()) + ")");
    }
    resident_ += evictable_bytes(*frame);
    frames_.push_back(std::move(frame));
    saved_.push_back(0);
    evicted_.push_back(0);
    size_.store(frames_.size(), std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  cv_.notify_all();
}

void EpochStore::set_loader(FrameLoader loader) {
  std::lock_guard lock(mutex_);
  loader_ = std::move(loader);
  evict_locked();
}

void EpochStore::mark_saved(std::size_t i) {
  std::lock_guard lock(mutex_);
  if (i >= frames_.size()) throw Error("frame " + std::to_string(i) + " marked saved before it was published");
  saved_[i] = 1;
  evict_locked();
}

std::size_t EpochStore::resident_bytes() const {
  std::lock_guard lock(mutex_);
  return resident_;
}

std::size_t EpochStore::evicted_frames() const {
  std::lock_guard lock(mutex_);
  return evicted_count_;
}

std::shared_ptr<const Matrix> EpochStore::resident_layer(std::size_t i, std::string_view name, bool* needs_read) const {
  std::lock_guard lock(mutex_);
  return resident_locked(i, name, needs_read);
}

std::shared_ptr<const Matrix> EpochStore::resident_locked(std::size_t i, std::string_view name, bool* needs_read) const {
  if (needs_read != nullptr) *needs_read = false;
  if (i >= frames_.size()) return nullptr;
  const FramePtr& f = frames_[i];
  if (const Matrix* m = f->layer(name)) return {f, m};
  if (!evicted_[i]) return nullptr;
  for (auto it = reloaded_.begin(); it != reloaded_.end(); ++it) {
    if (static_cast<std::size_t>((*it)->index) != i) continue;
    reloaded_.splice(reloaded_.begin(), reloaded_, it);
    const FramePtr& r = reloaded_.front();
    const Matrix* m = r->layer(name);
    return m != nullptr ? std::shared_ptr<const Matrix>(r, m) : nullptr;
  }
  if (needs_read != nullptr) *needs_read = static_cast<bool>(loader_);
  return nullptr;
}

std::shared_ptr<const Matrix> EpochStore::layer(std::size_t i, std::string_view name) const {
  FrameLoader loader;
  {
    std::lock_guard lock(mutex_);
    bool needs_read = false;
    auto resident = resident_locked(i, name, &needs_read);
    if (!needs_read) return resident;
    loader = loader_;
  }
  // Read outside the lock: publishing and other readers go on meanwhile.
  FramePtr full = loader(i);
  if (!full || static_cast<std::size_t>(full->index) != i) {
    throw Error("frame " + std::to_string(i) + " could not be read back (the saved copy is another frame)");
  }
  const Matrix* m = full->layer(name);
  if (m != nullptr && m->rows() != static_cast<Eigen::Index>(points_->size())) {
    throw Error("frame " + std::to_string(i) + " read back with " + std::to_string(m->rows()) + " points instead of " +
                std::to_string(points_->size()));
  }
  std::shared_ptr<const Matrix> result = m != nullptr ? std::shared_ptr<const Matrix>(full, m) : nullptr;
  std::lock_guard lock(mutex_);
  reloaded_.push_front(std::move(full));
  while (reloaded_.size() > std::max<std::size_t>(memory_.reload_cache, 1)) reloaded_.pop_back();
  return result;
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
