// Contract: the training loss over the plane of the training path (store/parameter_plane.hpp), after
// Li et al. 2018: on a grid of (a, b) around the path, the loss of the parameters centre + a d1 + b d2
// on a fixed sample of the session's training points, with the loss at every frame's own snapshot.
// Torch stays behind this header: network_loss() rebuilds the model a session describes and hides it
// in a SnapshotLoss; LandscapeRun evaluates any SnapshotLoss (a toy model's in the tests) over the
// grid in slices, so a worker can spread it over a budget, stop at once and resume, while the window
// reads its progress and the losses so far without waiting.
//
// Cost: one forward pass of the sample per loss: for the default cnn on 1,000 MNIST images about
// 0.32 CPU-seconds (README, "The loss landscape under the path"), so a 25 x 25 grid is far more than
// 20% of an epoch: callers spread it with run(max_losses) or ask for less.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "epochscope/store/frame.hpp"
#include "epochscope/store/parameter_plane.hpp"
#include "epochscope/train/models.hpp"

namespace epochscope::train {

struct LandscapeOptions {
  int grid = 25;               ///< points per side: grid x grid losses (2 to 1001); default 25
  double margin = 0.25;        ///< the grid covers the path's range plus this share of it on each side; default 0.25
  std::size_t sample = 1000;   ///< training points the loss averages over (all the session's when it has fewer); default 1,000
  std::uint64_t seed = 1;      ///< which points (and the plane's random directions, when it needs any); default 1
  int threads = 1;             ///< libtorch threads for the forward passes, 0 = every core; default 1 (training keeps the rest)
  int batch = 100;             ///< images per forward pass; default 100 (1,000 took 1.6x as long: tensors past the cache)
};

/// The loss of one full snapshot (values in store::ParameterSnapshot's layout). Called on whatever
/// thread runs the evaluation; one call at a time.
using SnapshotLoss = std::function<double(std::span<const float> values)>;

/// The model a session's metadata names (keys `preset`, `activation`, `width`, `dropout`, as the
/// built-in trainer writes them). Throws epochscope::Error with a one-line reason when the session
/// does not say (the Python recorder, imports) or names a model this build does not know.
ModelOptions model_from_meta(const std::map<std::string, std::string>& meta);

/// The mean cross-entropy of `model` (in eval mode, under NoGradGuard) over a fixed sample of the
/// tracked training points of `points`: options.sample of them, drawn with options.seed (all when
/// there are fewer). `values` says how many values a snapshot of this model has (checked before
/// anything runs); *sample_size, when given, how many points the sample holds. Throws
/// epochscope::Error when the points have no training points or no grey images or signals, the model
/// cannot take them, or `values` does not match the model ("the snapshots hold 1000 values; a cnn
/// of width 64 on 28 x 28 images has 121930").
SnapshotLoss network_loss(const store::PointSet& points, const ModelOptions& model, std::size_t values,
                          const LandscapeOptions& options = {}, std::size_t* sample_size = nullptr);

/// The losses over the grid (rows = b, columns = a) and at the path's snapshots.
struct Landscape {
  store::GridAxes axes;           ///< the grid's a and b values
  store::GridLevels levels;       ///< the order the grid is evaluated in, coarse to fine
  std::vector<double> loss;       ///< b.size() x a.size(), row-major; NaN where not evaluated (yet)
  double centre_loss = 0;         ///< at (0, 0), the latest snapshot (NaN until evaluated)
  std::vector<double> path_loss;  ///< per plane.path entry: at that snapshot itself (not its projection); NaN until evaluated
  std::size_t evaluated = 0;      ///< losses known so far (computed or reused), of total
  std::size_t total = 0;          ///< 1 + path points + grid points
  std::size_t grid_evaluated = 0; ///< of them, the first this many cells of levels.order

  bool complete() const { return total > 0 && evaluated == total; }
  double at(std::size_t ia, std::size_t ib) const { return loss[ib * axes.a.size() + ia]; }
};

/// A resumable evaluation of the landscape: the centre first, then every path snapshot, then the
/// grid coarse to fine (store::grid_levels: a 25 x 25 grid shows as 4 x 4 after 16 of its 625 losses).
/// A snapshot shared by the centre and a path entry (the latest frame is both) is evaluated once, and
/// losses known from an earlier landscape of the same snapshots are taken with reuse_path_losses().
/// run() may be called from a worker in slices; result() and the progress from any thread at any time.
class LandscapeRun {
 public:
  /// The grid is store::grid_axes(plane, options.grid, options.margin). Throws epochscope::Error for
  /// bad options or a plane without a centre.
  LandscapeRun(store::ParameterPlane plane, SnapshotLoss loss, const LandscapeOptions& options = {});
  LandscapeRun(const LandscapeRun&) = delete;
  LandscapeRun& operator=(const LandscapeRun&) = delete;

  /// Evaluates up to `max_losses` more (0: all that remain), checking `stop` before each; returns
  /// whether every loss is done. One caller at a time; a stopped run continues where it stopped.
  bool run(std::size_t max_losses = 0, std::stop_token stop = {});
  /// Before run(): the losses at path snapshots already known (per plane().path entry; NaN =
  /// unknown; a shorter span leaves the rest unknown). They count as evaluated and are not computed
  /// again. Throws epochscope::Error once run() has begun.
  void reuse_path_losses(std::span<const double> losses);
  /// The losses so far (a copy, taken under a short lock).
  Landscape result() const;
  /// Lock-free progress: losses done and in all.
  std::size_t done() const { return done_.load(std::memory_order_acquire); }
  std::size_t total() const { return total_; }
  const store::ParameterPlane& plane() const { return plane_; }
  /// The loss at any (a, b) of the plane, on the caller's thread (not while run() runs).
  double loss_at(double a, double b);

 private:
  store::ParameterPlane plane_;
  SnapshotLoss loss_;
  mutable std::mutex mutex_;
  Landscape result_;  ///< guarded by mutex_
  std::size_t total_ = 0;
  std::atomic<std::size_t> done_{0};
  // What is left, in order: 0 = the centre, 1..P = path entry k - 1, P + 1 + c = grid cell c.
  std::vector<std::size_t> todo_;
  std::size_t next_ = 0;                         ///< the first of todo_ not evaluated
  std::optional<std::size_t> centre_twin_;       ///< the path entry holding the centre's own snapshot
  std::vector<float> scratch_;
};

/// The landscape of a session (what `epochscope landscape` and the window compute), ready to run():
/// the plane of every frame that holds parameters (store::fit_parameter_plane, seeded with
/// options.seed) and the loss of the model `meta` names on the session's training points
/// (network_loss). *sample_size, when given, says how many points the losses average over. Throws
/// epochscope::Error, in one line, when no frame holds parameters ("holds no parameter snapshots
/// ...") or the model cannot be rebuilt.
///
/// `overlays`: other runs of the same model (a sweep, Adam against SGD), each its frames' snapshots.
/// They do not shape the plane: each snapshot is projected onto it (store::project_onto_plane) and
/// appended to plane().path after this run's frames, run after run, so the grid covers them too and
/// their own losses are evaluated with the path's.
std::unique_ptr<LandscapeRun> session_landscape(const store::PointSet& points, const std::vector<store::FramePtr>& frames,
                                                const std::map<std::string, std::string>& meta,
                                                const LandscapeOptions& options = {}, std::size_t* sample_size = nullptr,
                                                std::span<const std::vector<store::PlaneSnapshot>> overlays = {});

}  // namespace epochscope::train
