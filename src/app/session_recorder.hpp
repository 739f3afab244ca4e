// Contract: writing a training run's session file, shared by `epochscope train` and the window.
// SessionRecorder appends frames in order; a write failure is reported once and later frames are
// skipped (training goes on in memory). BackgroundRecorder does the same on its own thread for the
// window, so the render loop never waits on the disk.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <filesystem>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "commands.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/store/selection.hpp"
#include "epochscope/store/epoch_store.hpp"

namespace epochscope::app {

/// A new file under data_home()/sessions named after the local time.
std::filesystem::path default_session_path();
/// What the session records about how it was made.
io::SessionMeta session_meta(const TrainCommand& cmd, const store::PointSet& points);

class SessionRecorder {
 public:
  /// Creates the file and writes the header. Throws epochscope::Error.
  SessionRecorder(const std::filesystem::path& path, const store::PointSet& points, const io::SessionMeta& meta);
  /// Appends one frame. Returns a one-line warning on the first failure (saving stops then).
  std::optional<std::string> append(const store::Frame& frame);
  /// Appends the trajectory points of `store` not written yet; the same failure rule as append().
  std::optional<std::string> append_trajectory(const store::EpochStore& store);
  /// Appends one final layout; the same failure rule as append().
  std::optional<std::string> append_layout(const io::LayoutRecord& layout);
  /// Appends a named selection (or its deletion). A selection the session cannot hold (a bad name
  /// or index) is refused with a one-line reason and nothing written; a write failure follows
  /// append()'s rule.
  std::optional<std::string> append_selection(const store::NamedSelection& selection, bool deleted);
  /// Appends the end record (`frames` frames were written; no more will come) so followers stop
  /// waiting; the same failure rule as append().
  std::optional<std::string> finish(std::size_t frames, const std::string& reason);
  bool ok() const { return writer_ != nullptr; }
  /// Where the last appended frame's record lies in the file.
  io::FrameLocation last_location() const { return last_location_; }
  const std::filesystem::path& path() const { return path_; }
  std::uint64_t bytes_written() const { return bytes_; }
  /// Encoded bytes per layer, summed over the frames appended.
  const std::map<std::string, double>& layer_bytes() const { return layer_bytes_; }

 private:
  std::filesystem::path path_;
  std::unique_ptr<io::SessionWriter> writer_;
  std::uint64_t bytes_ = 0;
  std::size_t point_count_ = 0;
  io::FrameLocation last_location_;
  std::size_t trajectory_written_ = 0;
  std::map<std::string, double> layer_bytes_;
};

using io::OnFrameSaved;

/// Appends every frame the store publishes, on its own thread, until the store closes or the
/// recorder is destroyed (it then writes what is already published and stops). Layouts handed to
/// add_layout() are written on the same thread after the frames published before them. Once the
/// store closes and its frames are written, the end record follows (layouts may still come after).
class BackgroundRecorder {
 public:
  /// expected_frames: frames a complete run has (epochs + 1); the end record says "finished" when
  /// they were all written, "stopped" otherwise.
  BackgroundRecorder(std::shared_ptr<const store::EpochStore> store, std::unique_ptr<SessionRecorder> recorder,
                     std::size_t expected_frames = 0, OnFrameSaved on_saved = {});
  ~BackgroundRecorder();
  BackgroundRecorder(const BackgroundRecorder&) = delete;
  BackgroundRecorder& operator=(const BackgroundRecorder&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// The write failure, if any (read from the UI thread).
  std::string warning() const;
  /// Queues a final layout for the file (thread-safe, never waits on the disk). A provisional one
  /// (PCA's, refitted on the latest frame after every epoch) replaces the one held before for the
  /// same view and frame and is written when the recorder stops, so the file holds each frame once.
  void add_layout(io::LayoutRecord layout, bool provisional = false);
  /// Queues a named selection (or, with `deleted`, its removal) for the file, written after the frames
  /// published before it (thread-safe, never waits on the disk). `done` runs on the recorder's thread
  /// with an empty string once it is written, or with the reason it was not.
  void add_selection(store::NamedSelection selection, bool deleted, std::function<void(const std::string&)> done);
  /// Frames and layouts written and flushed so far.
  std::size_t saved_frames() const { return saved_frames_.load(); }
  std::size_t saved_layouts() const { return saved_layouts_.load(); }

 private:
  std::filesystem::path path_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::vector<io::LayoutRecord> layouts_;  ///< queued, guarded by mutex_
  struct QueuedSelection {
    store::NamedSelection selection;
    bool deleted = false;
    std::function<void(const std::string&)> done;
  };
  std::vector<QueuedSelection> selections_;  ///< queued, guarded by mutex_
  /// Provisional layouts by method/layer/dims/frame, held until the recorder stops (guarded by mutex_).
  std::map<std::string, io::LayoutRecord> held_;
  std::atomic<std::size_t> saved_frames_{0}, saved_layouts_{0};
  std::string warning_;
  std::jthread thread_;
};

}  // namespace epochscope::app
