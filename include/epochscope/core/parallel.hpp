// Contract: the one way epochscope runs a loop in parallel. A ThreadTeam is a fixed set of threads
// owned by one computation (a projection, a kNN search): no globals and no process-wide pool, so
// the layout pool's jobs never queue behind each other and a team's size is exactly the threads the
// job was given. run(tasks, fn) calls fn(task, worker) once for every task in [0, tasks), worker in
// [0, size()), and returns when all are done; the calling thread works too. Tasks are handed out
// one at a time as workers free up, so a result must not depend on which worker ran which task:
// give every task its own piece of the output, or per-worker scratch reduced in a fixed order.
// run_chunks(n, chunk, fn) is the same over rows [0, n) in pieces of `chunk` rows, fn(begin, end,
// worker): the pieces, and so any per-piece arithmetic, do not depend on the thread count.
//
// Between two runs the helpers spin for about 50 microseconds before they sleep, so a computation
// that calls run() thousands of times a second (UMAP's colour steps, t-SNE's iterations) pays no
// wake-up, and an idle team costs nothing. An exception thrown by fn is rethrown by run() once
// every task has finished (the first one, if several threw). Not re-entrant: one run() at a time
// per team. Chosen over oneTBB and OpenMP (bench/parallel_bench.cpp, in `make bench`; 2 cores):
// 20,000 runs of 2 tiny tasks took 0.043 s here, 0.068 s with oneTBB and 2.6 s with OpenMP under
// the passive wait policy libtorch needs; 750 runs of 80 tasks were equal (0.37 s all three). And
// ThreadSanitizer sees all of its synchronisation (Debian's libtbb and libgomp are not
// instrumented, so a TSan run reports false races through them).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace epochscope {

class ThreadTeam {
 public:
  /// threads <= 1: every task runs on the calling thread, no thread is started.
  explicit ThreadTeam(int threads);
  ~ThreadTeam();
  ThreadTeam(const ThreadTeam&) = delete;
  ThreadTeam& operator=(const ThreadTeam&) = delete;

  /// Threads that run tasks, the caller's included.
  int size() const { return static_cast<int>(helpers_.size()) + 1; }

  /// fn(std::size_t task, int worker) for every task in [0, tasks).
  template <class Fn>
  void run(std::size_t tasks, Fn&& fn) {
    using F = std::remove_reference_t<Fn>;
    dispatch(tasks, [](void* f, std::size_t task, int worker) { (*static_cast<F*>(f))(task, worker); },
             const_cast<void*>(static_cast<const void*>(&fn)));
  }

  /// fn(std::size_t begin, std::size_t end, int worker) over [0, n) in pieces of `chunk` rows.
  template <class Fn>
  void run_chunks(std::size_t n, std::size_t chunk, Fn&& fn) {
    chunk = chunk == 0 ? 1 : chunk;
    run((n + chunk - 1) / chunk, [&](std::size_t c, int worker) {
      const std::size_t begin = c * chunk;
      fn(begin, begin + chunk < n ? begin + chunk : n, worker);
    });
  }

 private:
  using Thunk = void (*)(void*, std::size_t, int);
  void dispatch(std::size_t tasks, Thunk thunk, void* fn);
  void help(int worker);
  /// Claims and runs tasks of generation `generation` until none are left.
  void drain(std::uint32_t generation, int worker);

  std::vector<std::thread> helpers_;
  // state_: a generation (high 32 bits) and the next task to hand out (low 32 bits), claimed by
  // compare-and-swap, so a helper that wakes late can never take a task of a newer run. Runs use
  // even generations; before it changes tasks_ and fn_, a new run closes the old one under the odd
  // generation between them (a late claim on the old one then fails).
  std::atomic<std::uint64_t> state_{0};
  std::atomic<std::uint32_t> wake_{0};  ///< the running generation, for sleeping helpers (a futex word)
  std::atomic<std::size_t> done_{0};    ///< tasks of this run finished
  std::atomic<std::size_t> tasks_{0};   ///< tasks of this run
  std::uint32_t generation_ = 0;        ///< the caller's: the last run's generation
  Thunk thunk_ = nullptr;               ///< written before state_ opens a run, read after a claim
  void* fn_ = nullptr;
  std::atomic<bool> stop_{false};
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

/// A one-off parallel loop on a team of `threads` made for it (a loop that runs often keeps a team).
template <class Fn>
void parallel_for(int threads, std::size_t tasks, Fn&& fn) {
  ThreadTeam team(static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads > 1 ? threads : 1),
                                                         tasks > 1 ? tasks : 1)));
  team.run(tasks, std::forward<Fn>(fn));
}

/// The same over rows [0, n) in pieces of `chunk` rows: fn(begin, end, worker).
template <class Fn>
void parallel_chunks(int threads, std::size_t n, std::size_t chunk, Fn&& fn) {
  const std::size_t pieces = (n + (chunk == 0 ? 1 : chunk) - 1) / (chunk == 0 ? 1 : chunk);
  ThreadTeam team(static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads > 1 ? threads : 1),
                                                         pieces > 1 ? pieces : 1)));
  team.run_chunks(n, chunk, std::forward<Fn>(fn));
}

}  // namespace epochscope
