// core: the parallel loop (ThreadTeam), which every parallel computation goes through.
#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

#include "epochscope/core/core_loans.hpp"
#include "epochscope/core/matrix.hpp"
#include "epochscope/core/parallel.hpp"
#include "epochscope/core/thread_priority.hpp"

using namespace epochscope;

TEST(ThreadTeam, RunsEveryTaskExactlyOnceOnAValidWorker) {
  for (const int threads : {1, 2, 3, 5}) {
    ThreadTeam team(threads);
    EXPECT_EQ(team.size(), std::max(threads, 1));
    for (const std::size_t tasks : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{1000}}) {
      std::vector<std::atomic<int>> seen(tasks);
      std::atomic<bool> bad_worker{false};
      team.run(tasks, [&](std::size_t t, int w) {
        if (w < 0 || w >= team.size()) bad_worker = true;
        ++seen[t];
      });
      for (std::size_t t = 0; t < tasks; ++t) EXPECT_EQ(seen[t].load(), 1) << threads << " threads, task " << t;
      EXPECT_FALSE(bad_worker.load());
    }
  }
}

TEST(ThreadTeam, ManyShortRunsBackToBackLoseNothing) {
  // What UMAP does: thousands of tiny runs in a row, each reading what the last one wrote.
  ThreadTeam team(3);
  std::vector<long> values(6, 0);
  for (int round = 0; round < 20000; ++round) {
    team.run(values.size(), [&](std::size_t t, int) { values[t] += static_cast<long>(t) + 1; });
  }
  for (std::size_t t = 0; t < values.size(); ++t) EXPECT_EQ(values[t], 20000L * static_cast<long>(t + 1));
}

TEST(ThreadTeam, PerWorkerScratchReducesToTheSerialAnswer) {
  // Per-worker partial sums reduced in worker order: integer arithmetic, so exact whatever ran where.
  std::vector<long> data(100000);
  std::iota(data.begin(), data.end(), 1);
  const long expected = std::accumulate(data.begin(), data.end(), 0L);
  for (const int threads : {1, 2, 4}) {
    ThreadTeam team(threads);
    std::vector<long> partial(static_cast<std::size_t>(team.size()), 0);
    team.run_chunks(data.size(), 1000, [&](std::size_t begin, std::size_t end, int w) {
      for (std::size_t i = begin; i < end; ++i) partial[static_cast<std::size_t>(w)] += data[i];
    });
    EXPECT_EQ(std::accumulate(partial.begin(), partial.end(), 0L), expected) << threads;
  }
}

TEST(ThreadTeam, ChunksCoverTheRowsInFixedPieces) {
  std::vector<std::pair<std::size_t, std::size_t>> pieces(4);
  parallel_chunks(3, 1000, 256, [&](std::size_t begin, std::size_t end, int) { pieces[begin / 256] = {begin, end}; });
  EXPECT_EQ(pieces[0], std::make_pair(std::size_t{0}, std::size_t{256}));
  EXPECT_EQ(pieces[3], std::make_pair(std::size_t{768}, std::size_t{1000}));
  int calls = 0;
  parallel_chunks(2, 0, 256, [&](std::size_t, std::size_t, int) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(ThreadTeam, AnExceptionReachesTheCallerAfterEveryTaskFinished) {
  ThreadTeam team(2);
  std::atomic<int> finished{0};
  EXPECT_THROW(team.run(50,
                        [&](std::size_t t, int) {
                          if (t == 17) throw std::runtime_error("task 17");
                          ++finished;
                        }),
               std::runtime_error);
  EXPECT_EQ(finished.load(), 49);
  // The team still works afterwards.
  std::atomic<int> again{0};
  team.run(10, [&](std::size_t, int) { ++again; });
  EXPECT_EQ(again.load(), 10);
}

// A lowered thread started by a lowered one takes what it asks for relative to the process, not on
// top of its creator's (the window's layout pool is made on a niced task: 10 + 10 was 19, and the
// trainer 10 + 5 = 15, below the layout workers it should outrank); asking for less raises nothing.
TEST(ThreadPriority, LoweredThreadsStartedByLoweredOnesDoNotCompound) {
  int outer = -1, inner = -1, asked_less = -1;
  std::thread([&] {
    epochscope::lower_thread_priority(6);
    outer = epochscope::thread_priority_offset();
    std::thread([&] {
      epochscope::lower_thread_priority(6);
      inner = epochscope::thread_priority_offset();
      epochscope::lower_thread_priority(3);
      asked_less = epochscope::thread_priority_offset();
    }).join();
  }).join();
  if (outer <= 0) GTEST_SKIP() << "this system does not let a thread lower its priority";
  EXPECT_EQ(inner, outer);  // 6 (or less where the process is already near 19), not 12
  EXPECT_EQ(asked_less, outer);
  EXPECT_EQ(epochscope::thread_priority_offset(), 0);  // the calling thread untouched
}

TEST(CoreLoans, LeasesCountUntilTheyEndAndTrainingKeepsOneThread) {
  CoreLoans loans;
  EXPECT_EQ(loans.borrowed(), 0);
  EXPECT_EQ(loans.threads_left(2), 2);
  {
    CoreLoans::Lease a(&loans, 1);
    CoreLoans::Lease b(&loans, 2);
    EXPECT_EQ(loans.borrowed(), 3);
    EXPECT_EQ(loans.threads_left(2), 1);  // never below one
    EXPECT_EQ(loans.threads_left(16), 13);
    CoreLoans::Lease moved(std::move(b));  // the moved-from lease gives nothing back
    EXPECT_EQ(loans.borrowed(), 3);
    a.release();
    a.release();  // idempotent
    EXPECT_EQ(loans.borrowed(), 2);
    a = std::move(moved);
    EXPECT_EQ(loans.borrowed(), 2);
  }
  EXPECT_EQ(loans.borrowed(), 0);
  const CoreLoans::Lease none(nullptr, 4);  // no loans to borrow from: nothing happens
  EXPECT_EQ(loans.borrowed(), 0);
  // Leases from many threads at once add up and cancel out.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&loans] {
      for (int i = 0; i < 10000; ++i) const CoreLoans::Lease lease(&loans, 1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(loans.borrowed(), 0);
}
