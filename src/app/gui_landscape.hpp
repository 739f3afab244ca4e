// The loss landscape under the trajectory in the window (issue #18): train::session_landscape over the
// frames with parameters the store holds, evaluated on a thread of its own at the lowest priority and
// never in the training thread's way: while training runs it works at most a fifth of the time of one
// core (after each slice of losses it sleeps four times as long as the slice took); otherwise (training
// over, a saved session) as fast as one core allows. The grid fills coarse to fine and is drawn
// interpolated from its finest complete level; the frames' own losses are computed once and reused by
// later landscapes. While training, a new frame queues a landscape centred on it and the running one
// hands over at its next complete level; the picture shown stays (with a note) until the new plane has
// its first level, the frames since projected onto it (with_newer_frames). Otherwise a newer one starts
// once the current one is complete. It never mixes two planes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "epochscope/train/landscape.hpp"
#include "epochscope/ui/context.hpp"

namespace epochscope::app {

/// What the view draws of a LandscapeRun as far as it went (`sample`: the points its losses average
/// over; `seconds` spent so far; `throttled`: at a fifth of a core).
/// `overlays`: the names and frame counts of the runs session_landscape appended to the path.
ui::LandscapeGrid landscape_grid(const train::LandscapeRun& run, std::size_t sample, double seconds = 0, bool throttled = false,
                                 const std::vector<std::pair<std::string, std::size_t>>& overlays = {},
                                 std::shared_ptr<const store::ParameterPlane> plane = nullptr);

/// `grid` with the frames of `frames` newer than its plane's latest projected onto the plane (newer =
/// true, no loss): while training, the path goes on over the picture until a newer plane has one.
/// Null when there are none (or no plane). Costs two dot products over the parameters per frame.
std::shared_ptr<const ui::LandscapeGrid> with_newer_frames(const ui::LandscapeGrid& grid, const std::vector<store::FramePtr>& frames);

class LandscapeWorker {
 public:
  /// options.grid and options.sample size every landscape it computes (threads: 1 unless set).
  explicit LandscapeWorker(train::LandscapeOptions options);
  ~LandscapeWorker();  ///< stops at once (the evaluation checks its stop token between losses)
  LandscapeWorker(const LandscapeWorker&) = delete;
  LandscapeWorker& operator=(const LandscapeWorker&) = delete;

  /// Every frame, on the window's thread: when ctx.landscape_wanted (a view drew it in the last frame),
  /// starts a landscape for ctx's frames as above; `meta` names the model (the session's). Sets
  /// ctx.landscape to what there is; returns true when it changed (draw again).
  bool poll(ui::UiContext& ctx, const std::map<std::string, std::string>& meta);

 private:
  struct Job {
    std::shared_ptr<const store::EpochStore> store;  ///< keeps the points alive while it runs
    std::vector<store::FramePtr> frames;
    std::map<std::string, std::string> meta;
    std::vector<std::string> names;                        ///< overlaid runs
    std::vector<std::vector<store::PlaneSnapshot>> overlays;  ///< their frames' snapshots
    std::uint64_t generation = 0;
  };
  void loop(std::stop_token stop);
  void publish(std::shared_ptr<const ui::LandscapeGrid> grid, std::uint64_t generation);
  /// The picture shown stays, with a note that a newer plane is on its way.
  void publish_pending(std::string note, std::uint64_t generation);
  bool has_picture(std::uint64_t generation);  ///< one of this generation with at least a coarse level
  bool newer_waiting();                        ///< a job for newer frames is queued

  train::LandscapeOptions options_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::optional<Job> next_;                          ///< guarded by mutex_
  std::shared_ptr<const ui::LandscapeGrid> latest_;  ///< guarded by mutex_
  std::uint64_t version_ = 0;                        ///< guarded by mutex_: bumped by every publish
  std::uint64_t latest_generation_ = 0;              ///< guarded by mutex_: latest_'s generation
  bool busy_ = false;                                ///< guarded by mutex_: a job is being computed
  std::atomic<std::uint64_t> generation_{0};         ///< a new source: what runs for the old one stops
  std::atomic<bool> training_{false};                ///< throttle to a fifth of a core
  // The window's thread only.
  const store::EpochStore* store_ = nullptr;  ///< the source the landscapes are for
  std::optional<std::size_t> queued_frames_;  ///< frames with parameters the last job was given
  std::size_t queued_overlays_ = 0;           ///< and overlaid runs
  std::uint64_t seen_version_ = 0;
  std::shared_ptr<const ui::LandscapeGrid> extended_;  ///< latest_ with the newer frames (with_newer_frames)
  std::pair<const ui::LandscapeGrid*, std::size_t> extended_for_{nullptr, 0};  ///< of which grid and frame count
  std::jthread thread_;  ///< last: joined first
};

}  // namespace epochscope::app
