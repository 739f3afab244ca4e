// Times training epochs of the default CNN through the product's own Trainer (the same code path as
// `epochscope train`), one JSON line on stdout. The peer is bench/torch_epoch.py.
#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "epochscope/train/trainer.hpp"

int main(int argc, char** argv) {
  CLI::App cli{"time training epochs of the default model"};
  epochscope::train::TrainOptions o;
  o.epochs = 3;
  o.tracked = 100;  // the bench times the training pass; frame recording is timed apart
  std::string data_dir;
  cli.add_option("--data-dir", data_dir)->required();
  cli.add_option("--epochs", o.epochs);
  cli.add_option("--batch-size", o.batch_size);
  cli.add_option("--lr", o.learning_rate);
  cli.add_option("--threads", o.threads);
  cli.add_option("--tracked", o.tracked, "Points recorded after each epoch");
  cli.add_option("--layers", o.layers, "Record only these layers (default: every layer of the model)")->delimiter(',');
  bool busy = false;
  cli.add_flag("--busy", busy, "Keep one other thread busy meanwhile (as the render loop would)");
  CLI11_PARSE(cli, argc, argv);
  std::atomic<bool> done{false};
  std::jthread spinner;
  if (busy) {
    spinner = std::jthread([&] {
      volatile double x = 1;
      while (!done.load(std::memory_order_relaxed)) x = x * 1.0000001 + 1e-9;
    });
  }
  auto ds = epochscope::data::load_dataset({.name = "mnist", .data_dir = data_dir});
  const auto images = ds.train_count();
  epochscope::train::Trainer t(std::move(ds), o);
  t.start();
  t.join();
  done = true;
  const auto frames = t.store()->snapshot();
  // epoch: the training pass; cycle: from one frame to the next (the pass and recording the frame).
  std::vector<double> secs, cycles;
  for (std::size_t i = 1; i < frames.size(); ++i) {
    secs.push_back(frames[i]->metrics.epoch_seconds);
    cycles.push_back(frames[i]->metrics.wall_seconds - frames[i - 1]->metrics.wall_seconds);
  }
  if (secs.empty()) return 1;
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::string all;
  for (double s : secs) all += (all.empty() ? "" : ", ") + fmt::format("{:.4f}", s);
  fmt::print("{{\"peer\": \"epochscope-cpp\", \"epoch_seconds\": {:.4f}, \"cycle_seconds\": {:.4f}, \"all\": [{}], "
             "\"threads\": {}, \"batch_size\": {}, \"images\": {}, \"layers\": {}}}\n",
             median(secs), median(cycles), all, o.threads, o.batch_size, images, t.store()->points().layers.size());
  return 0;
}
