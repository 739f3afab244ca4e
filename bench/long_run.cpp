// The long run of the reliability issue: trains the default model for --epochs (200) while a layout
// pool computes all seven methods on the output layer for every frame (as four windows' worth of
// views would), and reports the resident memory as it goes and at its peak. Headless: the store,
// the pool and the trainer are the window's; drawing adds a constant (GL buffers per view).
//   build/long_run --data-dir ~/.local/share/epochscope/mnist --epochs 200
// One line per 10 epochs, then a JSON line: peak RSS, RSS at the end, frames, layouts.
#include <fmt/core.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "epochscope/jobs/layout_pool.hpp"
#include "epochscope/train/trainer.hpp"

namespace {

double rss_mb() {  // current resident set, from /proc/self/statm
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  namespace es = epochscope;
  CLI::App cli{"a long training run with every projection computing; reports memory"};
  es::train::TrainOptions o;
  o.epochs = 200;
  o.threads = 1;
  std::string data_dir;
  cli.add_option("--data-dir", data_dir)->required();
  cli.add_option("--epochs", o.epochs)->capture_default_str();
  cli.add_option("--threads", o.threads, "training threads (the pool has one worker)")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  auto ds = es::data::load_dataset({.name = "mnist", .data_dir = data_dir});
  es::train::Trainer trainer(std::move(ds), o);
  es::jobs::PoolOptions po;
  po.workers = 1;
  es::jobs::LayoutPool pool(trainer.store(), po);
  for (auto m : es::jobs::all_methods()) pool.request({m, "output", 2});
  const auto start = std::chrono::steady_clock::now();
  trainer.start();
  std::size_t reported = 0;
  while (!trainer.store()->closed()) {
    trainer.store()->wait_for(reported + 10, std::chrono::milliseconds(500));
    const std::size_t frames = trainer.store()->size();
    if (frames >= reported + 10) {
      reported = frames - frames % 10;
      int final_layouts = 0;
      for (auto m : es::jobs::all_methods()) final_layouts += pool.status({m, "output", 2}).frames_final;
      fmt::print("frames {:4}  final layouts {:5}  rss {:7.1f} MB  peak {:7.1f} MB  {:6.0f} s\n", frames, final_layouts,
                 rss_mb(), peak_rss_mb(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      std::fflush(stdout);
    }
  }
  trainer.join();
  pool.wait_idle(3600);
  int final_layouts = 0;
  for (auto m : es::jobs::all_methods()) final_layouts += pool.status({m, "output", 2}).frames_final;
  fmt::print("{{\"frames\": {}, \"final_layouts\": {}, \"rss_mb\": {:.1f}, \"peak_rss_mb\": {:.1f}, \"seconds\": {:.0f}}}\n",
             trainer.store()->size(), final_layouts, rss_mb(), peak_rss_mb(),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}
