#include "epochscope/train/tensor_cache.hpp"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/impl/alloc_cpu.h>

#include <list>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace epochscope::train {
namespace {

constexpr std::size_t kSmallest = std::size_t{1} << 20;  // below this, torch's allocator (malloc's own bins)
constexpr std::size_t kGrain = std::size_t{256} << 10;   // sizes rounded up to this, so near sizes share blocks

class CachingAllocator;
CachingAllocator* the_cache(std::size_t cache_bytes);

// A block's context is its data pointer (torch's raw_allocate asks for that), so the sizes of the
// blocks handed out are kept here.
class CachingAllocator final : public c10::Allocator {
 public:
  CachingAllocator(c10::Allocator* fallback, std::size_t cache_bytes) : fallback_(fallback), limit_(cache_bytes) {}

  c10::DataPtr allocate(std::size_t n) const override {
    if (n < kSmallest) return fallback_->allocate(n);
    const std::size_t size = (n + kGrain - 1) / kGrain * kGrain;
    void* data = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (auto it = free_.find(size); it != free_.end()) {
        data = it->second->data;
        cached_ -= size;
        order_.erase(it->second);
        free_.erase(it);
        ++stats_.hits;
        live_[data] = size;
      } else {
        ++stats_.misses;
      }
    }
    if (data == nullptr) {  // from the system, outside the lock
      data = c10::alloc_cpu(size);  // throws c10::Error when out of memory
      std::lock_guard lock(mutex_);
      live_[data] = size;
    }
    return {data, data, &CachingAllocator::release, c10::Device(c10::DeviceType::CPU)};
  }

  c10::DeleterFnPtr raw_deleter() const override { return &CachingAllocator::release; }

  TensorCacheStats stats() const {
    std::lock_guard lock(mutex_);
    TensorCacheStats s = stats_;
    s.cached = cached_;
    return s;
  }

 private:
  struct Free {
    void* data;
    std::size_t size;
  };

  static void release(void* data) { the_cache(kTensorCacheBytes)->give_back(data); }  // installed by then

  void give_back(void* data) const {
    std::vector<void*> drop;
    {
      std::lock_guard lock(mutex_);
      const auto live = live_.find(data);
      if (live == live_.end()) {  // not ours: a small tensor's, from the fallback (raw_deallocate)
        drop.push_back(data);
      } else if (const std::size_t size = live->second; live_.erase(live), size > limit_) {
        drop.push_back(data);
      } else {
        order_.push_back({data, size});
        free_.emplace(size, std::prev(order_.end()));
        cached_ += size;
        while (cached_ > limit_) {  // the oldest free blocks go back to the system
          const Free oldest = order_.front();
          for (auto [it, end] = free_.equal_range(oldest.size); it != end; ++it) {
            if (it->second == order_.begin()) {
              free_.erase(it);
              break;
            }
          }
          order_.pop_front();
          cached_ -= oldest.size;
          drop.push_back(oldest.data);
        }
      }
    }
    for (void* p : drop) c10::free_cpu(p);
  }

  c10::Allocator* fallback_;
  std::size_t limit_;
  mutable std::mutex mutex_;
  mutable std::list<Free> order_;                                      // free blocks, oldest first
  mutable std::multimap<std::size_t, std::list<Free>::iterator> free_;  // by size
  mutable std::unordered_map<void*, std::size_t> live_;                // handed out: their sizes
  mutable std::size_t cached_ = 0;
  mutable TensorCacheStats stats_;
};

// torch keeps the allocator it is given for the life of the process (SetCPUAllocator takes no
// ownership back), so it lives as long: one per process, made on first use.
CachingAllocator* the_cache(std::size_t cache_bytes) {
  static auto* cache = [cache_bytes] {
    auto* made = new CachingAllocator(c10::GetCPUAllocator(), cache_bytes);
    c10::SetCPUAllocator(made, /*priority=*/1);
    return made;
  }();
  return cache;
}

}  // namespace

void install_tensor_cache(std::size_t cache_bytes) { the_cache(cache_bytes); }

TensorCacheStats tensor_cache_stats() { return the_cache(kTensorCacheBytes)->stats(); }

}  // namespace epochscope::train
