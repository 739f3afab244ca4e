#include <fmt/chrono.h>
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <ctime>

#include "commands.hpp"
#include "epochscope/core/paths.hpp"
#include "epochscope/io/session.hpp"
#include "progress_bar.hpp"
#include "session_recorder.hpp"

namespace epochscope::app {
namespace {

std::atomic<int> g_signal{0};  // written by the signal handler only
extern "C" void on_signal(int sig) { g_signal.store(sig); }

// Sets option `name` of `o` to `value`, checked as the command line checks the option itself.
void apply_sweep_value(train::TrainOptions& o, const std::string& name, const std::string& value) {
  std::size_t used = 0;
  double v = 0;
  try {
    v = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size()) throw Error("--sweep: " + name + " value '" + value + "' is not a number");
  auto in = [&](double lo, double hi, bool integer) {
    if (!(v >= lo && v <= hi) || (integer && v != std::floor(v))) {
      throw Error(fmt::format("--sweep: {} must be {} from {} to {}, not {}", name, integer ? "a whole number" : "a number", lo, hi, value));
    }
  };
  if (name == "momentum") {
    in(0.0, 0.9999, false);
    o.momentum = v;
  } else if (name == "lr") {
    in(1e-9, 10.0, false);
    o.learning_rate = v;
  } else if (name == "batch-size") {
    in(1, 65536, true);
    o.batch_size = static_cast<int>(v);
  } else if (name == "seed") {
    in(0, 9007199254740992.0, true);  // 2^53: every whole number a double holds exactly
    o.seed = static_cast<std::uint64_t>(v);
  } else if (name == "width") {
    in(0, 4096, true);
    o.model.width = static_cast<int>(v);
  } else if (name == "dropout") {
    in(0.0, 0.95, false);
    o.model.dropout = v;
  } else {
    throw Error("--sweep: cannot sweep '" + name + "' (it can sweep " + sweep_options() + ")");
  }
}

}  // namespace

const char* sweep_options() { return "momentum, lr, batch-size, seed, width, dropout"; }

void parse_sweep(const std::string& spec, TrainCommand& cmd) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    throw Error("--sweep wants NAME=V1,V2,... (e.g. momentum=0.5,0.9,0.99), not '" + spec + "'");
  }
  cmd.sweep_name = spec.substr(0, eq);
  cmd.sweep_values.clear();
  std::size_t start = eq + 1;
  while (true) {
    const auto comma = spec.find(',', start);
    const auto value = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    train::TrainOptions probe = cmd.options;
    apply_sweep_value(probe, cmd.sweep_name, value);  // throws for a bad value
    if (std::find(cmd.sweep_values.begin(), cmd.sweep_values.end(), value) != cmd.sweep_values.end()) {
      throw Error("--sweep: " + cmd.sweep_name + " value " + value + " is listed twice");
    }
    cmd.sweep_values.push_back(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (cmd.sweep_values.size() > 64) throw Error("--sweep: at most 64 values");
}

int run_sweep(const TrainCommand& cmd) {
  std::error_code ec;
  std::filesystem::create_directories(cmd.out, ec);
  if (!std::filesystem::is_directory(cmd.out)) {
    throw Error(cmd.out.string() + ": --sweep writes one session per value into a directory, and this is not one");
  }
  const auto count = cmd.sweep_values.size();
  for (std::size_t i = 0; i < count; ++i) {
    TrainCommand one = cmd;
    one.sweep_values.clear();
    apply_sweep_value(one.options, cmd.sweep_name, cmd.sweep_values[i]);
    one.out = cmd.out / fmt::format("{}-{}.epochscope", cmd.sweep_name, cmd.sweep_values[i]);
    fmt::print(stderr, "epochscope: sweep run {}/{}: {} = {} -> {}\n", i + 1, count, cmd.sweep_name, cmd.sweep_values[i],
               one.out.string());
    if (const int rc = run_train(one); rc != 0) {
      fmt::print(stderr, "epochscope: sweep stopped after run {}/{} (exit code {})\n", i + 1, count, rc);
      return rc;
    }
  }
  return 0;
}

int run_train(const TrainCommand& cmd) {
  auto dataset = data::load_dataset(cmd.dataset);
  const auto train_count = dataset.train_count();
  const auto test_count = dataset.test_count();
  train::Trainer trainer(std::move(dataset), cmd.options);
  auto store = trainer.store();
  const auto out = cmd.out.empty() ? default_session_path() : cmd.out;
  SessionRecorder writer(out, store->points(), session_meta(cmd, store->points()));
  const auto on_saved = io::evict_when_saved(store, out);  // memory stays bounded on long runs

  ProgressBar bar(!cmd.quiet);
  bar.line(fmt::format("epochscope: training on {} ({} training, {} held-out images), tracking {} points, {} epochs; "
                       "session: {}",
                       cmd.dataset.data_dir.empty() ? cmd.dataset.name : cmd.dataset.data_dir.string(), train_count,
                       test_count, store->points().size(), cmd.options.epochs, out.string()));
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  trainer.start();

  std::size_t written = 0;
  bool stop_requested = false;
  while (true) {
    store->wait_for(written + 1, std::chrono::milliseconds(150));
    while (written < store->size()) {
      auto frame = store->frame(written);
      if (auto warning = writer.append(*frame)) bar.line(fmt::format("epochscope: warning: {}", *warning));
      if (auto warning = writer.append_trajectory(*store)) bar.line(fmt::format("epochscope: warning: {}", *warning));
      if (writer.ok()) on_saved(written, writer.last_location());
      const auto& m = frame->metrics;
      bar.line(fmt::format("epoch {:>3}/{}: train loss {:.4f} acc {:5.1f}% | held-out loss {:.4f} acc {:5.1f}% | {:.2f} s",
                           frame->epoch, cmd.options.epochs, m.train_loss, 100 * m.train_accuracy, m.heldout_loss,
                           100 * m.heldout_accuracy, m.epoch_seconds));
      ++written;
    }
    if (g_signal.load() != 0 && !stop_requested) {
      trainer.request_stop();
      stop_requested = true;
    }
    if (store->closed() && written == store->size()) break;
    const auto p = trainer.progress();
    const double per_epoch = p.epoch > 1 && written > 1 ? p.elapsed_seconds / (p.epoch - 1 + double(p.batch) / std::max(1, p.batches)) : -1;
    const double remaining = per_epoch > 0 ? per_epoch * (p.epochs - p.epoch + 1 - double(p.batch) / std::max(1, p.batches)) : -1;
    bar.draw(p, remaining);
  }
  trainer.join();
  const auto p = trainer.progress();
  // The end record tells followers (`info --follow`, `epochscope --follow`) that no frame will come.
  const char* reason = p.state == train::TrainState::failed ? "failed" : stop_requested ? "stopped" : "finished";
  if (auto warning = writer.append_trajectory(*store)) bar.line(fmt::format("epochscope: warning: {}", *warning));
  if (auto warning = writer.finish(written, reason)) bar.line(fmt::format("epochscope: warning: {}", *warning));
  bar.finish();
  if (p.state == train::TrainState::failed) {
    fmt::print(stderr, "epochscope: training failed: {}\n", trainer.error());
    return 1;
  }
  if (written > 0 && writer.ok()) {
    std::string sizes;
    for (const auto& [name, b] : writer.layer_bytes()) {
      sizes += fmt::format(" {}={:.2f}", name, b / double(written) / double(store->points().size()));
    }
    bar.line(fmt::format("epochscope: wrote {} frames, {:.1f} MB, to {} (bytes per point per frame:{})", written,
                         double(writer.bytes_written()) / 1e6, out.string(), sizes));
  }
  if (stop_requested) {
    bar.line(fmt::format("epochscope: stopped by signal {}; the session holds {} frames", g_signal.load(), written));
    return 128 + g_signal.load();
  }
  return writer.ok() ? 0 : 1;
}

}  // namespace epochscope::app
