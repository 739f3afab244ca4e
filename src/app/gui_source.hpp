// Contract: where the window's frames come from: a live training run (Trainer + session file
// written on a background thread) or an offline session file; either way an EpochStore and a
// LayoutPool over it. Destruction stops training and the workers (it may take up to a batch, so
// the App destroys retired sources off the main thread).
#pragma once

#include <memory>
#include <string>

#include "commands.hpp"
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
  ~DataSource();

  std::shared_ptr<store::EpochStore> store() const { return store_; }
  jobs::LayoutPool& pool() { return *pool_; }
  train::Trainer* trainer() { return trainer_.get(); }
  const std::string& label() const { return label_; }
  /// A warning to show (damaged tail, session write failure), or empty.
  std::string warning() const;
  ui::TrainingStatus status() const;

 private:
  DataSource() = default;
  void make_pool();
  std::unique_ptr<train::Trainer> trainer_;
  std::shared_ptr<store::EpochStore> store_;
  std::unique_ptr<BackgroundRecorder> recorder_;
  std::unique_ptr<jobs::LayoutPool> pool_;
  std::string label_;
  std::string warning_;
};

/// The training options the window uses: the command's, with threads = cores - 1 (min 1) unless set.
TrainCommand window_train_command(TrainCommand cmd);

}  // namespace epochscope::app
