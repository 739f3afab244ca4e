// Contract: a count of the cores that background work has borrowed from a computation that would
// otherwise use every core. The window's layout workers hold a Lease while they compute; the trainer
// reads borrowed() between steps and runs libtorch on that many fewer threads meanwhile.
//
// Why: on few cores, libtorch's threads meet at every operation, so when one of them loses its core
// to a layout worker both wait. Measured on 2 cores (Fashion-MNIST, 70,000 points tracked): an epoch
// takes 19.6 s on 2 threads and 28.5 s on 1, so while a worker computes, one thread that keeps its
// core trains faster than two that share the other.
#pragma once

#include <algorithm>
#include <atomic>

namespace epochscope {

class CoreLoans {
 public:
  /// Holds `cores` cores borrowed from the time it is made until it is destroyed (or moved from).
  class Lease {
   public:
    Lease() = default;
    Lease(CoreLoans* loans, int cores) : loans_(loans), cores_(loans != nullptr ? std::max(0, cores) : 0) {
      if (loans_ != nullptr) loans_->borrowed_.fetch_add(cores_, std::memory_order_relaxed);
    }
    Lease(Lease&& o) noexcept : loans_(o.loans_), cores_(o.cores_) { o.loans_ = nullptr; }
    Lease& operator=(Lease&& o) noexcept {
      if (this != &o) {
        release();
        loans_ = o.loans_;
        cores_ = o.cores_;
        o.loans_ = nullptr;
      }
      return *this;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { release(); }
    /// Gives the cores back now (idempotent).
    void release() {
      if (loans_ != nullptr) loans_->borrowed_.fetch_sub(cores_, std::memory_order_relaxed);
      loans_ = nullptr;
    }

   private:
    CoreLoans* loans_ = nullptr;
    int cores_ = 0;
  };

  /// The cores borrowed now, by every live lease together.
  int borrowed() const { return borrowed_.load(std::memory_order_relaxed); }
  /// The threads a computation of `threads` threads should use now: at least 1.
  int threads_left(int threads) const { return std::max(1, threads - borrowed()); }

 private:
  std::atomic<int> borrowed_{0};
};

}  // namespace epochscope
