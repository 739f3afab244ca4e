// The long run of the reliability issue: trains the default model for --epochs (200) while a layout
// pool computes all seven methods on the output layer for every frame (as four windows' worth of
// views would), records the session file as the window does (so the store can let go of old
// frames' activations, see store::MemoryOptions), and reports the resident memory as it goes and
// at its peak. Headless: the store, the pool and the trainer are the window's; drawing adds a
// constant (GL buffers per view).
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

#include "epochscope/io/session.hpp"
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
  std::string session = "/tmp/epochscope-long-run.epochscope";
  cli.add_option("--data-dir", data_dir)->required();
  cli.add_option("--session", session, "the session file it writes")->capture_default_str();
  double resident_mb = static_cast<double>(o.memory.resident_bytes) / 1048576.0;
  cli.add_option("--resident-mb", resident_mb, "activations the store keeps in memory (0: all)")->capture_default_str();
  cli.add_option("--epochs", o.epochs)->capture_default_str();
  cli.add_option("--threads", o.threads, "training threads (the pool has one worker)")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

  o.memory.resident_bytes = static_cast<std::size_t>(resident_mb * 1048576.0);
  auto ds = es::data::load_dataset({.name = "mnist", .data_dir = data_dir});
  es::train::Trainer trainer(std::move(ds), o);
  es::jobs::PoolOptions po;
  po.workers = 1;
  es::jobs::LayoutPool pool(trainer.store(), po);
  es::io::SessionWriter writer(session, trainer.store()->points(), {{"tool", "long_run"}});
  const auto on_saved = es::io::evict_when_saved(trainer.store(), session);
  std::size_t written = 0;
  auto save_new_frames = [&] {
    while (written < trainer.store()->size()) {
      on_saved(written, writer.append(*trainer.store()->frame(written)));
      ++written;
    }
  };
  for (auto m : es::jobs::all_methods()) pool.request({m, "output", 2});
  const auto start = std::chrono::steady_clock::now();
  trainer.start();
  std::size_t reported = 0;
  while (!trainer.store()->closed()) {
    trainer.store()->wait_for(written + 1, std::chrono::milliseconds(500));
    save_new_frames();
    const std::size_t frames = trainer.store()->size();
    if (frames >= reported + 10) {
      reported = frames - frames % 10;
      int final_layouts = 0;
      for (auto m : es::jobs::all_methods()) final_layouts += pool.status({m, "output", 2}).frames_final;
      fmt::print("frames {:4}  final layouts {:5}  store {:6.1f} MB ({} evicted)  rss {:7.1f} MB  peak {:7.1f} MB  {:6.0f} s\n",
                 frames, final_layouts, trainer.store()->resident_bytes() / 1048576.0, trainer.store()->evicted_frames(),
                 rss_mb(), peak_rss_mb(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      std::fflush(stdout);
    }
  }
  trainer.join();
  save_new_frames();
  writer.finish(written, "finished");
  pool.wait_idle(3600);
  int final_layouts = 0;
  for (auto m : es::jobs::all_methods()) final_layouts += pool.status({m, "output", 2}).frames_final;
  fmt::print("{{\"frames\": {}, \"final_layouts\": {}, \"store_resident_mb\": {:.1f}, \"evicted_frames\": {}, "
             "\"rss_mb\": {:.1f}, \"peak_rss_mb\": {:.1f}, \"seconds\": {:.0f}}}\n",
             trainer.store()->size(), final_layouts, trainer.store()->resident_bytes() / 1048576.0,
             trainer.store()->evicted_frames(), rss_mb(), peak_rss_mb(),
             std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}
