#include "epochscope/jobs/layout_pool.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <condition_variable>
#include <map>
#include <optional>
#include <set>
#include <mutex>
#include <thread>

#include "epochscope/core/thread_priority.hpp"
#include "epochscope/jobs/methods.hpp"
#include "epochscope/project/align.hpp"
#include "epochscope/project/quality.hpp"
#include "epochscope/store/layers.hpp"
#include "neighbor_cache.hpp"
#include "pool_chain.hpp"

namespace epochscope::jobs {
using Clock = std::chrono::steady_clock;

struct LayoutPool::Impl {
  std::shared_ptr<const store::EpochStore> store;
  PoolOptions options;
  MethodSettings settings;
  std::atomic<std::uint64_t>* version = nullptr;

  mutable std::mutex mutex;
  mutable std::condition_variable cv;
  std::map<LayoutKey, Chain> chains;
  // Neighbour lists per (layer, frame), shared by the chains (neighbor_cache.hpp).
  NeighborCache knn_cache;
  // Per (layer, frame): how much each point's neighbourhood changed since frame - 1 (4 bytes a
  // point and frame, shared by every chain on the layer).
  std::map<std::pair<std::string, int>, std::shared_ptr<const std::vector<float>>> change_cache;
  // Changes asked for by views whose layouts came from elsewhere (a session file), computed by the
  // workers before any chain's next slice; and those that could not be (not asked again).
  std::set<std::pair<std::string, int>> change_wanted, change_failed;
  std::shared_ptr<const Matrix> pixels;  // the "input" layer, built once
  int focus = -1;
  std::vector<std::jthread> workers;

  void worker(std::stop_token stop);
  Chain* pick(std::size_t frames_available);
  void compute_change(const std::pair<std::string, int>& key);
  void work_on(const LayoutKey& key, Chain& chain, std::size_t frames_available);
  std::shared_ptr<const Matrix> layer_matrix(const store::FramePtr& frame, const std::string& layer);
  std::shared_ptr<const knn::NeighborList> neighbors(const std::string& layer, int frame, const Matrix& data, int k);
  int knn_k_for(const std::string& layer);
  void reset_chain(Chain& chain);  // under the mutex, not busy
  ResultPtr depth_seed(const LayoutKey& key);
  std::shared_ptr<const std::vector<float>> neighbourhood_change(const std::string& layer, int frame,
                                                                 const knn::NeighborList& now);
  void publish(const LayoutKey& key, Chain& chain, int frame, ResultPtr result, bool final);
  ResultPtr make_result(const LayoutKey& key, Chain& chain, int frame, Matrix positions, bool final,
                        const Matrix& input, const ResultPtr& previous);
};

std::shared_ptr<const Matrix> LayoutPool::Impl::layer_matrix(const store::FramePtr& frame, const std::string& layer) {
  if (layer == "input") {
    std::lock_guard lock(mutex);
    if (!pixels) {
      const auto& ps = store->points();
      auto m = std::make_shared<Matrix>(static_cast<Eigen::Index>(ps.size()), static_cast<Eigen::Index>(ps.image_size()));
      for (std::size_t i = 0; i < ps.images.size(); ++i) m->data()[i] = ps.images[i] / 255.0f;
      pixels = std::move(m);
    }
    return pixels;
  }
  // Resident, or read back from the session file when the store has let go of it.
  auto m = store->layer(static_cast<std::size_t>(frame->index), layer);
  if (m == nullptr) throw Error("frames have no layer '" + layer + "'");
  return m;
}

int LayoutPool::Impl::knn_k_for(const std::string& layer) {
  std::lock_guard lock(mutex);
  int k = 10;  // recall@10 and 10-NN accuracy
  for (const auto& [key, chain] : chains) {
    if (chain.requested && key.layer == layer) k = std::max(k, neighbors_needed(key.method, settings));
  }
  return k;
}

std::shared_ptr<const knn::NeighborList> LayoutPool::Impl::neighbors(const std::string& layer, int frame,
                                                                     const Matrix& data, int k) {
  return knn_cache.get(layer, layer == "input" ? 0 : frame, data, k, options.threads_per_job);
}

std::shared_ptr<const std::vector<float>> LayoutPool::Impl::neighbourhood_change(const std::string& layer, int frame,
                                                                               const knn::NeighborList& now) {
  if (frame <= 0 || layer == "input") return nullptr;
  const auto key = std::make_pair(layer, frame);
  {
    std::lock_guard lock(mutex);
    if (auto it = change_cache.find(key); it != change_cache.end()) return it->second;
  }
  const auto before_data = store->layer(static_cast<std::size_t>(frame - 1), layer);
  if (!before_data || static_cast<std::size_t>(before_data->rows()) != now.n) return nullptr;
  const auto before = neighbors(layer, frame - 1, *before_data, 10);
  auto change = std::make_shared<const std::vector<float>>(project::neighbourhood_change(now, *before, 10));
  if (change->empty()) return nullptr;
  std::lock_guard lock(mutex);
  return change_cache.emplace(key, std::move(change)).first->second;
}

ResultPtr LayoutPool::Impl::make_result(const LayoutKey& key, Chain& chain, int frame, Matrix positions, bool final,
                                        const Matrix& input, const ResultPtr& previous) {
  auto r = std::make_shared<LayoutResult>();
  r->frame = frame;
  r->final = final;
  r->seconds = chain.job_seconds;
  if (chain.job) {
    r->iteration = chain.job->iteration();
    r->total_iterations = chain.job->total_iterations();
    // t-SNE's KL divergence is shown while it runs; the others report their cost when final. A
    // readout is one repulsion pass and a sweep over half of P (0.064 s at 70,000 points, three
    // iterations: every slice of 25 made it an eighth of the work), so one is due only after 20
    // times its own cost, or half a second, of the job's time; slices between carry the last.
    if (final || (key.method == Method::tsne && chain.job_seconds >= chain.cost_due)) {
      const auto start = Clock::now();
      const auto st = chain.job->stats(positions);
      const double took = std::chrono::duration<double>(Clock::now() - start).count();
      chain.cost_name = st.cost_name;
      chain.cost = st.cost;
      chain.cost_due = chain.job_seconds + std::max(0.5, 20 * took);
    }
    if (final || key.method == Method::tsne) {
      r->cost_name = chain.cost_name;
      if (!chain.cost_name.empty()) r->cost = chain.cost;
    }
    if (key.method == Method::graph) {
      if (auto* g = dynamic_cast<project::GraphLayout*>(chain.job.get())) {
        r->edges = std::make_shared<const std::vector<std::pair<int, int>>>(g->edges());
      }
    }
  }
  if (final && options.quality && positions.allFinite()) {
    const auto nb = neighbors(key.layer, frame, input, 10);
    const auto& labels = store->points().labels;
    project::QualityOptions qo;
    qo.threads = options.threads_per_job;
    const auto q = project::evaluate_layout(positions, *nb, labels,
                                            previous && previous->final ? previous->positions.get() : nullptr, qo);
    r->recall_at_10 = q.recall_at_10;
    r->knn_accuracy = q.knn_accuracy;
    r->displacement = q.displacement;
    try {
      r->neighbourhood_change = neighbourhood_change(key.layer, frame, *nb);
    } catch (const std::exception&) {
      r->neighbourhood_change = nullptr;  // the previous frame could not be read back: unknown
    }
  }
  r->positions = std::make_shared<const Matrix>(std::move(positions));
  return r;
}

void LayoutPool::Impl::publish(const LayoutKey& key, Chain& chain, int frame, ResultPtr result, bool final) {
  {
    std::lock_guard lock(mutex);
    if (chain.stale) return;  // computed with the old settings
  }
  if (final && options.on_final) options.on_final(key, result);
  {
    std::lock_guard lock(mutex);
    if (chain.results.size() <= static_cast<std::size_t>(frame)) chain.results.resize(static_cast<std::size_t>(frame) + 1);
    chain.results[static_cast<std::size_t>(frame)] = std::move(result);
    if (final && frame == chain.frames_final) chain.frames_final = frame + 1;
  }
  version->fetch_add(1, std::memory_order_acq_rel);
}

void LayoutPool::Impl::work_on(const LayoutKey& key, Chain& chain, std::size_t frames_available) {
  const auto frames = store->snapshot();
  MethodSettings settings;  // a copy: set_method_settings may change them meanwhile
  {
    std::lock_guard lock(mutex);
    settings = this->settings;
  }
  frames_available = std::min(frames_available, frames.size());
  if (key.method == Method::pca) {
    // One basis fitted on the latest frame, applied to every frame: points do not spin.
    const auto latest = frames[frames_available - 1];
    const auto ref = layer_matrix(latest, key.layer);
    // A few more components than the layout needs are fitted for showing (the window draws the
    // input's as images); the layout uses the first key.dims.
    const int shown = std::min<int>(std::max(key.dims, 4), static_cast<int>(std::min(ref->cols(), ref->rows() - 1)));
    auto basis = project::fit_pca(*ref, std::max(shown, key.dims), settings.pca.standardize);
    auto components = std::make_shared<PcaComponents>();
    components->loadings = basis.components;
    components->explained_ratio = basis.explained_variance_ratio;
    basis.components = Matrix(basis.components.leftCols(key.dims));
    basis.explained_variance.resize(static_cast<std::size_t>(key.dims));
    basis.explained_variance_ratio.resize(static_cast<std::size_t>(key.dims));
    double explained = 0;
    for (double v : basis.explained_variance_ratio) explained += v;
    std::size_t fitted_before;
    int focus_frame;
    {
      std::lock_guard lock(mutex);
      fitted_before = chain.pca_basis_frames;
      focus_frame = focus;
    }
    for (std::size_t f = 0; f < frames_available; ++f) {
      const auto input = layer_matrix(frames[f], key.layer);
      ResultPtr prev, old;
      {
        std::lock_guard lock(mutex);
        if (f > 0 && f - 1 < chain.results.size()) prev = chain.results[f - 1];
        if (f < chain.results.size()) old = chain.results[f];
      }
      // Quality is measured for new frames and the one in view; older frames keep the figures of
      // the basis they were first shown with (refitting moves them only slightly), which keeps a
      // refit after each epoch at a few milliseconds per frame.
      const bool measure = f >= fitted_before || static_cast<int>(f) == focus_frame || !old;
      auto r = std::make_shared<LayoutResult>(*make_result(key, chain, static_cast<int>(f),
                                                            project::apply_pca(basis, *input), measure, *input, prev));
      r->final = true;
      if (!measure) {
        r->recall_at_10 = old->recall_at_10;
        r->knn_accuracy = old->knn_accuracy;
        r->displacement = old->displacement;
        r->neighbourhood_change = old->neighbourhood_change;
      }
      r->components = components;
      r->cost_name = "explained variance";
      r->cost = explained;
      publish(key, chain, static_cast<int>(f), std::move(r), true);
    }
    std::lock_guard lock(mutex);
    chain.pca_basis_frames = frames_available;
    chain.frames_final = static_cast<int>(frames_available);
    return;
  }

  if (!chain.job) {
    int t = 0;
    ResultPtr previous;
    {
      std::lock_guard lock(mutex);
      t = chain.frames_final;
      if (t > 0) previous = chain.results[static_cast<std::size_t>(t - 1)];
    }
    const auto frame = frames[static_cast<std::size_t>(t)];
    if (key.layer == "input" && t > 0 && previous) {
      // The input does not change between frames: the same layout, computed once.
      auto r = std::make_shared<LayoutResult>(*previous);
      r->frame = t;
      r->displacement = 0;
      publish(key, chain, t, std::move(r), true);
      return;
    }
    chain.job_input = layer_matrix(frame, key.layer);
    chain.job_frame_ptr = frame;
    chain.job_frame = t;
    chain.job_seconds = 0;
    chain.cost_name.clear();
    chain.cost_due = 0;
    const auto start = Clock::now();
    project::ProjectionInput in;
    in.data = chain.job_input.get();
    const bool warm = key.method != Method::tsne || settings.tsne_warm_start;
    chain.job_depth_seed = t == 0 && is_iterative(key.method) && warm ? depth_seed(key) : nullptr;
    if (is_iterative(key.method) && previous && warm) in.warm_start = previous->positions.get();
    if (chain.job_depth_seed) in.warm_start = chain.job_depth_seed->positions.get();
    const int k = neighbors_needed(key.method, settings);
    if (k > 0) in.neighbors = neighbors(key.layer, t, *chain.job_input, std::max(k, knn_k_for(key.layer)));
    auto method_settings = settings;
    method_settings.dims = key.dims;
    chain.job = make_projection(key.method, method_settings);
    chain.job_layout = chain.job->initialize(in);
    chain.job_seconds += std::chrono::duration<double>(Clock::now() - start).count();
    std::lock_guard lock(mutex);
    chain.status_frame = t;
    chain.status_iteration = chain.job->iteration();
    chain.status_total = chain.job->total_iterations();
  }
  const auto start = Clock::now();
  const int t = chain.job_frame;
  chain.job->run(chain.job_layout, chain.job->iteration() + options.slice_iterations);
  chain.job_seconds += std::chrono::duration<double>(Clock::now() - start).count();
  const bool final = chain.job->done();
  ResultPtr previous;
  {
    std::lock_guard lock(mutex);
    if (t > 0) previous = chain.results[static_cast<std::size_t>(t - 1)];
    chain.status_iteration = chain.job->iteration();
    chain.status_total = chain.job->total_iterations();
  }
  Matrix shown = chain.job_layout;
  if (previous && previous->positions && is_iterative(key.method) && shown.allFinite()) {
    shown = project::align_to(shown, *previous->positions);
  } else if (chain.job_depth_seed && shown.allFinite()) {
    shown = project::align_to(shown, *chain.job_depth_seed->positions);
  }
  auto r = make_result(key, chain, t, std::move(shown), final, *chain.job_input, previous);
  publish(key, chain, t, std::move(r), final);
  if (final) {
    chain.drop_job();
    std::lock_guard lock(mutex);
    chain.status_frame = -1;
  }
}

// Depth as a second axis: frame 0 of a chain starts from the frame-0 layout of the nearest layer
// (store::layer_choices order) that has one in the same method and dims, and is aligned to it; the
// later frames follow from frame 0 as always. Stepping a view through the layers then moves the
// points instead of flipping and scattering them.
ResultPtr LayoutPool::Impl::depth_seed(const LayoutKey& key) {
  const auto layers = store::layer_choices(store->points());
  const auto here = std::find(layers.begin(), layers.end(), key.layer);
  if (here == layers.end()) return nullptr;
  ResultPtr best;
  long best_distance = 0;
  std::lock_guard lock(mutex);
  for (const auto& [other, c] : chains) {
    if (other.method != key.method || other.dims != key.dims || other.layer == key.layer || c.results.empty() ||
        !c.results[0] || !c.results[0]->final) {
      continue;
    }
    const auto there = std::find(layers.begin(), layers.end(), other.layer);
    const long distance = std::abs(static_cast<long>(there - here));
    if (there != layers.end() && (!best || distance < best_distance)) {
      best = c.results[0];
      best_distance = distance;
    }
  }
  return best;
}

void LayoutPool::Impl::compute_change(const std::pair<std::string, int>& key) {
  const auto& [layer, frame] = key;
  std::shared_ptr<const std::vector<float>> change;
  try {
    const auto data = store->layer(static_cast<std::size_t>(frame), layer);
    if (data) change = neighbourhood_change(layer, frame, *neighbors(layer, frame, *data, 10));
  } catch (const std::exception&) {
    change = nullptr;  // a frame that cannot be read back: unknown
  }
  {
    std::lock_guard lock(mutex);
    if (!change) change_failed.insert(key);
  }
  version->fetch_add(1, std::memory_order_acq_rel);
  cv.notify_all();
}

Chain* LayoutPool::Impl::pick(std::size_t frames_available) {
  // Chains with work: iterative/star ones whose next frame exists, PCA ones whose basis is stale.
  Chain* best = nullptr;
  int best_rank = 0;
  for (auto& [key, chain] : chains) {
    if (!chain.requested || chain.busy) continue;
    const bool has_work = key.method == Method::pca ? chain.pca_basis_frames < frames_available
                                                    : static_cast<std::size_t>(chain.frames_final) < frames_available;
    if (!has_work) continue;
    // The cheap methods (star coordinates' recall, PCA: milliseconds a frame) go first, so their
    // views never wait behind t-SNE or UMAP work. Then the frame the user looks at: chains that have
    // not reached it rank by how far behind they are; chains past it come after.
    const int cheap = key.method == Method::star || key.method == Method::pca ? 0 : 1;
    const int behind = chain.frames_final <= focus ? 0 : 1;
    const int rank = cheap * 10000000 + behind * 1000000 + chain.frames_final;
    if (best == nullptr || rank < best_rank) {
      best = &chain;
      best_rank = rank;
    }
  }
  return best;
}

void LayoutPool::Impl::worker(std::stop_token stop) {
  lower_thread_priority(options.nice);
  while (!stop.stop_requested()) {
    const std::size_t available = store->size();
    Chain* chain = nullptr;
    LayoutKey key;
    std::optional<std::pair<std::string, int>> change;
    {
      std::unique_lock lock(mutex);
      if (!change_wanted.empty()) {
        change = *change_wanted.begin();
        change_wanted.erase(change_wanted.begin());
      }
    }
    if (change) {
      const CoreLoans::Lease lease(options.loans.get(), options.threads_per_job);
      compute_change(*change);
      continue;
    }
    {
      std::unique_lock lock(mutex);
      chain = pick(available);
      if (chain == nullptr) {
        cv.wait_for(lock, std::chrono::milliseconds(50));
        continue;
      }
      chain->busy = true;
      for (const auto& [k, c] : chains) {
        if (&c == chain) key = k;
      }
    }
    try {
      const CoreLoans::Lease lease(options.loans.get(), options.threads_per_job);
      work_on(key, *chain, available);
    } catch (const std::exception& e) {
      // A method that cannot handle this input: leave the chain where it is, stop asking, say why.
      std::lock_guard lock(mutex);
      chain->error = e.what();
      chain->error_frame = chain->job_frame >= 0 ? chain->job_frame : static_cast<int>(chain->results.size());
      chain->requested = false;
      chain->job.reset();
    }
    {
      std::lock_guard lock(mutex);
      chain->busy = false;
      if (chain->stale) reset_chain(*chain);
      if (!chain->requested) {
        chain->status_frame = -1;
        chain->drop_job();  // cancelled: drop the work in progress
      }
    }
    cv.notify_all();
  }
}

LayoutPool::LayoutPool(std::shared_ptr<const store::EpochStore> store, PoolOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!store) throw Error("LayoutPool needs a store");
  impl_->store = std::move(store);
  impl_->options = options;
  impl_->settings = options.methods;
  impl_->settings.seed = options.seed;
  impl_->settings.threads = std::max(1, options.threads_per_job);
  impl_->version = &version_;
  for (int i = 0; i < std::max(1, options.workers); ++i) {
    impl_->workers.emplace_back([this](std::stop_token st) { impl_->worker(st); });
  }
}

LayoutPool::~LayoutPool() {
  for (auto& w : impl_->workers) w.request_stop();
  impl_->cv.notify_all();
  impl_->workers.clear();  // joins
}

void LayoutPool::request(const LayoutKey& key) {
  {
    std::lock_guard lock(impl_->mutex);
    auto& chain = impl_->chains[key];
    chain.requested = true;
    chain.error.clear();  // asked again: try again
    chain.error_frame = -1;
  }
  impl_->cv.notify_all();
}

void LayoutPool::release(const LayoutKey& key) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->chains.find(key);
  if (it != impl_->chains.end()) it->second.requested = false;
}

void LayoutPool::Impl::reset_chain(Chain& chain) {
  chain.stale = false;
  chain.results.clear();
  chain.frames_final = 0;
  chain.pca_basis_frames = 0;
  chain.status_frame = -1;
  chain.drop_job();
  chain.error.clear();
  chain.error_frame = -1;
}

void LayoutPool::set_method_settings(Method method, const MethodSettings& settings) {
  {
    std::lock_guard lock(impl_->mutex);
    const auto seed = impl_->settings.seed;
    const auto threads = impl_->settings.threads;
    impl_->settings = settings;
    impl_->settings.seed = seed;
    impl_->settings.threads = threads;
    for (auto& [key, chain] : impl_->chains) {
      if (key.method != method) continue;
      if (chain.busy) {
        chain.stale = true;
      } else {
        impl_->reset_chain(chain);
      }
    }
  }
  version_.fetch_add(1, std::memory_order_acq_rel);
  impl_->cv.notify_all();
}

MethodSettings LayoutPool::method_settings() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->settings;
}

void LayoutPool::set_focus(int frame) {
  std::lock_guard lock(impl_->mutex);
  impl_->focus = frame;
}

void LayoutPool::preload(const LayoutKey& key, std::shared_ptr<const LayoutResult> result) {
  if (!result || !result->positions) return;
  {
    std::lock_guard lock(impl_->mutex);
    auto& chain = impl_->chains[key];
    const auto f = static_cast<std::size_t>(result->frame);
    if (chain.results.size() <= f) chain.results.resize(f + 1);
    chain.results[f] = std::move(result);
    while (static_cast<std::size_t>(chain.frames_final) < chain.results.size() &&
           chain.results[static_cast<std::size_t>(chain.frames_final)] &&
           chain.results[static_cast<std::size_t>(chain.frames_final)]->final) {
      ++chain.frames_final;
    }
    if (key.method == Method::pca) chain.pca_basis_frames = static_cast<std::size_t>(chain.frames_final);
  }
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::shared_ptr<const knn::NeighborList> LayoutPool::cached_neighbors(const std::string& layer, int frame, int k) const {
  return impl_->knn_cache.find(layer, layer == "input" ? 0 : frame, k);
}

std::shared_ptr<const std::vector<float>> LayoutPool::neighbourhood_change(const std::string& layer, int frame) {
  if (frame <= 0 || layer == "input" || static_cast<std::size_t>(frame) >= impl_->store->size()) return nullptr;
  const auto key = std::make_pair(layer, frame);
  {
    std::lock_guard lock(impl_->mutex);
    if (auto it = impl_->change_cache.find(key); it != impl_->change_cache.end()) return it->second;
    if (impl_->change_failed.count(key) != 0) return nullptr;
    impl_->change_wanted.insert(key);
  }
  impl_->cv.notify_all();
  return nullptr;
}

std::shared_ptr<const LayoutResult> LayoutPool::get(const LayoutKey& key, int frame) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->chains.find(key);
  if (it == impl_->chains.end() || frame < 0 || static_cast<std::size_t>(frame) >= it->second.results.size()) {
    return nullptr;
  }
  return it->second.results[static_cast<std::size_t>(frame)];
}

ChainStatus LayoutPool::status(const LayoutKey& key) const {
  ChainStatus s;
  s.frames_available = static_cast<int>(impl_->store->size());
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->chains.find(key);
  if (it == impl_->chains.end()) return s;
  const auto& c = it->second;
  s.frames_final = c.frames_final;
  s.working_frame = c.status_frame;
  s.iteration = c.status_frame >= 0 ? c.status_iteration : 0;
  s.total_iterations = c.status_frame >= 0 ? c.status_total : 0;
  s.error = c.error;
  s.error_frame = c.error_frame;
  return s;
}

bool LayoutPool::wait_idle(double timeout_seconds) const {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (Clock::now() < deadline) {
    const std::size_t available = impl_->store->size();
    bool idle = true;
    {
      std::lock_guard lock(impl_->mutex);
      for (const auto& [key, c] : impl_->chains) {
        if (!c.requested) continue;
        const std::size_t done = key.method == Method::pca ? c.pca_basis_frames : static_cast<std::size_t>(c.frames_final);
        if (c.busy || done < available) idle = false;
      }
    }
    if (idle) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace epochscope::jobs
