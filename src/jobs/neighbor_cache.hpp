// Contract (private to jobs/): the layout pool's neighbour lists per (layer, frame), shared by the
// chains and the neighbourhood-change figures. The least recently used are dropped beyond
// kCachedLists or kCachedBytes, whichever comes first, keeping the newest two (a frame's and the one
// before it: the neighbourhood change compares them). A list of k = 90 over 10,000 points takes
// 7 MB (12 fit; recomputing one takes well under a second); over 70,000 points 50 MB (3 fit: 12
// held 600 MB of the window's memory). So memory does not grow with the number of epochs or
// layers. Thread-safe; a list is computed outside the lock (two workers may compute the same one;
// the later wins, both are right).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "epochscope/core/matrix.hpp"
#include "epochscope/knn/neighbors.hpp"

namespace epochscope::jobs {

class NeighborCache {
 public:
  static constexpr std::size_t kCachedLists = 12;
  static constexpr std::size_t kCachedBytes = std::size_t{160} << 20;

  explicit NeighborCache(std::size_t max_bytes = kCachedBytes) : max_bytes_(max_bytes) {}

  /// The cached list under (layer, frame) when it holds at least k neighbours, else nullptr; never
  /// computes.
  std::shared_ptr<const knn::NeighborList> find(const std::string& layer, int frame, int k) {
    std::lock_guard lock(mutex_);
    auto it = lists_.find(std::make_pair(layer, frame));
    return it != lists_.end() && it->second.list->k >= k ? it->second.list : nullptr;
  }

  /// The k nearest neighbours of `data`'s rows (at least k, or all but one point), cached under
  /// (layer, frame); computed with `threads` threads when not cached.
  std::shared_ptr<const knn::NeighborList> get(const std::string& layer, int frame, const Matrix& data, int k, int threads) {
    const auto key = std::make_pair(layer, frame);
    {
      std::lock_guard lock(mutex_);
      auto it = lists_.find(key);
      if (it != lists_.end() && it->second.list->k >= std::min<int>(k, static_cast<int>(data.rows()) - 1)) {
        it->second.used = ++clock_;
        return it->second.list;
      }
    }
    knn::KnnOptions o;
    o.k = k;
    o.threads = threads;
    auto list = std::make_shared<const knn::NeighborList>(knn::build_knn(data, o));
    std::lock_guard lock(mutex_);
    lists_[key] = {list, ++clock_};
    auto bytes = [&] {
      std::size_t sum = 0;
      for (const auto& [k2, cached] : lists_) {
        sum += cached.list->indices.size() * sizeof(std::int32_t) + cached.list->distances.size() * sizeof(float);
      }
      return sum;
    };
    while (lists_.size() > kCachedLists || (lists_.size() > 2 && bytes() > max_bytes_)) {
      auto oldest = lists_.begin();
      for (auto it = lists_.begin(); it != lists_.end(); ++it) {
        if (it->second.used < oldest->second.used) oldest = it;
      }
      lists_.erase(oldest);
    }
    return list;
  }

 private:
  struct Cached {
    std::shared_ptr<const knn::NeighborList> list;
    std::uint64_t used = 0;
  };
  std::size_t max_bytes_;
  std::mutex mutex_;
  std::map<std::pair<std::string, int>, Cached> lists_;
  std::uint64_t clock_ = 0;
};

}  // namespace epochscope::jobs
