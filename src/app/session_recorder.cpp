#include "session_recorder.hpp"

#include <fmt/chrono.h>
#include <fmt/core.h>

#include <ctime>

#include "epochscope/core/paths.hpp"

namespace epochscope::app {

std::filesystem::path default_session_path() {
  const std::time_t now = std::time(nullptr);
  return data_home() / "sessions" / fmt::format("session-{:%Y%m%d-%H%M%S}.epochscope", fmt::localtime(now));
}

io::SessionMeta session_meta(const TrainCommand& cmd) {
  const auto& o = cmd.options;
  return {{"tool", "epochscope 0.1.0"},
          {"model", "conv32-pool-conv64-pool-dense64-dropout-dense"},
          {"epochs", std::to_string(o.epochs)},
          {"batch_size", std::to_string(o.batch_size)},
          {"learning_rate", fmt::format("{}", o.learning_rate)},
          {"optimizer", train::to_string(o.optimizer)},
          {"momentum", fmt::format("{}", o.momentum)},
          {"seed", std::to_string(o.seed)},
          {"data_dir", cmd.dataset.data_dir.string()}};
}

SessionRecorder::SessionRecorder(const std::filesystem::path& path, const store::PointSet& points,
                                 const io::SessionMeta& meta)
    : path_(path), writer_(std::make_unique<io::SessionWriter>(path, points, meta)) {
  bytes_ = writer_->bytes_written();
}

std::optional<std::string> SessionRecorder::append(const store::Frame& frame) {
  if (!writer_) return std::nullopt;
  try {
    writer_->append(frame);
    for (const auto& [name, b] : writer_->last_layer_bytes()) layer_bytes_[name] += static_cast<double>(b);
    bytes_ = writer_->bytes_written();
    return std::nullopt;
  } catch (const std::exception& e) {
    writer_.reset();
    return fmt::format("{}; training goes on in memory, frames from {} on are not saved", e.what(), frame.index);
  }
}

BackgroundRecorder::BackgroundRecorder(std::shared_ptr<const store::EpochStore> store,
                                       std::unique_ptr<SessionRecorder> recorder)
    : path_(recorder->path()) {
  thread_ = std::jthread([this, store = std::move(store), rec = std::move(recorder)](std::stop_token stop) {
    std::size_t written = 0;
    while (true) {
      store->wait_for(written + 1, std::chrono::milliseconds(200));
      while (written < store->size()) {
        if (auto w = rec->append(*store->frame(written))) {
          std::lock_guard lock(mutex_);
          warning_ = *w;
        }
        ++written;
      }
      if (stop.stop_requested() || (store->closed() && written == store->size())) break;
    }
  });
}

BackgroundRecorder::~BackgroundRecorder() = default;  // jthread: request_stop + join

std::string BackgroundRecorder::warning() const {
  std::lock_guard lock(mutex_);
  return warning_;
}

}  // namespace epochscope::app
