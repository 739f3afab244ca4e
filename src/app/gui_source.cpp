#include "gui_source.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <condition_variable>
#include <thread>

#include "epochscope/io/session.hpp"
#include "epochscope/jobs/layout_records.hpp"

namespace epochscope::app {

TrainCommand window_train_command(TrainCommand cmd) {
  // Every core, as headless (threads 0), but niced: training and the layout workers yield the CPU
  // to drawing (llvmpipe draws on the CPU too), which needs little of it since only what changed
  // is drawn again. (With one core left idle for drawing, epochs took 1.8x as long as headless.)
  if (cmd.options.nice == 0) cmd.options.nice = 5;
  return cmd;
}

void SourceOpener::start(std::function<std::unique_ptr<DataSource>()> make, std::string doing, std::string failing) {
  doing_ = std::move(doing);
  failing_ = std::move(failing);
  // (A task's value is shared and read-only: the source travels in a shared box and is moved out.)
  task_ = tasks_.submit([make = std::move(make)] { return std::make_shared<std::unique_ptr<DataSource>>(make()); });
}

void SourceOpener::open_session(const std::filesystem::path& file, const store::MemoryOptions& memory, double read_delay) {
  follower_.reset();
  start([file, memory, read_delay] { return DataSource::open_session(file, memory, read_delay); },
        fmt::format("Opening {}...", file.filename().string()), "cannot open the session");
}

void SourceOpener::train(const TrainCommand& cmd) {
  follower_.reset();
  const std::string what = cmd.dataset.data_dir.empty() ? cmd.dataset.name : cmd.dataset.data_dir.string();
  start([cmd] { return DataSource::train(cmd); }, fmt::format("Loading {} and starting training...", what),
        "cannot start training");
}

void SourceOpener::follow(const std::filesystem::path& file) {
  follow_path_ = file;
  follower_ = std::make_shared<io::SessionFollower>(file);
  next_try_ = {};
}

SourceOpener::Progress SourceOpener::poll() {
  Progress p;
  if (task_ && task_->ready()) {
    if (task_->failed()) {
      p.error = fmt::format("{}: {}", failing_, task_->error());
    } else if (*task_->value()) {
      p.source = std::move(*task_->value());
    }
    if (p.source || !p.error.empty()) follower_.reset();  // open, or given up
    task_.reset();
    if (p.source || !p.error.empty()) return p;
  }
  if (task_) {
    p.status = doing_;
    return p;
  }
  if (!follower_) return p;
  // A followed file: read its header on a worker, again every 250 ms, until it is there.
  if (std::chrono::steady_clock::now() >= next_try_) {
    next_try_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(250);
    doing_ = follower_->exists() ? fmt::format("Waiting for the session header in {}", follow_path_.string())
                                 : fmt::format("Waiting for {} to appear", follow_path_.string());
    failing_ = "cannot follow the session";
    auto follower = follower_;
    task_ = tasks_.submit([follower] {
      follower->poll(0);  // the header alone: the source's thread reads the frames
      return std::make_shared<std::unique_ptr<DataSource>>(follower->points() ? DataSource::follow_session(follower)
                                                                              : nullptr);
    });
  }
  p.status = doing_;
  return p;
}

ui::OverlayRun read_overlay_run(const std::string& path) {
  auto other = io::read_session(path);
  ui::OverlayRun run{std::filesystem::path(path).stem().string(), std::move(other.trajectory), {}};
  for (const auto& f : other.frames) {
    run.heldout_loss.push_back(static_cast<float>(f->metrics.heldout_loss));
    if (f->parameters) run.frames.push_back({f->index, f->epoch, f->parameters});  // the landscape's overlay
  }
  return run;
}

void DataSource::make_pool() {
  jobs::PoolOptions options = jobs::window_pool_options(std::thread::hardware_concurrency());
  if (recorder_) {
    // Final layouts go into the session file (the pool is destroyed before the recorder, so the
    // pointer outlives every call).
    options.on_final = [rec = recorder_.get()](const jobs::LayoutKey& key, std::shared_ptr<const jobs::LayoutResult> r) {
      // PCA refits its basis on the latest frame after every epoch: its layouts are kept until
      // training is over, so each frame is written once.
      if (jobs::worth_saving(key) && r && r->final && r->positions) {
        rec->add_layout(jobs::to_record(key, *r), key.method == jobs::Method::pca);
      }
    };
  } else if (layouts_) {
    // A saved session: what is computed here is appended to it (the pool goes before the writer).
    options.on_final = [w = layouts_.get(), saved = &saved_layouts_, m = &layouts_mutex_](
                           const jobs::LayoutKey& key, std::shared_ptr<const jobs::LayoutResult> r) {
      if (!jobs::worth_saving(key) || !r || !r->final || !r->positions) return;
      std::lock_guard lock(*m);  // the pool's workers finish layouts at the same time
      try {
        w->append_layout(jobs::to_record(key, *r));
        ++*saved;
      } catch (const std::exception&) {
        // A full disk: the layout is still shown, just not kept for next time.
      }
    };
  }
  options.loans = loans_;  // training steps aside while the workers compute (null: nothing trains)
  pool_ = std::make_unique<jobs::LayoutPool>(store_, options);
}

std::unique_ptr<DataSource> DataSource::train(const TrainCommand& raw) {
  const TrainCommand cmd = window_train_command(raw);
  auto dataset = data::load_dataset(cmd.dataset);
  const std::string name = cmd.dataset.data_dir.empty() ? cmd.dataset.name : cmd.dataset.data_dir.filename().string();
  std::unique_ptr<DataSource> s(new DataSource());
  s->loans_ = std::make_shared<CoreLoans>();
  auto options = cmd.options;
  options.loans = s->loans_;
  s->trainer_ = std::make_unique<train::Trainer>(std::move(dataset), options);
  s->store_ = s->trainer_->store();
  const auto out = cmd.out.empty() ? default_session_path() : cmd.out;
  s->file_ = out;
  s->meta_ = session_meta(cmd, s->store_->points());
  auto recorder = std::make_unique<SessionRecorder>(out, s->store_->points(), s->meta_);
  s->recorder_ = std::make_unique<BackgroundRecorder>(s->store_, std::move(recorder),
                                                       static_cast<std::size_t>(cmd.options.epochs) + 1,
                                                       io::evict_when_saved(s->store_, out));
  s->label_ = fmt::format("Training {} ({} points), session {}", name, s->store_->points().size(), out.filename().string());
  s->make_pool();
  // Not started here, on a niced task: its thread would inherit the task's niceness and rank below
  // the layout workers (core/thread_priority.hpp). The window starts it when it takes the source.
  return s;
}

std::unique_ptr<DataSource> DataSource::open_session(const std::filesystem::path& file, const store::MemoryOptions& memory,
                                                     double read_delay, bool keep_layouts) {
  auto session = io::read_session(file);
  std::unique_ptr<DataSource> s(new DataSource());
  s->file_ = file;
  s->store_ = std::make_shared<store::EpochStore>(session.points, memory);
  for (auto& f : session.frames) s->store_->publish(f);
  for (auto& p : session.trajectory) s->store_->trajectory().append(std::move(p));
  s->store_->close();
  {  // Every frame is in the file: the store keeps what fits its budget and reads the rest back.
    const auto saved = io::evict_when_saved(s->store_, file);
    for (std::size_t i = 0; i < session.frame_locations.size(); ++i) saved(i, session.frame_locations[i]);
  }
  if (read_delay > 0) {  // a slow disk, for the GUI tests: the same reads, each one late
    auto reader = std::make_shared<io::FrameReader>(file, session.points);
    for (std::size_t i = 0; i < session.frame_locations.size(); ++i) reader->add(i, session.frame_locations[i]);
    s->store_->set_loader([reader, read_delay](std::size_t i) {
      std::this_thread::sleep_for(std::chrono::duration<double>(read_delay));
      return reader->read(i);
    });
  }
  s->warning_ = session.warning;
  s->meta_ = session.meta;
  s->selections_ = session.selections;
  // Layouts computed while it is open are kept in the file for next time, when the run that wrote it
  // is over (its end record written) and nothing of it was damaged.
  if (keep_layouts && session.finished && session.dropped_bytes == 0) {
    try {
      s->layouts_ = io::SessionWriter::append_layouts_to(file, session.points->size());
    } catch (const std::exception&) {
      s->layouts_.reset();  // read-only: layouts are computed again next time
    }
  }
  if (session.frames.empty()) {
    s->warning_ = s->warning_.empty() ? "the session holds no frames" : s->warning_ + "; no frames left";
  }
  s->label_ = fmt::format("Session {} ({} frames, {} points)", file.filename().string(), session.frames.size(),
                          session.points->size());
  s->make_pool();
  const std::size_t loaded = jobs::preload_records(*s->pool_, session.layouts, session.points->size(), session.frames.size());
  if (loaded > 0) s->label_ += fmt::format(", {} saved layouts", loaded);
  return s;
}

std::unique_ptr<DataSource> DataSource::follow_session(std::shared_ptr<io::SessionFollower> follower) {
  if (!follower || !follower->points()) throw Error("the session header has not been read yet");
  std::unique_ptr<DataSource> s(new DataSource());
  s->store_ = std::make_shared<store::EpochStore>(follower->points());
  s->label_ = fmt::format("Following {} ({} points, written by another program)", follower->path().filename().string(),
                          follower->points()->size());
  s->follow_state_ = "following";
  s->file_ = follower->path();
  s->make_pool();
  s->follow_thread_ = std::jthread([src = s.get(), store = s->store_, f = std::move(follower)](std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    auto finish = [&](const std::string& state, const std::string& warning) {
      std::lock_guard lock(src->follow_mutex_);
      src->follow_state_ = state;
      if (!warning.empty()) src->follow_warning_ = warning;
    };
    while (!stop.stop_requested()) {
      constexpr std::size_t kSlice = 4;  // frames per poll: a long session appears progressively
      std::size_t got = 0;
      try {
        auto u = f->poll(kSlice);
        if (u.restarted) {
          finish("stopped", f->path().string() + " was truncated or replaced: opening the new run");
          src->follow_restarted_ = true;
          break;
        }
        got = u.frames.size();
        for (auto& frame : u.frames) store->publish(std::move(frame));
        for (auto& p : u.trajectory) store->trajectory().append(std::move(p));  // the trajectory panel follows too
        if (!u.damage.empty()) {
          finish("stopped", u.damage);
          break;
        }
        if (u.ended) {
          finish("finished", "");
          break;
        }
      } catch (const std::exception& e) {
        finish("stopped", e.what());
        break;
      }
      if (got == kSlice) continue;  // more may be waiting in what was already read
      std::unique_lock lock(m);
      cv.wait_for(lock, stop, std::chrono::milliseconds(200), [] { return false; });
    }
    store->close();
  });
  return s;
}

DataSource::~DataSource() {
  if (follow_thread_.joinable()) {
    follow_thread_.request_stop();
    follow_thread_.join();
  }
  if (trainer_) trainer_->request_stop();
  pool_.reset();      // workers read the store: stop them first
  trainer_.reset();   // joins the training thread (within a batch)
  recorder_.reset();  // writes what was published, then stops
  layouts_.reset();
}

std::string DataSource::warning() const {
  {
    std::lock_guard lock(follow_mutex_);
    if (!follow_warning_.empty()) return follow_warning_;
  }
  if (recorder_) {
    auto w = recorder_->warning();
    if (!w.empty()) return w;
  }
  return warning_;
}

ui::TrainingStatus DataSource::status() const {
  ui::TrainingStatus t;
  {
    std::lock_guard lock(follow_mutex_);
    if (!follow_state_.empty()) {
      t.state = follow_state_;
      const auto latest = store_->latest();
      t.epoch = latest ? latest->epoch : 0;
      return t;
    }
  }
  t.saved_layouts = saved_layouts_.load();  // a saved session's layouts computed here
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
  if (recorder_) {
    t.saved_frames = recorder_->saved_frames();
    t.saved_layouts = recorder_->saved_layouts();
  }
  return t;
}

std::vector<store::NamedSelection> DataSource::selections() const {
  std::lock_guard lock(selections_mutex_);
  return selections_;
}

std::string DataSource::selections_error() const {
  std::lock_guard lock(selections_mutex_);
  return selections_error_;
}

void DataSource::save_selection(store::NamedSelection selection, bool deleted) {
  if (recorder_ != nullptr) {  // a live run: its recorder writes it between frames
    auto kept = selection;
    recorder_->add_selection(std::move(selection), deleted, [this, kept = std::move(kept), deleted](const std::string& error) mutable {
      std::lock_guard lock(selections_mutex_);
      selections_error_ = error;
      if (!error.empty()) return;
      if (deleted) store::remove_selection(selections_, kept.name);
      else store::put_selection(selections_, std::move(kept));
    });
    return;
  }
  if (layouts_ == nullptr) return;
  selection_writer_.submit([this, selection = std::move(selection), deleted]() mutable {
    std::string error;
    try {
      std::lock_guard lock(layouts_mutex_);  // one record at a time, with the pool's layouts
      if (deleted) {
        layouts_->append_selection_deletion(selection.name);
      } else {
        layouts_->append_selection(selection);
      }
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::lock_guard lock(selections_mutex_);
    selections_error_ = error;
    if (!error.empty()) return true;
    if (deleted) {
      store::remove_selection(selections_, selection.name);
    } else {
      store::put_selection(selections_, std::move(selection));
    }
    return true;
  });
}

}  // namespace epochscope::app
