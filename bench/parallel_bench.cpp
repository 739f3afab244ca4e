// `make bench` helper: the one parallel loop (core/parallel ThreadTeam) against oneTBB and OpenMP on
// the two shapes our projections have: many tiny runs back to back (UMAP runs one per colour per
// epoch: about 20 a epoch, each a few microseconds of work per thread) and fewer runs of many
// tasks (Barnes-Hut: one per t-SNE iteration, a task per group of points). Same work, same threads,
// median of 5; prints one JSON object. OpenMP runs with the OMP_WAIT_POLICY in effect (the Makefile
// exports PASSIVE, which libtorch needs next to other work on these cores).
#include <omp.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "epochscope/core/parallel.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// One task's work: `n` multiply-adds into its own slot (the result is kept so nothing is optimised away).
void work(std::vector<double>& out, std::size_t task, int n) {
  double acc = out[task];
  for (int i = 0; i < n; ++i) acc = acc * 0.999999 + std::sqrt(static_cast<double>(i + task));
  out[task] = acc;
}

struct Shape {
  const char* name;
  int runs;
  std::size_t tasks;
  int work_per_task;
};

template <class F>
double median_seconds(F&& f) {
  std::vector<double> s;
  for (int r = 0; r < 5; ++r) {
    const auto t0 = Clock::now();
    f();
    s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(s.begin(), s.end());
  return s[2];
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::max(1, std::atoi(argv[1])) : 2;
  const Shape shapes[] = {{"many tiny runs (UMAP's colour steps)", 20000, 2, 400},
                          {"runs of many tasks (Barnes-Hut groups)", 750, 80, 4000}};
  std::printf("{\"threads\": %d, \"shapes\": [", threads);
  bool first = true;
  for (const auto& s : shapes) {
    std::vector<double> out(s.tasks, 1.0);
    epochscope::ThreadTeam team(threads);
    const double t_team = median_seconds([&] {
      for (int r = 0; r < s.runs; ++r) team.run(s.tasks, [&](std::size_t t, int) { work(out, t, s.work_per_task); });
    });
    tbb::task_arena arena(threads);
    const double t_tbb = median_seconds([&] {
      arena.execute([&] {
        for (int r = 0; r < s.runs; ++r) {
          tbb::parallel_for(tbb::blocked_range<std::size_t>(0, s.tasks, 1), [&](const tbb::blocked_range<std::size_t>& b) {
            for (std::size_t t = b.begin(); t != b.end(); ++t) work(out, t, s.work_per_task);
          }, tbb::simple_partitioner());
        }
      });
    });
    const double t_omp = median_seconds([&] {
      for (int r = 0; r < s.runs; ++r) {
        const auto n = static_cast<long>(s.tasks);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
        for (long t = 0; t < n; ++t) work(out, static_cast<std::size_t>(t), s.work_per_task);
      }
    });
    double check = 0;
    for (double v : out) check += v;
    std::printf("%s{\"shape\": \"%s\", \"runs\": %d, \"tasks\": %zu, \"team_s\": %.4f, \"tbb_s\": %.4f, \"openmp_s\": %.4f, "
                "\"check\": %.3g}",
                first ? "" : ", ", s.name, s.runs, s.tasks, t_team, t_tbb, t_omp, check);
    first = false;
  }
  std::printf("]}\n");
  return 0;
}
