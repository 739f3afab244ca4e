// Contract: writing a training run's session file, shared by `epochscope train` and the window.
// SessionRecorder appends frames in order; a write failure is reported once and later frames are
// skipped (training goes on in memory). BackgroundRecorder does the same on its own thread for the
// window, so the render loop never waits on the disk.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "commands.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/store/epoch_store.hpp"

namespace epochscope::app {

/// A new file under data_home()/sessions named after the local time.
std::filesystem::path default_session_path();
/// What the session records about how it was made.
io::SessionMeta session_meta(const TrainCommand& cmd);

class SessionRecorder {
 public:
  /// Creates the file and writes the header. Throws epochscope::Error.
  SessionRecorder(const std::filesystem::path& path, const store::PointSet& points, const io::SessionMeta& meta);
  /// Appends one frame. Returns a one-line warning on the first failure (saving stops then).
  std::optional<std::string> append(const store::Frame& frame);
  bool ok() const { return writer_ != nullptr; }
  const std::filesystem::path& path() const { return path_; }
  std::uint64_t bytes_written() const { return bytes_; }
  /// Encoded bytes per layer, summed over the frames appended.
  const std::map<std::string, double>& layer_bytes() const { return layer_bytes_; }

 private:
  std::filesystem::path path_;
  std::unique_ptr<io::SessionWriter> writer_;
  std::uint64_t bytes_ = 0;
  std::map<std::string, double> layer_bytes_;
};

/// Appends every frame the store publishes, on its own thread, until the store closes or the
/// recorder is destroyed (it then writes what is already published and stops).
class BackgroundRecorder {
 public:
  BackgroundRecorder(std::shared_ptr<const store::EpochStore> store, std::unique_ptr<SessionRecorder> recorder);
  ~BackgroundRecorder();
  BackgroundRecorder(const BackgroundRecorder&) = delete;
  BackgroundRecorder& operator=(const BackgroundRecorder&) = delete;
  const std::filesystem::path& path() const { return path_; }
  /// The write failure, if any (read from the UI thread).
  std::string warning() const;

 private:
  std::filesystem::path path_;
  mutable std::mutex mutex_;
  std::string warning_;
  std::jthread thread_;
};

}  // namespace epochscope::app
