// Contract: where the window's frames come from: a live training run (Trainer + session file
// written on a background thread), an offline session file, or a session file another program is
// writing (followed on a background thread that publishes each frame as it lands); in every case an
// EpochStore and a LayoutPool over it. Destruction stops training and the workers (it may take up to a batch, so
// the App destroys retired sources off the main thread).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "commands.hpp"
#include "epochscope/io/session_follow.hpp"
#include "epochscope/jobs/layout_pool.hpp"
#include "epochscope/train/trainer.hpp"
#include "epochscope/ui/context.hpp"
#include "session_recorder.hpp"

namespace epochscope::app {

class DataSource {
 public:
  /// Loads the dataset, builds the trainer, opens the session file and starts training.
  /// Throws epochscope::Error (missing dataset, unwritable session file).
  static std::unique_ptr<DataSource> train(const TrainCommand& cmd);
  /// Reads a session file. Throws epochscope::Error when it is not a readable session.
  static std::unique_ptr<DataSource> open_session(const std::filesystem::path& file);
  /// Follows a session another program is appending to; `follower` has read the header. Frames go
  /// into the store as they land; the store closes at the writer's end record or on damage.
  static std::unique_ptr<DataSource> follow_session(std::unique_ptr<io::SessionFollower> follower);
  ~DataSource();

  std::shared_ptr<store::EpochStore> store() const { return store_; }
  jobs::LayoutPool& pool() { return *pool_; }
  train::Trainer* trainer() { return trainer_.get(); }
  const std::string& label() const { return label_; }
  /// A warning to show (damaged tail, session write failure), or empty.
  std::string warning() const;
  ui::TrainingStatus status() const;
  /// The followed file was truncated or replaced (a new run): the App follows it afresh.
  bool follow_restarted() const { return follow_restarted_.load(); }

 private:
  DataSource() = default;
  void make_pool();
  std::unique_ptr<train::Trainer> trainer_;
  std::shared_ptr<store::EpochStore> store_;
  std::unique_ptr<BackgroundRecorder> recorder_;
  std::unique_ptr<jobs::LayoutPool> pool_;
  std::string label_;
  std::string warning_;
  // Following: the thread's findings, read by the UI thread.
  mutable std::mutex follow_mutex_;
  std::string follow_warning_;
  std::string follow_state_;  ///< empty (not following), "following", "finished", "stopped"
  std::atomic<bool> follow_restarted_{false};
  std::jthread follow_thread_;
};

/// Another run's parameter snapshots and held-out losses, for the trajectory overlay (the window
/// calls it on a worker thread). Throws epochscope::Error when the file is not a readable session.
ui::OverlayRun read_overlay_run(const std::string& path);

/// The training options the window uses: the command's, niced (5) unless a niceness is set.
TrainCommand window_train_command(TrainCommand cmd);

}  // namespace epochscope::app
