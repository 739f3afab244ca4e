// Contract: where the window's frames come from: a live training run (Trainer + session file
// written on a background thread), an offline session file, or a session file another program is
// writing (followed on a background thread that publishes each frame as it lands); in every case an
// EpochStore and a LayoutPool over it. Destruction stops training and the workers (it may take up to a batch, so
// the App destroys retired sources off the main thread).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "commands.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/io/session_follow.hpp"
#include "epochscope/jobs/layout_pool.hpp"
#include "epochscope/jobs/tasks.hpp"
#include "epochscope/store/selection.hpp"
#include "epochscope/train/trainer.hpp"
#include "epochscope/ui/context.hpp"
#include "session_recorder.hpp"

namespace epochscope::app {

class DataSource {
 public:
  /// Loads the dataset, builds the trainer and opens the session file; the caller starts the trainer
  /// (trainer()->start()) from the window's thread, so it outranks the layout workers.
  /// Throws epochscope::Error (missing dataset, unwritable session file).
  static std::unique_ptr<DataSource> train(const TrainCommand& cmd);
  /// Reads a session file; the store keeps `memory` of it resident and reads the rest back from the
  /// file when shown (each read taking `read_delay` seconds more: GUI tests of a slow disk). Throws
  /// epochscope::Error when it is not a readable session. keep_layouts: layouts computed here are
  /// appended to a finished session for next time (`render` reads only: the window may be appending).
  static std::unique_ptr<DataSource> open_session(const std::filesystem::path& file, const store::MemoryOptions& memory = {},
                                                  double read_delay = 0, bool keep_layouts = true);
  /// Follows a session another program is appending to; `follower` has read the header. Frames go
  /// into the store as they land; the store closes at the writer's end record or on damage.
  static std::unique_ptr<DataSource> follow_session(std::shared_ptr<io::SessionFollower> follower);
  ~DataSource();

  std::shared_ptr<store::EpochStore> store() const { return store_; }
  /// The session's named selections (those read with it, then those saved or deleted here).
  std::vector<store::NamedSelection> selections() const;
  /// Whether selections can be saved: a live run's file while it is written, or a finished session
  /// file opened for appending.
  bool can_save_selections() const { return layouts_ != nullptr || recorder_ != nullptr; }
  /// Saves (or, with `deleted`, removes) a named selection in the session file, off the caller's
  /// thread; the list changes once it is written. The last failure, if any, in selections_error().
  void save_selection(store::NamedSelection selection, bool deleted);
  std::string selections_error() const;
  jobs::LayoutPool& pool() { return *pool_; }
  train::Trainer* trainer() { return trainer_.get(); }
  const std::string& label() const { return label_; }
  /// The session file: the one written (training), read or followed.
  const std::filesystem::path& session_file() const { return file_; }
  /// The session's metadata (the model it trains: train::model_from_meta); empty when following.
  const std::map<std::string, std::string>& meta() const { return meta_; }
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
  std::unique_ptr<io::SessionWriter> layouts_;  ///< a finished session opened: its new layouts go here
  // Named selections (format 1.5): read with the session, saved to layouts_ on selection_writer_.
  mutable std::mutex selections_mutex_;
  std::vector<store::NamedSelection> selections_;
  std::string selections_error_;
  std::atomic<std::size_t> saved_layouts_{0};
  std::mutex layouts_mutex_;  ///< one layout written to layouts_ at a time
  std::shared_ptr<CoreLoans> loans_;  ///< the cores the layout workers borrow from training (training only)
  std::unique_ptr<jobs::LayoutPool> pool_;
  std::string label_;
  std::filesystem::path file_;
  std::map<std::string, std::string> meta_;
  std::string warning_;
  // Following: the thread's findings, read by the UI thread.
  mutable std::mutex follow_mutex_;
  std::string follow_warning_;
  std::string follow_state_;  ///< empty (not following), "following", "finished", "stopped"
  std::atomic<bool> follow_restarted_{false};
  std::jthread follow_thread_;
  jobs::TaskRunner selection_writer_;  ///< last: it goes (joining its writes) before what they use
};

/// Opens the window's data source off the window's thread: reading a session, loading a dataset and
/// starting training, or reading the header of a followed file all take time (seconds for 70,000
/// points), so they run on the window's TaskRunner while the window says what it is doing. poll(),
/// every frame, hands over the source once it is open, or the one-line reason it could not be.
class SourceOpener {
 public:
  explicit SourceOpener(jobs::TaskRunner& tasks) : tasks_(tasks) {}
  void open_session(const std::filesystem::path& file, const store::MemoryOptions& memory, double read_delay);
  void train(const TrainCommand& cmd);
  /// Follows `file`: its header is read (on a worker, every 250 ms) until it is there.
  void follow(const std::filesystem::path& file);
  /// Stops waiting for a followed file's header.
  void stop_following() { follower_.reset(); }

  struct Progress {
    std::unique_ptr<DataSource> source;  ///< open: show it
    std::string error;                   ///< could not open: say why (one line)
    std::string status;                  ///< still opening: what it is doing (empty: nothing going on)
  };
  Progress poll();

 private:
  using Opened = std::shared_ptr<std::unique_ptr<DataSource>>;
  void start(std::function<std::unique_ptr<DataSource>()> make, std::string doing, std::string failing);
  jobs::TaskRunner& tasks_;
  jobs::TaskPtr<Opened> task_;
  std::string doing_, failing_;
  std::shared_ptr<io::SessionFollower> follower_;  ///< a followed file whose header is not there yet
  std::filesystem::path follow_path_;
  std::chrono::steady_clock::time_point next_try_{};
};

/// Another run's parameter snapshots and held-out losses, for the trajectory overlay (the window
/// calls it on a worker thread). Throws epochscope::Error when the file is not a readable session.
ui::OverlayRun read_overlay_run(const std::string& path);

/// The training options the window uses: the command's, niced (5) unless a niceness is set.
TrainCommand window_train_command(TrainCommand cmd);

}  // namespace epochscope::app
