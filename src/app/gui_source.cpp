#include "gui_source.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <thread>

#include "epochscope/io/session.hpp"

namespace epochscope::app {

TrainCommand window_train_command(TrainCommand cmd) {
  if (cmd.options.threads == 0) {
    // Leave one core to drawing.
    cmd.options.threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
  }
  return cmd;
}

void DataSource::make_pool() {
  jobs::PoolOptions options;
  options.workers = 1;
  pool_ = std::make_unique<jobs::LayoutPool>(store_, options);
}

std::unique_ptr<DataSource> DataSource::train(const TrainCommand& raw) {
  const TrainCommand cmd = window_train_command(raw);
  auto dataset = data::load_dataset(cmd.dataset);
  const std::string name = cmd.dataset.data_dir.empty() ? cmd.dataset.name : cmd.dataset.data_dir.filename().string();
  std::unique_ptr<DataSource> s(new DataSource());
  s->trainer_ = std::make_unique<train::Trainer>(std::move(dataset), cmd.options);
  s->store_ = s->trainer_->store();
  const auto out = cmd.out.empty() ? default_session_path() : cmd.out;
  auto recorder = std::make_unique<SessionRecorder>(out, s->store_->points(), session_meta(cmd));
  s->recorder_ = std::make_unique<BackgroundRecorder>(s->store_, std::move(recorder));
  s->label_ = fmt::format("Training {} ({} points), session {}", name, s->store_->points().size(), out.filename().string());
  s->make_pool();
  s->trainer_->start();
  return s;
}

std::unique_ptr<DataSource> DataSource::open_session(const std::filesystem::path& file) {
  auto session = io::read_session(file);
  std::unique_ptr<DataSource> s(new DataSource());
  s->store_ = std::make_shared<store::EpochStore>(session.points);
  for (auto& f : session.frames) s->store_->publish(f);
  s->store_->close();
  s->warning_ = session.warning;
  if (session.frames.empty()) {
    s->warning_ = s->warning_.empty() ? "the session holds no frames" : s->warning_ + "; no frames left";
  }
  s->label_ = fmt::format("Session {} ({} frames, {} points)", file.filename().string(), session.frames.size(),
                          session.points->size());
  s->make_pool();
  return s;
}

DataSource::~DataSource() {
  if (trainer_) trainer_->request_stop();
  pool_.reset();      // workers read the store: stop them first
  trainer_.reset();   // joins the training thread (within a batch)
  recorder_.reset();  // writes what was published, then stops
}

std::string DataSource::warning() const {
  if (recorder_) {
    auto w = recorder_->warning();
    if (!w.empty()) return w;
  }
  return warning_;
}

ui::TrainingStatus DataSource::status() const {
  ui::TrainingStatus t;
  if (!trainer_) return t;
  const auto p = trainer_->progress();
  t.live = true;
  t.state = train::to_string(p.state);
  t.epoch = p.epoch;
  t.epochs = p.epochs;
  t.batch = p.batch;
  t.batches = p.batches;
  t.loss = p.loss;
  t.accuracy = p.accuracy;
  t.images_per_second = p.images_per_second;
  const double done = std::max(0, p.epoch - 1) + double(p.batch) / std::max(1, p.batches);
  if (p.state == train::TrainState::running && done > 0.05 && p.elapsed_seconds > 0) {
    t.eta_seconds = p.elapsed_seconds / done * (p.epochs - done);
  }
  t.error = trainer_->error();
  return t;
}

}  // namespace epochscope::app
