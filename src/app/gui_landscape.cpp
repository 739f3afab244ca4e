#include "gui_landscape.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "epochscope/core/matrix.hpp"
#include "epochscope/core/thread_priority.hpp"

namespace epochscope::app {

ui::LandscapeGrid landscape_grid(const train::LandscapeRun& run, std::size_t sample, double seconds, bool throttled,
                                 const std::vector<std::pair<std::string, std::size_t>>& overlays,
                                 std::shared_ptr<const store::ParameterPlane> shared_plane) {
  const auto land = run.result();
  const auto& plane = run.plane();
  ui::LandscapeGrid g;
  g.a = land.axes.a;
  g.b = land.axes.b;
  g.loss = land.loss;
  std::vector<double> logs(land.loss.size());
  for (std::size_t i = 0; i < logs.size(); ++i) logs[i] = land.loss[i] > 0 ? std::log(land.loss[i]) : NAN;
  logs = store::fill_grid(logs, land.axes.a.size(), land.axes.b.size(), land.levels, land.grid_evaluated, &g.stride);
  if (g.stride > 0) {
    g.shown.resize(logs.size());
    for (std::size_t i = 0; i < logs.size(); ++i) g.shown[i] = std::isnan(land.loss[i]) ? std::exp(logs[i]) : land.loss[i];
  }
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
  g.plane = std::move(shared_plane);
  g.explained = plane.explained;
  g.random_directions = plane.random_directions;
  g.evaluated = land.evaluated;
  g.total = land.total;
  g.sample = sample;
  g.seconds = seconds;
  g.throttled = throttled;
  return g;
}

std::shared_ptr<const ui::LandscapeGrid> with_newer_frames(const ui::LandscapeGrid& grid, const std::vector<store::FramePtr>& frames) {
  if (!grid.plane || !grid.plane->centre || grid.path.empty()) return nullptr;
  std::shared_ptr<ui::LandscapeGrid> out;
  const int last = grid.path.back().newer ? -1 : grid.path.back().frame;
  for (const auto& f : frames) {
    if (!f->parameters || f->index <= last || f->parameters->values.size() != grid.plane->centre->values.size()) continue;
    if (!out) out = std::make_shared<ui::LandscapeGrid>(grid);
    const auto p = store::project_onto_plane(*grid.plane, {f->index, f->epoch, f->parameters});
    out->path.push_back({p.frame, p.epoch, p.a, p.b, p.off_plane, NAN, true});
  }
  return out;
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
  latest_generation_ = generation;
  ++version_;
}

void LandscapeWorker::publish_pending(std::string note, std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  if (generation != generation_.load() || !latest_ || latest_->pending == note) return;
  auto copy = std::make_shared<ui::LandscapeGrid>(*latest_);
  copy->pending = std::move(note);
  latest_ = std::move(copy);
  ++version_;
}

bool LandscapeWorker::has_picture(std::uint64_t generation) {
  std::lock_guard lock(mutex_);
  return latest_ && latest_->error.empty() && latest_->stride > 0 && latest_generation_ == generation;
}

bool LandscapeWorker::newer_waiting() {
  std::lock_guard lock(mutex_);
  return next_.has_value();
}

void LandscapeWorker::loop(std::stop_token stop) {
  lower_thread_priority(19);
  constexpr std::size_t kSlice = 2;  // losses between publishing (and, while training, pausing)
  // Losses at frame snapshots, kept across landscapes (a snapshot's loss does not depend on the
  // plane): (run name, "" for the shown one; frame) -> loss. For one source at a time.
  std::map<std::pair<std::string, int>, double> known;
  const store::EpochStore* known_for = nullptr;
  while (!stop.stop_requested()) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      if (!wake_.wait(lock, stop, [&] { return next_.has_value(); })) break;
      job = std::move(*next_);
      next_.reset();
      busy_ = true;
    }
    if (job.store.get() != known_for) known.clear(), known_for = job.store.get();
    const auto start = std::chrono::steady_clock::now();
    auto since = [](auto t0) { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    try {
      std::size_t sample = 0;
      auto run = train::session_landscape(job.store->points(), job.frames, job.meta, options_, &sample, job.overlays);
      std::vector<std::pair<std::string, std::size_t>> overlays;
      for (std::size_t r = 0; r < job.names.size(); ++r) overlays.emplace_back(job.names[r], job.overlays[r].size());
      // Which run each path entry belongs to: this one's frames, then each overlaid run's.
      std::vector<std::string> owner(run->plane().path.size());
      for (std::size_t i = run->plane().path.size(), r = job.overlays.size(); r-- > 0;) {
        for (std::size_t k = 0; k < job.overlays[r].size() && i > 0; ++k) owner[--i] = job.names[r];
      }
      std::vector<double> reuse(owner.size(), NAN);
      for (std::size_t i = 0; i < owner.size(); ++i) {
        if (const auto it = known.find({owner[i], run->plane().path[i].frame}); it != known.end()) reuse[i] = it->second;
      }
      run->reuse_path_losses(reuse);
      const auto plane = std::make_shared<const store::ParameterPlane>(run->plane());
      // The picture so far stays up until this one has its first coarse level (a new source, or
      // runs overlaid or taken away, start from nothing: the generation changed).
      const std::size_t own = owner.size() - static_cast<std::size_t>(std::count_if(owner.begin(), owner.end(), [](const auto& o) { return !o.empty(); }));
      const int centre_frame = own > 0 ? run->plane().path[own - 1].frame : 0;
      bool shown = !has_picture(job.generation);
      const auto first_level = run->result();  // losses before the first picture: all but the grid's finer levels
      const std::size_t first = first_level.total - first_level.loss.size() + first_level.levels.ends.front();
      auto show = [&](bool throttled) {
        auto grid = std::make_shared<ui::LandscapeGrid>(landscape_grid(*run, sample, since(start), throttled, overlays, plane));
        if (!shown && grid->stride == 0) {
          publish_pending(fmt::format("the plane of frame {} is being computed: {} of the {} losses of its first picture",
                                      centre_frame, grid->evaluated, first),
                          job.generation);
        } else {
          shown = true;
          publish(grid, job.generation);
        }
        return grid;
      };
      show(training_.load());
      while (!stop.stop_requested() && job.generation == generation_.load()) {
        const auto t0 = std::chrono::steady_clock::now();
        const bool done = run->run(kSlice, stop);
        const double took = since(t0);
        const bool throttled = training_.load();
        const auto grid = show(throttled);
        const auto land = run->result();
        for (std::size_t i = 0; i < owner.size(); ++i) {
          if (!std::isnan(land.path_loss[i])) known[{owner[i], run->plane().path[i].frame}] = land.path_loss[i];
        }
        if (done) break;
        // Newer frames wait for a level of this grid to complete, then take over: while training the
        // picture follows the newest plane at the finest level the budget allows between frames.
        if (throttled && grid->stride > 0 && newer_waiting()) {
          const auto level = std::upper_bound(land.levels.ends.begin(), land.levels.ends.end(), land.grid_evaluated) - 1;
          if (land.grid_evaluated - *level < kSlice) break;  // this slice completed a level
        }
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
    // stops). New frames while training: queued at once (replacing an older queued one), and the
    // running landscape hands over at its next complete level (at a fifth of a core a full grid
    // outlasts many epochs: the picture follows the newest plane at the level the budget allows).
    // Otherwise a newer one once this one is done, or the last one again if it was handed over.
    const bool overlays_changed = queued_frames_ && job.overlays.size() != queued_overlays_;
    const bool frames_changed = queued_frames_ && frames.size() != *queued_frames_;
    if (overlays_changed) {
      ++generation_;
      next_.reset();
    }
    const bool idle = !busy_ && !next_;
    if (overlays_changed || (frames_changed && training_) || (idle && (!queued_frames_ || frames_changed || !complete))) {
      queued_frames_ = frames.size();
      queued_overlays_ = job.overlays.size();
      job.generation = generation_.load();
      next_ = std::move(job);
      wake_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  ctx.landscape = latest_;
  bool changed = version_ != seen_version_;
  seen_version_ = version_;
  // Frames newer than the shown plane, projected onto it (once per picture and frame count).
  if (latest_ && latest_->error.empty()) {
    const std::pair<const ui::LandscapeGrid*, std::size_t> key{latest_.get(), ctx.frames.size()};
    if (key != extended_for_) {
      extended_for_ = key;
      extended_ = with_newer_frames(*latest_, ctx.frames);
      changed = true;
    }
    if (extended_) ctx.landscape = extended_;
  }
  return changed;
}

}  // namespace epochscope::app
