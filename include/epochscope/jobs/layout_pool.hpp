// Contract: the worker pool that computes layouts for every (method, layer, dims) chain over the
// frames of an EpochStore as they arrive. Each chain is coherent: frame t is warm-started from
// frame t-1's layout and aligned to it (Procrustes), so motion between frames means something.
// The frame the user looks at goes first (set_focus); chains nobody has asked for are not computed;
// release() cancels. Workers publish intermediate layouts every slice so views can animate
// convergence. Results are immutable snapshots (shared_ptr<const ...>): readers never block
// workers and never see a half-written layout. Neighbour lists are computed once per
// (layer, frame) and shared by the methods that need them.
#pragma once

#include <atomic>
#include <compare>
#include <functional>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "epochscope/core/core_loans.hpp"
#include "epochscope/core/matrix.hpp"
#include "epochscope/jobs/methods.hpp"
#include "epochscope/store/epoch_store.hpp"

namespace epochscope::jobs {

struct LayoutKey {
  Method method = Method::pca;
  std::string layer = "output";  ///< "output", "logits", "hidden" or "input" (raw pixels)
  int dims = 2;                  ///< 2 or 3
  auto operator<=>(const LayoutKey&) const = default;
};

/// PCA chains: the fitted components, for showing them (e.g. as images of the input's loadings).
struct PcaComponents {
  Matrix loadings;                      ///< D x k (k = max(dims, 4) where D allows), orthonormal columns
  std::vector<double> explained_ratio;  ///< per component, of the total variance
};

/// One frame's layout of one chain, as of the last slice.
struct LayoutResult {
  int frame = 0;
  std::shared_ptr<const Matrix> positions;  ///< N x dims, aligned to the previous frame
  int iteration = 0;
  int total_iterations = 0;
  bool final = false;                       ///< converged (no more slices will come)
  double cost = std::numeric_limits<double>::quiet_NaN();  ///< KL divergence, stress, ...
  std::string cost_name;
  double recall_at_10 = std::numeric_limits<double>::quiet_NaN();  ///< once final
  double knn_accuracy = std::numeric_limits<double>::quiet_NaN();  ///< once final
  double displacement = std::numeric_limits<double>::quiet_NaN();  ///< vs frame-1, once final
  /// Once final, frame > 0, not the input layer: per point, the share of its 10 nearest neighbours in
  /// the layer that were not among them at the previous frame (0 = same neighbourhood, 1 = all
  /// new). The same for every method on a layer (shared); nullptr when unknown.
  std::shared_ptr<const std::vector<float>> neighbourhood_change;
  /// PCA only: the basis every frame of the chain is projected on (shared by its frames).
  std::shared_ptr<const PcaComponents> components;
  /// Graph layout only: the kNN edges (i < j) drawn by the view.
  std::shared_ptr<const std::vector<std::pair<int, int>>> edges;
  double seconds = 0;                       ///< compute time so far
};

struct ChainStatus {
  int frames_available = 0;  ///< frames in the store
  int frames_final = 0;      ///< frames whose layout is final
  int working_frame = -1;    ///< frame being computed now, -1 when idle
  int iteration = 0;         ///< of the working frame
  int total_iterations = 0;
  /// Why the chain stopped (its method threw on frame error_frame), or empty. Cleared when the
  /// chain is requested again or its method's settings change.
  std::string error;
  int error_frame = -1;
};

struct PoolOptions {
  int workers = 1;              ///< worker threads (on 2 cores: 1, so drawing keeps a core)
  int threads_per_job = 1;      ///< threads a single projection may use
  int slice_iterations = 25;    ///< iterations between published intermediate layouts
  std::uint64_t seed = 1;       ///< seed of every method
  bool quality = true;          ///< compute recall@10 / 10-NN accuracy / displacement when final
  int nice = 0;                 ///< added to the workers' niceness (the window uses 10: drawing first)
  /// When set, each worker holds a lease of threads_per_job cores while it computes, so training
  /// can step aside meanwhile (core/core_loans.hpp). Default none.
  std::shared_ptr<CoreLoans> loans;
  /// Called on a worker thread whenever a layout becomes final (e.g. to save it in the session
  /// file). Must be thread-safe and quick.
  std::function<void(const LayoutKey&, std::shared_ptr<const LayoutResult>)> on_final;
  /// Per-method options (their dims, seed and threads are set from the key and the fields above).
  MethodSettings methods;
};

/// The window's pool on a machine of `cores` cores. Training uses every core (niced 5), so the layout
/// workers (niced 10) take a share that grows with the machine: one worker of one thread on 2 cores
/// (measured there: drawing, training and layouts keep up together), then workers = cores / 4 and
/// threads per job = cores / (2 workers), each within 1..4 (4 cores: 1 x 2, 8: 2 x 2, 16: 4 x 2).
PoolOptions window_pool_options(unsigned cores);

class LayoutPool {
 public:
  LayoutPool(std::shared_ptr<const store::EpochStore> store, PoolOptions options = {});
  ~LayoutPool();  ///< cancels everything and joins the workers
  LayoutPool(const LayoutPool&) = delete;
  LayoutPool& operator=(const LayoutPool&) = delete;

  /// Starts (or keeps) computing this chain over every frame, present and future.
  void request(const LayoutKey& key);
  /// Stops computing this chain; what is computed stays cached.
  void release(const LayoutKey& key);
  /// The frame the user is looking at: its chains' work on that frame goes first.
  void set_focus(int frame);

  /// New options for one method (e.g. t-SNE's perplexity from the window's panel): its chains drop
  /// what they computed (work in progress included) and start over from frame 0 with them.
  void set_method_settings(Method method, const MethodSettings& settings);
  MethodSettings method_settings() const;

  /// Seeds the cache with a final layout computed earlier (e.g. read from a session file), so it
  /// is not computed again. Frames must be preloaded in order for the chain to continue from them.
  void preload(const LayoutKey& key, std::shared_ptr<const LayoutResult> result);

  /// How much each point's neighbourhood in `layer` changed from frame - 1 to `frame` (the share of
  /// its 10 nearest neighbours that are new), whatever method shows it and whether its layouts were
  /// computed here or read from a session: the cached shares, or nullptr while a worker computes
  /// them (asked for by this call; the pool's version moves when they are there) or when they
  /// cannot be known (frame 0, the input layer, a frame that cannot be read back).
  std::shared_ptr<const std::vector<float>> neighbourhood_change(const std::string& layer, int frame);

  /// The exact neighbour list (at least k per point) the workers already made for `layer` at
  /// `frame`, or nullptr when none is cached; never computes one.
  std::shared_ptr<const knn::NeighborList> cached_neighbors(const std::string& layer, int frame, int k) const;

  /// Latest layout of `frame` in this chain (intermediate or final), nullptr if none yet.
  std::shared_ptr<const LayoutResult> get(const LayoutKey& key, int frame) const;
  ChainStatus status(const LayoutKey& key) const;
  /// Increases whenever any layout is published: a cheap "something changed" for redraws.
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }

  /// Waits until every requested chain has final layouts for all frames present (tests, CLI).
  /// Returns false on timeout.
  bool wait_idle(double timeout_seconds) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<std::uint64_t> version_{0};
};

}  // namespace epochscope::jobs
