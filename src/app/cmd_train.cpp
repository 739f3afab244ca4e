#include <fmt/chrono.h>
#include <fmt/core.h>

#include <atomic>
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

}  // namespace

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
