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

io::SessionMeta session_meta(const TrainCommand& cmd, const store::PointSet& points) {
  const auto& o = cmd.options;
  return {{"tool", "epochscope 0.1.0"},
          {"model", train::model_description(points, o.model)},
          {"preset", train::to_string(o.model.preset)},
          {"activation", train::to_string(o.model.activation)},
          {"width", std::to_string(train::resolved_width(o.model))},      // with preset and activation:
          {"dropout", fmt::format("{}", train::resolved_dropout(o.model))},  // enough to rebuild the model
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
    : path_(path), writer_(std::make_unique<io::SessionWriter>(path, points, meta)), point_count_(points.size()) {
  bytes_ = writer_->bytes_written();
}

std::optional<std::string> SessionRecorder::append(const store::Frame& frame) {
  if (!writer_) return std::nullopt;
  try {
    last_location_ = writer_->append(frame);
    for (const auto& [name, b] : writer_->last_layer_bytes()) layer_bytes_[name] += static_cast<double>(b);
    bytes_ = writer_->bytes_written();
    return std::nullopt;
  } catch (const std::exception& e) {
    writer_.reset();
    return fmt::format("{}; training goes on in memory, frames from {} on are not saved", e.what(), frame.index);
  }
}

std::optional<std::string> SessionRecorder::append_trajectory(const store::EpochStore& store) {
  if (!writer_) return std::nullopt;
  try {
    const auto points = store.trajectory().since(trajectory_written_);
    writer_->append_trajectory(points);
    trajectory_written_ += points.size();
    bytes_ = writer_->bytes_written();
    return std::nullopt;
  } catch (const std::exception& e) {
    writer_.reset();
    return fmt::format("{}; training goes on in memory, nothing more is saved", e.what());
  }
}

std::optional<std::string> SessionRecorder::append_layout(const io::LayoutRecord& layout) {
  if (!writer_) return std::nullopt;
  try {
    writer_->append_layout(layout);
    bytes_ = writer_->bytes_written();
    return std::nullopt;
  } catch (const std::exception& e) {
    writer_.reset();
    return fmt::format("{}; training goes on in memory, nothing more is saved", e.what());
  }
}

std::optional<std::string> SessionRecorder::append_selection(const store::NamedSelection& selection, bool deleted) {
  if (!writer_) return "the session file is no longer written";
  try {  // refused selections leave the file as it was and the writer going
    if (deleted) {
      if (!store::plausible_selection_name(selection.name)) return "not a selection name: '" + selection.name + "'";
    } else {
      store::validate(selection, point_count_);
    }
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  try {
    if (deleted) writer_->append_selection_deletion(selection.name);
    else writer_->append_selection(selection);
    bytes_ = writer_->bytes_written();
    return std::nullopt;
  } catch (const std::exception& e) {
    writer_.reset();
    return fmt::format("{}; training goes on in memory, nothing more is saved", e.what());
  }
}

std::optional<std::string> SessionRecorder::finish(std::size_t frames, const std::string& reason) {
  if (!writer_) return std::nullopt;
  try {
    writer_->finish(frames, reason);
    bytes_ = writer_->bytes_written();
    return std::nullopt;
  } catch (const std::exception& e) {
    writer_.reset();
    return fmt::format("{}; the session holds every frame but not its end record", e.what());
  }
}

BackgroundRecorder::BackgroundRecorder(std::shared_ptr<const store::EpochStore> store,
                                       std::unique_ptr<SessionRecorder> recorder, std::size_t expected_frames,
                                       OnFrameSaved on_saved)
    : path_(recorder->path()) {
  thread_ = std::jthread([this, store = std::move(store), rec = std::move(recorder), expected_frames,
                          on_saved = std::move(on_saved)](std::stop_token stop) {
    std::size_t written = 0;
    auto warn = [this](std::optional<std::string> w) {
      if (!w) return;
      std::lock_guard lock(mutex_);
      if (warning_.empty()) warning_ = *w;
    };
    auto append_frame = [&](std::size_t i) {
      warn(rec->append(*store->frame(i)));
      warn(rec->append_trajectory(*store));  // the steps that led to this frame
      if (!rec->ok()) return;
      saved_frames_.store(i + 1);
      if (on_saved) on_saved(i, rec->last_location());
    };
    bool ended = false;
    auto end_once = [&] {  // the end record, once training is over and its frames are written
      if (ended || !store->closed() || written != store->size()) return;
      ended = true;
      warn(rec->append_trajectory(*store));  // a stopped run's last steps
      warn(rec->finish(written, expected_frames > 0 && written >= expected_frames ? "finished" : "stopped"));
    };
    auto write_queued = [&] {
      std::vector<io::LayoutRecord> layouts;
      std::vector<QueuedSelection> selections;
      {
        std::lock_guard lock(mutex_);
        layouts.swap(layouts_);
        selections.swap(selections_);
      }
      for (const auto& l : layouts) {
        warn(rec->append_layout(l));
        if (rec->ok()) saved_layouts_.fetch_add(1);
      }
      for (auto& s : selections) {
        const bool was_ok = rec->ok();
        const auto why = rec->append_selection(s.selection, s.deleted);
        if (was_ok && !rec->ok()) warn(why);  // the file failed: as for a frame
        if (s.done) s.done(why.value_or(""));
      }
    };
    while (true) {
      {
        std::unique_lock lock(mutex_);
        // Wakes for a new frame within 50 ms, for a queued layout at once.
        wake_.wait_for(lock, stop, std::chrono::milliseconds(50), [&] { return !layouts_.empty() || !selections_.empty(); });
      }
      while (written < store->size()) append_frame(written++);
      write_queued();
      if (stop.stop_requested()) {
        while (written < store->size()) append_frame(written++);
        end_once();
        break;
      }
      end_once();
      write_queued();
      if (store->closed() && written == store->size()) {
        std::unique_lock lock(mutex_);
        if (layouts_.empty() && selections_.empty()) {
          // Training is over: layouts and selections may still come while the window stays open.
          wake_.wait(lock, stop, [&] { return !layouts_.empty() || !selections_.empty(); });
          if (stop.stop_requested() && layouts_.empty() && selections_.empty()) break;
        }
      }
    }
    {
      std::lock_guard lock(mutex_);  // the provisional layouts, each view's and frame's last
      for (auto& [key, layout] : held_) layouts_.push_back(std::move(layout));
      held_.clear();
    }
    write_queued();
  });
}

BackgroundRecorder::~BackgroundRecorder() = default;  // jthread: request_stop + join

void BackgroundRecorder::add_layout(io::LayoutRecord layout, bool provisional) {
  {
    std::lock_guard lock(mutex_);
    if (provisional) {
      auto key = fmt::format("{}/{}/{}/{}", layout.method, layout.layer, layout.dims, layout.frame);
      held_.insert_or_assign(std::move(key), std::move(layout));
      return;
    }
    layouts_.push_back(std::move(layout));
  }
  wake_.notify_one();
}

void BackgroundRecorder::add_selection(store::NamedSelection selection, bool deleted,
                                       std::function<void(const std::string&)> done) {
  {
    std::lock_guard lock(mutex_);
    selections_.push_back({std::move(selection), deleted, std::move(done)});
  }
  wake_.notify_one();
}

std::string BackgroundRecorder::warning() const {
  std::lock_guard lock(mutex_);
  return warning_;
}

}  // namespace epochscope::app
