#include "gui_landscape.hpp"

#include <chrono>

#include "epochscope/core/matrix.hpp"
#include "epochscope/core/thread_priority.hpp"

namespace epochscope::app {

ui::LandscapeGrid landscape_grid(const train::LandscapeRun& run, std::size_t sample, double seconds, bool throttled,
                                 const std::vector<std::pair<std::string, std::size_t>>& overlays) {
  const auto land = run.result();
  const auto& plane = run.plane();
  ui::LandscapeGrid g;
  g.a = land.axes.a;
  g.b = land.axes.b;
  g.loss = land.loss;
  std::size_t own = plane.path.size();
  for (const auto& [name, count] : overlays) own -= std::min(own, count);
  for (std::size_t i = 0, r = 0, left = 0; i < plane.path.size(); ++i) {
    const auto& p = plane.path[i];
    const ui::LandscapeGrid::Frame f{p.frame, p.epoch, p.a, p.b, p.off_plane, i < land.path_loss.size() ? land.path_loss[i] : NAN};
    if (i < own) {
      g.path.push_back(f);
      continue;
    }
    while (left == 0 && r < overlays.size()) {  // the next overlaid run's frames start here
      g.others.push_back({overlays[r].first, {}});
      left = overlays[r++].second;
    }
    if (left == 0) break;
    g.others.back().path.push_back(f);
    --left;
  }
  g.explained = plane.explained;
  g.random_directions = plane.random_directions;
  g.evaluated = land.evaluated;
  g.total = land.total;
  g.sample = sample;
  g.seconds = seconds;
  g.throttled = throttled;
  return g;
}

LandscapeWorker::LandscapeWorker(train::LandscapeOptions options) : options_(options) {
  if (options_.threads == 0) options_.threads = 1;  // one core at most: the window and the layouts keep the rest
  thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
}

LandscapeWorker::~LandscapeWorker() {
  thread_.request_stop();
  wake_.notify_all();
}

void LandscapeWorker::publish(std::shared_ptr<const ui::LandscapeGrid> grid, std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation != generation_.load()) return;  // for a source no longer shown
  latest_ = std::move(grid);
  ++version_;
}

void LandscapeWorker::loop(std::stop_token stop) {
  lower_thread_priority(19);
  constexpr std::size_t kSlice = 2;  // losses between publishing (and, while training, pausing)
  while (!stop.stop_requested()) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      if (!wake_.wait(lock, stop, [&] { return next_.has_value(); })) break;
      job = std::move(*next_);
      next_.reset();
      busy_ = true;
    }
    const auto start = std::chrono::steady_clock::now();
    auto since = [](auto t0) { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    try {
      std::size_t sample = 0;
      auto run = train::session_landscape(job.store->points(), job.frames, job.meta, options_, &sample, job.overlays);
      std::vector<std::pair<std::string, std::size_t>> overlays;
      for (std::size_t r = 0; r < job.names.size(); ++r) overlays.emplace_back(job.names[r], job.overlays[r].size());
      publish(std::make_shared<ui::LandscapeGrid>(landscape_grid(*run, sample, 0, training_, overlays)), job.generation);
      while (!stop.stop_requested() && job.generation == generation_.load()) {
        const auto t0 = std::chrono::steady_clock::now();
        const bool done = run->run(kSlice, stop);
        const double took = since(t0);
        const bool throttled = training_.load();
        publish(std::make_shared<ui::LandscapeGrid>(landscape_grid(*run, sample, since(start), throttled, overlays)),
                job.generation);
        if (done) break;
        if (throttled) {  // at most a fifth of the time: rest four times as long as the slice took
          std::unique_lock lock(mutex_);
          wake_.wait_for(lock, stop, std::chrono::duration<double>(4 * took), [&] { return job.generation != generation_.load(); });
        }
      }
    } catch (const std::exception& e) {
      auto failed = std::make_shared<ui::LandscapeGrid>();
      failed->error = e.what();
      publish(failed, job.generation);
    }
    std::lock_guard lock(mutex_);
    busy_ = false;
  }
}

bool LandscapeWorker::poll(ui::UiContext& ctx, const std::map<std::string, std::string>& meta) {
  training_ = ctx.training.live && ctx.training.state == "running";
  if (ctx.store.get() != store_) {  // a new source: what was computed belongs to the old one
    store_ = ctx.store.get();
    queued_frames_.reset();
    queued_overlays_ = 0;
    std::lock_guard lock(mutex_);
    ++generation_;
    next_.reset();
    latest_.reset();
    ++version_;
    wake_.notify_all();
  }
  if (ctx.landscape_wanted && ctx.store) {
    std::vector<store::FramePtr> frames;
    for (const auto& f : ctx.frames) {
      if (f->parameters) frames.push_back(f);
    }
    Job job{ctx.store, ctx.frames, meta, {}, {}, 0};
    for (const auto& o : ctx.trajectory.others) {  // overlaid runs with parameter snapshots
      if (o.frames.empty()) continue;
      job.names.push_back(o.name);
      job.overlays.emplace_back();
      for (const auto& f : o.frames) job.overlays.back().push_back({f.frame, f.epoch, f.parameters});
    }
    std::lock_guard lock(mutex_);
    const bool complete = latest_ && (!latest_->error.empty() || latest_->evaluated == latest_->total);
    // The first landscape at once, and at once again when runs are overlaid or taken away (what runs
    // stops). A newer one for new frames: while training, at once (at a fifth of a core a landscape
    // outlasts many epochs, and the newest plane is the one worth filling); else once this one is done.
    const bool overlays_changed = queued_frames_ && job.overlays.size() != queued_overlays_;
    const bool frames_changed = queued_frames_ && frames.size() != *queued_frames_;
    if (overlays_changed || (frames_changed && training_)) {
      ++generation_;
      next_.reset();
    }
    if (!next_ && (overlays_changed || (frames_changed && training_) || (!busy_ && (!queued_frames_ || (frames_changed && complete))))) {
      queued_frames_ = frames.size();
      queued_overlays_ = job.overlays.size();
      job.generation = generation_.load();
      next_ = std::move(job);
      wake_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  ctx.landscape = latest_;
  const bool changed = version_ != seen_version_;
  seen_version_ = version_;
  return changed;
}

}  // namespace epochscope::app
