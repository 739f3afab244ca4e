#include "epochscope/core/parallel.hpp"

#include <limits>

#include "epochscope/core/matrix.hpp"

namespace epochscope {
namespace {

constexpr int kSpin = 2000;  // pauses (about 50-100 microseconds) before a waiting thread sleeps

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#else
  std::this_thread::yield();
#endif
}

constexpr std::uint64_t pack(std::uint32_t generation, std::uint32_t next) {
  return (static_cast<std::uint64_t>(generation) << 32) | next;
}
constexpr std::uint32_t generation_of(std::uint64_t state) { return static_cast<std::uint32_t>(state >> 32); }
constexpr std::uint32_t next_of(std::uint64_t state) { return static_cast<std::uint32_t>(state); }

}  // namespace

ThreadTeam::ThreadTeam(int threads) {
  for (int w = 1; w < threads; ++w) helpers_.emplace_back([this, w] { help(w); });
}

ThreadTeam::~ThreadTeam() {
  stop_.store(true, std::memory_order_release);
  wake_.fetch_add(1, std::memory_order_acq_rel);  // an odd value: no run, just wake up
  wake_.notify_all();
  for (auto& t : helpers_) t.join();
}

void ThreadTeam::dispatch(std::size_t tasks, Thunk thunk, void* fn) {
  if (tasks == 0) return;
  if (helpers_.empty() || tasks == 1) {
    for (std::size_t t = 0; t < tasks; ++t) thunk(fn, t, 0);
    return;
  }
  if (tasks >= std::numeric_limits<std::uint32_t>::max()) throw Error("a parallel loop of 2^32 tasks or more");
  // Close the last run (a helper still trying to claim one of its tasks now fails), then open this one.
  state_.store(pack(generation_ + 1, 0), std::memory_order_seq_cst);
  generation_ += 2;
  tasks_.store(tasks, std::memory_order_release);
  thunk_ = thunk;
  fn_ = fn;
  error_ = nullptr;
  done_.store(0, std::memory_order_relaxed);
  state_.store(pack(generation_, 0), std::memory_order_release);
  wake_.store(generation_, std::memory_order_release);
  wake_.notify_all();
  drain(generation_, 0);
  std::size_t done = done_.load(std::memory_order_acquire);
  for (int spin = 0; done < tasks; done = done_.load(std::memory_order_acquire)) {
    if (++spin < kSpin) {
      cpu_relax();
    } else {
      done_.wait(done, std::memory_order_acquire);
    }
  }
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void ThreadTeam::drain(std::uint32_t generation, int worker) {
  std::uint64_t state = state_.load(std::memory_order_acquire);
  for (;;) {
    if (generation_of(state) != generation) return;
    const std::size_t tasks = tasks_.load(std::memory_order_acquire);
    if (next_of(state) >= tasks) return;
    if (!state_.compare_exchange_weak(state, state + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
    try {
      thunk_(fn_, next_of(state), worker);
    } catch (...) {
      std::lock_guard lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
    }
    if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == tasks) done_.notify_all();
    state = state_.load(std::memory_order_acquire);
  }
}

void ThreadTeam::help(int worker) {
  std::uint32_t seen = 0;
  for (;;) {
    std::uint32_t now = wake_.load(std::memory_order_acquire);
    for (int spin = 0; now == seen; now = wake_.load(std::memory_order_acquire)) {
      if (++spin < kSpin) {
        cpu_relax();
      } else {
        wake_.wait(seen, std::memory_order_acquire);
      }
    }
    if (stop_.load(std::memory_order_acquire)) return;
    seen = now;
    if (now % 2 == 0) drain(now, worker);
  }
}

}  // namespace epochscope
