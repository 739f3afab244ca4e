#include <gtest/gtest.h>

#include <Eigen/QR>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <mutex>
#include <thread>

#include "epochscope/io/session.hpp"
#include "epochscope/jobs/layout_pool.hpp"
#include "epochscope/jobs/layout_records.hpp"
#include "epochscope/jobs/tasks.hpp"
#include "epochscope/store/metrics.hpp"
#include "test_util.hpp"
#include "../src/jobs/neighbor_cache.hpp"  // private to jobs/: its bounds

using namespace epochscope;
using namespace std::chrono_literals;

namespace {

// Frames whose layers hold ten well separated classes that drift a little from frame to frame.
store::FramePtr clustered_frame(const store::PointSet& ps, int index) {
  auto f = std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(ps, index));
  std::mt19937 rng(static_cast<std::uint32_t>(100 + index));
  std::normal_distribution<float> g(0.f, 1.f);
  Matrix logits(static_cast<Eigen::Index>(ps.size()), 10);
  for (Eigen::Index i = 0; i < logits.rows(); ++i) {
    for (int c = 0; c < 10; ++c) logits(i, c) = g(rng) + (c == ps.labels[static_cast<std::size_t>(i)] ? 8.f + 0.2f * index : 0.f);
  }
  f->layers["logits"] = logits;
  f->layers["output"] = store::softmax(logits);
  return f;
}

std::shared_ptr<store::EpochStore> make_store(std::size_t points, int frames) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(points));
  auto s = std::make_shared<store::EpochStore>(ps);
  for (int i = 0; i < frames; ++i) s->publish(clustered_frame(*ps, i));
  return s;
}

jobs::PoolOptions quick_options() {
  jobs::PoolOptions o;
  o.slice_iterations = 20;
  o.threads_per_job = 2;  // each projection on two threads (ThreadSanitizer runs these)
  o.methods.tsne.iterations = 300;
  o.methods.tsne.early_iterations = 100;
  o.methods.tsne.warm_iterations = 60;
  o.methods.umap.n_epochs = 100;
  o.methods.mds.iterations = 60;
  return o;
}

}  // namespace

TEST(LayoutPool, EveryMethodLaysOutEveryFrame) {
  auto store = make_store(300, 3);
  jobs::LayoutPool pool(store, quick_options());
  for (auto m : jobs::all_methods()) pool.request({m, "output", 2});
  pool.request({jobs::Method::pca, "hidden", 3});
  ASSERT_TRUE(pool.wait_idle(240));
  for (auto m : jobs::all_methods()) {
    const jobs::LayoutKey key{m, "output", 2};
    EXPECT_EQ(pool.status(key).frames_final, 3) << jobs::method_name(m);
    for (int f = 0; f < 3; ++f) {
      const auto r = pool.get(key, f);
      ASSERT_NE(r, nullptr) << jobs::method_name(m) << " frame " << f;
      EXPECT_TRUE(r->final);
      EXPECT_EQ(r->frame, f);
      ASSERT_EQ(r->positions->rows(), 300);
      EXPECT_EQ(r->positions->cols(), 2);
      EXPECT_TRUE(r->positions->allFinite()) << jobs::method_name(m);
      EXPECT_GE(r->recall_at_10, 0.0);
      EXPECT_LE(r->recall_at_10, 1.0);
      if (f > 0) {
        EXPECT_FALSE(std::isnan(r->displacement)) << jobs::method_name(m);
      }
    }
    // By the last frame the classes separate (the synthetic logits favour the label more and more).
    // (A 3-NN graph drawn by forces keeps clusters together less tightly than the others.)
    EXPECT_GT(pool.get(key, 2)->knn_accuracy, m == jobs::Method::graph ? 0.75 : 0.9) << jobs::method_name(m);
  }
  EXPECT_FALSE(pool.get({jobs::Method::graph, "output", 2}, 1)->edges->empty());
  // Neighbourhood change: unknown at frame 0, a share per point after, one vector per layer and frame.
  const auto tsne1 = pool.get({jobs::Method::tsne, "output", 2}, 1);
  EXPECT_EQ(pool.get({jobs::Method::tsne, "output", 2}, 0)->neighbourhood_change, nullptr);
  ASSERT_NE(tsne1->neighbourhood_change, nullptr);
  EXPECT_EQ(tsne1->neighbourhood_change->size(), 300u);
  EXPECT_EQ(tsne1->neighbourhood_change, pool.get({jobs::Method::umap, "output", 2}, 1)->neighbourhood_change);
  double mean_change = 0;
  for (float c : *tsne1->neighbourhood_change) {
    EXPECT_GE(c, 0.0f);
    EXPECT_LE(c, 1.0f);
    mean_change += c / 300.0;
  }
  EXPECT_GT(mean_change, 0.0);  // the synthetic frames differ by noise: some neighbours change
  EXPECT_LT(mean_change, 1.0);
  EXPECT_EQ(pool.get({jobs::Method::pca, "hidden", 3}, 2)->positions->cols(), 3);
  EXPECT_EQ(pool.get({jobs::Method::pca, "output", 2}, 0)->cost_name, "explained variance");
  // PCA results carry their basis (4 components where the layer allows) for the window to show.
  const auto pca = pool.get({jobs::Method::pca, "output", 2}, 2);
  ASSERT_NE(pca->components, nullptr);
  EXPECT_EQ(pca->components->loadings.rows(), 10);
  EXPECT_EQ(pca->components->loadings.cols(), 4);
  ASSERT_EQ(pca->components->explained_ratio.size(), 4u);
  EXPECT_GE(pca->components->explained_ratio[0], pca->components->explained_ratio[3]);
  EXPECT_NEAR(pca->cost, pca->components->explained_ratio[0] + pca->components->explained_ratio[1], 1e-9);
  const Matrix gram = pca->components->loadings.transpose() * pca->components->loadings;
  EXPECT_LT((gram - Matrix::Identity(4, 4)).cwiseAbs().maxCoeff(), 1e-4f);
}

// Depth: a layer's first layout starts from the neighbouring layer's and is aligned to it, so a
// view stepping from one layer to the next moves its points a little instead of flipping them.
TEST(LayoutPool, ALayerStartsFromItsNeighbourInDepth) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(300));
  ps->layers = {{"a", 10, store::LayerKind::dense}, {"b", 10, store::LayerKind::dense}};
  auto store = std::make_shared<store::EpochStore>(ps);
  // "b" is "a" turned by a random rotation, plus a little noise: the same picture, any orientation.
  const auto base = clustered_frame(*ps, 0);
  const Matrix a = *base->layer("logits");
  std::mt19937 rng(5);
  std::normal_distribution<float> g(0.f, 1.f);
  Matrix r(10, 10), noise(a.rows(), 10);
  for (Eigen::Index i = 0; i < r.size(); ++i) r.data()[i] = g(rng);
  for (Eigen::Index i = 0; i < noise.size(); ++i) noise.data()[i] = 0.3f * g(rng);
  const Matrix rotation = Eigen::HouseholderQR<Matrix>(r).householderQ();
  auto f = std::make_shared<store::Frame>();
  f->layers["a"] = a;
  f->layers["b"] = a * rotation + noise;
  f->predicted.assign(300, 0);
  store->publish(f);
  // Mean distance between the two layers' layouts of the same points, in units of a's RMS radius.
  auto apart = [](const Matrix& p, const Matrix& q) {
    const Eigen::RowVectorXf c = q.colwise().mean();
    const double radius = std::sqrt((q.rowwise() - c).rowwise().squaredNorm().mean());
    return (p - q).rowwise().norm().mean() / radius;
  };
  for (auto method : {jobs::Method::mds, jobs::Method::umap}) {
    SCOPED_TRACE(jobs::method_name(method));
    jobs::LayoutPool stepped(store, quick_options());
    stepped.request({method, "a", 2});
    ASSERT_TRUE(stepped.wait_idle(120));
    stepped.request({method, "b", 2});
    ASSERT_TRUE(stepped.wait_idle(120));
    jobs::LayoutPool alone(store, quick_options());
    alone.request({method, "b", 2});
    ASSERT_TRUE(alone.wait_idle(120));
    const Matrix& la = *stepped.get({method, "a", 2}, 0)->positions;
    const double aligned = apart(*stepped.get({method, "b", 2}, 0)->positions, la);
    const double independent = apart(*alone.get({method, "b", 2}, 0)->positions, la);
    std::printf("%s: a -> b moved %.3f (from a's layout, aligned) vs %.3f (independent)\n", jobs::method_name(method),
                aligned, independent);
    EXPECT_LT(aligned, 0.5 * independent);
    EXPECT_LT(aligned, 0.3);
  }
}

TEST(LayoutPool, FollowsNewFramesAndTheInputLayerIsComputedOnce) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(200));
  auto store = std::make_shared<store::EpochStore>(ps);
  store->publish(clustered_frame(*ps, 0));
  jobs::LayoutPool pool(store, quick_options());
  const jobs::LayoutKey umap{jobs::Method::umap, "output", 2}, input{jobs::Method::umap, "input", 2};
  pool.request(umap);
  pool.request(input);
  ASSERT_TRUE(pool.wait_idle(120));
  EXPECT_EQ(pool.status(umap).frames_final, 1);
  const auto v = pool.version();
  for (int i = 1; i < 3; ++i) store->publish(clustered_frame(*ps, i));
  ASSERT_TRUE(pool.wait_idle(120));
  EXPECT_GT(pool.version(), v);
  EXPECT_EQ(pool.status(umap).frames_final, 3);
  EXPECT_EQ(pool.status(input).frames_final, 3);
  EXPECT_EQ(*pool.get(input, 2)->positions, *pool.get(input, 0)->positions);
  EXPECT_EQ(pool.get(input, 2)->displacement, 0.0);
}

// Old frames whose layers the store let go of are read back through its loader, and lay out
// exactly as when they were resident.
TEST(LayoutPool, LaysOutFramesTheStoreEvicted) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(200));
  std::vector<store::FramePtr> frames;
  for (int i = 0; i < 4; ++i) frames.push_back(clustered_frame(*ps, i));
  store::MemoryOptions keep_one;
  keep_one.resident_bytes = (10 + 64) * 200 * 4;  // one frame's logits and hidden layer
  auto evicting = std::make_shared<store::EpochStore>(ps, keep_one);
  auto reads = std::make_shared<std::atomic<int>>(0);
  evicting->set_loader([frames, reads](std::size_t i) {
    ++*reads;
    return frames.at(i);
  });
  auto resident = std::make_shared<store::EpochStore>(ps);
  for (std::size_t i = 0; i < frames.size(); ++i) {
    evicting->publish(frames[i]);
    evicting->mark_saved(i);
    resident->publish(frames[i]);
  }
  ASSERT_EQ(evicting->evicted_frames(), 3u);
  frames.clear();  // only the loader's copies are left
  const jobs::LayoutKey umap{jobs::Method::umap, "logits", 2}, pca{jobs::Method::pca, "logits", 2};
  jobs::LayoutPool a(evicting, quick_options()), b(resident, quick_options());
  for (auto* pool : {&a, &b}) {
    pool->request(umap);
    pool->request(pca);
  }
  ASSERT_TRUE(a.wait_idle(120));
  ASSERT_TRUE(b.wait_idle(120));
  EXPECT_GT(reads->load(), 0);
  for (int f = 0; f < 4; ++f) {
    EXPECT_EQ(*a.get(umap, f)->positions, *b.get(umap, f)->positions) << f;
    EXPECT_EQ(*a.get(pca, f)->positions, *b.get(pca, f)->positions) << f;
  }
}

// The window's t-SNE panel: new options recompute t-SNE's chains from frame 0 and leave the others.
TEST(LayoutPool, NewMethodSettingsRecomputeThatMethodOnly) {
  auto store = make_store(300, 2);
  jobs::LayoutPool pool(store, quick_options());
  const jobs::LayoutKey tsne{jobs::Method::tsne, "output", 2}, umap{jobs::Method::umap, "output", 2};
  pool.request(tsne);
  pool.request(umap);
  ASSERT_TRUE(pool.wait_idle(120));
  const auto tsne_before = pool.get(tsne, 1), umap_before = pool.get(umap, 1);
  EXPECT_EQ(tsne_before->cost_name, "KL divergence");
  EXPECT_GT(tsne_before->cost, 0.0);
  auto s = pool.method_settings();
  EXPECT_TRUE(s.tsne_warm_start);
  s.tsne.perplexity = 10;
  s.tsne_warm_start = false;  // every frame from PCA
  pool.set_method_settings(jobs::Method::tsne, s);
  EXPECT_EQ(pool.method_settings().tsne.perplexity, 10);
  ASSERT_TRUE(pool.wait_idle(120));
  const auto tsne_after = pool.get(tsne, 1);
  ASSERT_NE(tsne_after, nullptr);
  EXPECT_TRUE(tsne_after->final);
  EXPECT_NE(*tsne_after->positions, *tsne_before->positions);
  EXPECT_EQ(pool.get(umap, 1), umap_before);  // untouched
  // Cold starts: frame 1 took the full schedule, not the warm one.
  EXPECT_EQ(tsne_after->total_iterations, quick_options().methods.tsne.iterations);

  // Changing settings while a slice is being computed drops that work and starts over.
  auto slow = quick_options();
  slow.slice_iterations = 5;
  slow.methods.tsne.iterations = 4000;
  jobs::LayoutPool busy(store, slow);
  busy.request(tsne);
  for (int i = 0; i < 2000 && !busy.get(tsne, 0); ++i) std::this_thread::sleep_for(1ms);
  auto fast = busy.method_settings();
  fast.tsne.iterations = 200;
  fast.tsne.early_iterations = 50;
  busy.set_method_settings(jobs::Method::tsne, fast);
  ASSERT_TRUE(busy.wait_idle(120));
  EXPECT_EQ(busy.get(tsne, 0)->total_iterations, 200);
}

TEST(LayoutPool, PublishesIntermediateLayoutsAndCancels) {
  auto store = make_store(400, 2);
  auto o = quick_options();
  o.slice_iterations = 5;
  o.methods.tsne.iterations = 50000;  // runs for seconds: released long before the end
  o.loans = std::make_shared<CoreLoans>();
  jobs::LayoutPool pool(store, o);
  const jobs::LayoutKey key{jobs::Method::tsne, "output", 2};
  pool.request(key);
  std::shared_ptr<const jobs::LayoutResult> r;
  for (int i = 0; i < 2000 && !(r = pool.get(key, 0)); ++i) std::this_thread::sleep_for(5ms);
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->final);
  EXPECT_LT(r->iteration, r->total_iterations);
  const auto st = pool.status(key);
  EXPECT_EQ(st.working_frame, 0);
  EXPECT_EQ(st.total_iterations, 50000);
  // Every intermediate layout shows a KL divergence (the last readout between readouts).
  EXPECT_EQ(r->cost_name, "KL divergence");
  EXPECT_GT(r->cost, 0.0);
  // While it computes, the worker borrows its job's cores from training.
  int borrowed = 0;
  for (int i = 0; i < 200 && borrowed == 0; ++i) {
    borrowed = o.loans->borrowed();
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(borrowed, 2);  // (threads_left's arithmetic: CoreLoans' own test; here a slice may end any time)
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(2ms);
    const auto later = pool.get(key, 0);
    ASSERT_NE(later, nullptr);
    EXPECT_EQ(later->cost_name, "KL divergence") << "iteration " << later->iteration;
  }
  pool.release(key);
  std::this_thread::sleep_for(200ms);  // a slice in flight may still land
  const auto v = pool.version();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(pool.version(), v) << "a released chain keeps computing";
  EXPECT_TRUE(pool.wait_idle(1));  // nothing requested is outstanding
  EXPECT_EQ(o.loans->borrowed(), 0);  // idle workers give their cores back
  EXPECT_NE(pool.get(key, 0), nullptr);  // what was computed stays cached
  // Another chain still gets computed.
  pool.request({jobs::Method::star, "output", 2});
  ASSERT_TRUE(pool.wait_idle(30));
  EXPECT_NE(pool.get({jobs::Method::star, "output", 2}, 1), nullptr);
}

TEST(LayoutPool, LaggingChainsGoFirst) {
  auto store = make_store(200, 4);
  auto o = quick_options();
  jobs::LayoutPool pool(store, o);
  // Star is instant; MDS takes a while per frame. With the focus on frame 0 both chains' first
  // frames come before any chain's later frames.
  pool.set_focus(0);
  pool.request({jobs::Method::mds, "output", 2});
  pool.request({jobs::Method::sammon, "output", 2});
  for (int i = 0; i < 4000; ++i) {
    if (pool.get({jobs::Method::mds, "output", 2}, 1) || pool.get({jobs::Method::sammon, "output", 2}, 1)) break;
    std::this_thread::sleep_for(2ms);
  }
  // Whichever chain reached frame 1 first, the other had frame 0 done by then.
  const bool mds_first = pool.get({jobs::Method::mds, "output", 2}, 1) != nullptr;
  const jobs::LayoutKey other{mds_first ? jobs::Method::sammon : jobs::Method::mds, "output", 2};
  const auto r0 = pool.get(other, 0);
  ASSERT_NE(r0, nullptr);
  ASSERT_TRUE(pool.wait_idle(120));
}

TEST(LayoutPool, CheapMethodsNeverWaitBehindTsne) {
  // One worker. t-SNE is asked for first and takes a while per frame; PCA, asked for next, lays out
  // every frame before t-SNE has finished its first (it waits one slice at most).
  auto store = make_store(400, 4);
  auto o = quick_options();
  o.workers = 1;
  jobs::LayoutPool pool(store, o);
  pool.request({jobs::Method::tsne, "output", 2});
  std::this_thread::sleep_for(20ms);
  pool.request({jobs::Method::pca, "output", 2});
  for (int i = 0; i < 5000 && pool.status({jobs::Method::pca, "output", 2}).frames_final < 4; ++i) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(pool.status({jobs::Method::pca, "output", 2}).frames_final, 4);
  EXPECT_EQ(pool.status({jobs::Method::tsne, "output", 2}).frames_final, 0);
  ASSERT_TRUE(pool.wait_idle(120));
}

TEST(LayoutPool, EveryMethodButStarLaysOutIn3D) {
  // What a 3-D view asks for: N x 3 layouts of every frame, final, aligned to the previous frame.
  auto store = make_store(200, 2);
  jobs::LayoutPool pool(store, quick_options());
  std::vector<jobs::Method> methods;
  for (auto m : jobs::all_methods()) {
    if (m != jobs::Method::star) methods.push_back(m);
  }
  for (auto m : methods) pool.request({m, "output", 3});
  ASSERT_TRUE(pool.wait_idle(240));
  for (auto m : methods) {
    const jobs::LayoutKey key{m, "output", 3};
    EXPECT_TRUE(pool.status(key).error.empty()) << jobs::method_name(m) << ": " << pool.status(key).error;
    for (int f = 0; f < 2; ++f) {
      const auto r = pool.get(key, f);
      ASSERT_NE(r, nullptr) << jobs::method_name(m);
      EXPECT_TRUE(r->final);
      ASSERT_EQ(r->positions->cols(), 3) << jobs::method_name(m);
      EXPECT_TRUE(r->positions->allFinite()) << jobs::method_name(m);
      // Not flat: the third coordinate carries spread too.
      const Matrix& y = *r->positions;
      const double spread_z = (y.col(2).array() - y.col(2).mean()).square().mean();
      EXPECT_GT(spread_z, 1e-6 * (y.col(0).array() - y.col(0).mean()).square().mean()) << jobs::method_name(m);
      EXPECT_TRUE(std::isfinite(r->recall_at_10)) << jobs::method_name(m);
    }
  }
}

TEST(LayoutPool, AChainThatCannotBeComputedSaysWhy) {
  auto store = make_store(200, 2);
  jobs::LayoutPool pool(store, {.workers = 1});
  const jobs::LayoutKey star3{jobs::Method::star, "output", 3};  // star coordinates are 2-D only
  pool.request(star3);
  pool.request({jobs::Method::pca, "output", 2});
  ASSERT_TRUE(pool.wait_idle(60));
  const auto st = pool.status(star3);
  EXPECT_EQ(pool.get(star3, 0), nullptr);
  EXPECT_NE(st.error.find("2-D only"), std::string::npos) << st.error;
  EXPECT_EQ(st.error_frame, 0);
  EXPECT_TRUE(pool.status({jobs::Method::pca, "output", 2}).error.empty());  // the others go on
  EXPECT_NE(pool.get({jobs::Method::pca, "output", 2}, 1), nullptr);
  pool.request(star3);  // asked again: tried again (and refused again)
  ASSERT_TRUE(pool.wait_idle(60));
  EXPECT_FALSE(pool.status(star3).error.empty());
}

TEST(Methods, NamesRoundTrip) {
  for (auto m : jobs::all_methods()) EXPECT_EQ(jobs::parse_method(jobs::method_name(m)), m);
  EXPECT_FALSE(jobs::parse_method("lle").has_value());
  EXPECT_THROW(jobs::make_projection(jobs::Method::star, {.dims = 3}), Error);
  // The views drawn from the data: named like the others (menus, gui.json, render), never computed.
  for (auto m : {jobs::Method::pixels, jobs::Method::trajectory}) {
    EXPECT_EQ(jobs::parse_method(jobs::method_name(m)), m);
    EXPECT_FALSE(jobs::is_computed(m));
    EXPECT_FALSE(jobs::is_iterative(m));
    EXPECT_EQ(std::count(jobs::all_methods().begin(), jobs::all_methods().end(), m), 0);
    EXPECT_THROW(jobs::make_projection(m, {}), Error);
    EXPECT_FALSE(jobs::worth_saving({m, "output", 2}));
  }
  EXPECT_STREQ(jobs::method_name(jobs::Method::trajectory), "trajectory");
  EXPECT_EQ(jobs::all_methods().size(), 7u);
}

TEST(LayoutRecords, FinalLayoutsRoundTripThroughTheSessionAndAreNotRecomputed) {
  auto store = make_store(300, 3);
  std::vector<io::LayoutRecord> saved;
  std::mutex m;
  {
    auto o = quick_options();
    o.on_final = [&](const jobs::LayoutKey& key, std::shared_ptr<const jobs::LayoutResult> r) {
      std::lock_guard lock(m);
      if (jobs::worth_saving(key)) saved.push_back(jobs::to_record(key, *r));
    };
    jobs::LayoutPool pool(store, o);
    pool.request({jobs::Method::tsne, "output", 2});
    pool.request({jobs::Method::graph, "logits", 2});
    pool.request({jobs::Method::pca, "output", 3});  // cheap and 3-D: saved all the same
    ASSERT_TRUE(pool.wait_idle(240));
  }
  ASSERT_EQ(saved.size(), 9u);
  // Through the file.
  const auto dir = epochscope::testing::scratch_dir();
  {
    io::SessionWriter w(dir / "s.epochscope", store->points(), {});
    for (std::size_t f = 0; f < store->size(); ++f) w.append(*store->frame(f));
    for (const auto& r : saved) w.append_layout(r);
  }
  const io::Session session = io::read_session(dir / "s.epochscope");
  ASSERT_EQ(session.layouts.size(), 9u);
  // Drop frame 1 of the graph chain: its frame 0 is preloaded, 1 and 2 are computed again.
  std::vector<io::LayoutRecord> records;
  for (const auto& r : session.layouts) {
    if (!(r.method == "graph" && r.frame == 1)) records.push_back(r);
  }
  jobs::LayoutPool pool(store, quick_options());
  EXPECT_EQ(jobs::preload_records(pool, records, store->points().size(), store->size()), 7u);
  EXPECT_EQ(pool.status({jobs::Method::pca, "output", 3}).frames_final, 3);
  const jobs::LayoutKey tsne{jobs::Method::tsne, "output", 2};
  EXPECT_EQ(pool.status(tsne).frames_final, 3);
  const auto r2 = pool.get(tsne, 2);
  ASSERT_NE(r2, nullptr);
  EXPECT_TRUE(r2->final);
  const auto original = std::find_if(saved.begin(), saved.end(), [](const io::LayoutRecord& r) { return r.method == "tsne" && r.frame == 2; });
  ASSERT_NE(original, saved.end());
  EXPECT_EQ(r2->cost_name, original->cost_name);
  EXPECT_LT((*r2->positions - original->positions).cwiseAbs().maxCoeff(), 2e-3);  // stored within 1e-3
  pool.request(tsne);
  const jobs::LayoutKey graph{jobs::Method::graph, "logits", 2};
  EXPECT_EQ(pool.status(graph).frames_final, 1);
  pool.request(graph);
  ASSERT_TRUE(pool.wait_idle(240));
  EXPECT_EQ(pool.status(graph).frames_final, 3);
  EXPECT_EQ(pool.get(tsne, 2), r2);  // not recomputed
  // PCA of the input is neither saved nor preloaded: its component images come only from computing it.
  EXPECT_FALSE(jobs::worth_saving({jobs::Method::pca, "input", 2}));
  EXPECT_FALSE(jobs::worth_saving({jobs::Method::pixels, "input", 2}));
  EXPECT_TRUE(jobs::worth_saving({jobs::Method::pca, "output", 2}));
  io::LayoutRecord pca_input = *original;
  pca_input.method = "pca";
  pca_input.layer = "input";
  jobs::LayoutPool fresh(store, quick_options());
  EXPECT_EQ(jobs::preload_records(fresh, {pca_input}, store->points().size(), store->size()), 0u);
}

TEST(LayoutRecords, UnusableRecordsAreRefused) {
  io::LayoutRecord r;
  r.method = "tsne";
  r.layer = "output";
  r.dims = 2;
  r.frame = 0;
  r.positions = Matrix::Zero(10, 2);
  std::string why;
  EXPECT_TRUE(jobs::from_record(r, 10, &why).has_value());
  EXPECT_FALSE(jobs::from_record(r, 11, &why).has_value());
  EXPECT_NE(why.find("row per point"), std::string::npos);
  auto bad = r;
  bad.method = "lle";
  EXPECT_FALSE(jobs::from_record(bad, 10).has_value());
  bad = r;
  bad.layer = std::string("con\x01v");  // not a layer name at all
  EXPECT_FALSE(jobs::from_record(bad, 10).has_value());
  bad = r;
  bad.positions(3, 1) = std::numeric_limits<float>::infinity();
  EXPECT_FALSE(jobs::from_record(bad, 10).has_value());
  bad = r;
  bad.edges = {{0, 10}};
  EXPECT_FALSE(jobs::from_record(bad, 10).has_value());
  bad = r;
  bad.dims = 3;
  EXPECT_FALSE(jobs::from_record(bad, 10).has_value());
  jobs::LayoutResult not_final;
  EXPECT_THROW(jobs::to_record({jobs::Method::tsne, "output", 2}, not_final), Error);
}

TEST(TaskRunner, ValuesErrorsAndCancelledTasks) {
  std::shared_ptr<const jobs::Task<int>> ok, bad, dropped;
  std::atomic<bool> release{false};
  std::thread let_go;
  {
    jobs::TaskRunner tasks({.threads = 1});
    auto blocker = tasks.submit([&] {
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return 0;
    });
    ok = tasks.submit([] { return 42; });
    bad = tasks.submit([]() -> int { throw Error("the file is not a session"); });
    EXPECT_FALSE(ok->ready());  // queued behind the blocker: submit never waits
    EXPECT_GE(tasks.queued(), 2u);
    release = true;
    for (int i = 0; i < 1000 && !(ok->ready() && bad->ready()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_TRUE(ok->ready());
    EXPECT_FALSE(ok->failed());
    EXPECT_EQ(ok->value(), 42);
    ASSERT_TRUE(bad->failed());
    EXPECT_EQ(bad->error(), "the file is not a session");
    // A task still queued when the runner goes away is cancelled, never run.
    release = false;
    tasks.submit([&] {
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return 0;
    });
    dropped = tasks.submit([] { return 7; });
    let_go = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      release = true;
    });
  }  // the runner waits for the running task (let go after 50 ms) and drops the queued one
  let_go.join();
  EXPECT_FALSE(dropped->ready());
  EXPECT_TRUE(dropped->cancelled());
}

TEST(LayoutPool, TheWindowsPoolGrowsWithTheMachine) {
  const auto two = jobs::window_pool_options(2);  // what was measured: one worker, one thread
  EXPECT_EQ(two.workers, 1);
  EXPECT_EQ(two.threads_per_job, 1);
  EXPECT_EQ(two.nice, 10);
  EXPECT_EQ(jobs::window_pool_options(0).workers, 1);  // unknown core count: as for one core
  EXPECT_EQ(jobs::window_pool_options(1).threads_per_job, 1);
  EXPECT_EQ(jobs::window_pool_options(4).threads_per_job, 2);
  const auto sixteen = jobs::window_pool_options(16);
  EXPECT_EQ(sixteen.workers, 4);
  EXPECT_EQ(sixteen.threads_per_job, 2);
  const auto big = jobs::window_pool_options(256);
  EXPECT_EQ(big.workers, 4);
  EXPECT_EQ(big.threads_per_job, 4);
}

// The pool's neighbour lists stay within a count and a byte budget (at 70,000 points one list of
// k = 90 is 50 MB), always keeping the newest two; the least recently used go first.
TEST(NeighborCache, BoundedByCountAndBytesKeepingTheNewestTwo) {
  const Matrix data = Matrix::Random(3000, 6);
  const std::size_t list_bytes = 3000 * 90 * 8;  // 2.16 MB
  jobs::NeighborCache cache(2 * list_bytes + list_bytes / 2);
  const auto first = cache.get("hidden", 0, data, 90, 2);
  EXPECT_EQ(cache.get("hidden", 0, data, 90, 2), first);  // cached
  EXPECT_EQ(cache.get("hidden", 0, data, 10, 2), first);  // a shorter list is the same one
  cache.get("hidden", 1, data, 90, 2);
  cache.get("hidden", 0, data, 90, 2);  // frame 0 used again: frame 1 is the least recent now
  cache.get("hidden", 2, data, 90, 2);  // three lists pass the budget: frame 1 goes
  EXPECT_NE(cache.find("hidden", 0, 90), nullptr);
  EXPECT_EQ(cache.find("hidden", 1, 90), nullptr);
  EXPECT_NE(cache.find("hidden", 2, 90), nullptr);
  // A budget below two lists still keeps the newest two.
  jobs::NeighborCache tight(1);
  for (int f = 0; f < 4; ++f) tight.get("hidden", f, data, 90, 2);
  EXPECT_EQ(tight.find("hidden", 1, 90), nullptr);
  EXPECT_NE(tight.find("hidden", 2, 90), nullptr);
  EXPECT_NE(tight.find("hidden", 3, 90), nullptr);
  // Small lists: at most kCachedLists of them.
  jobs::NeighborCache many;
  for (int f = 0; f < 20; ++f) many.get("output", f, data.leftCols(2), 5, 2);
  int kept = 0;
  for (int f = 0; f < 20; ++f) kept += many.find("output", f, 5) != nullptr ? 1 : 0;
  EXPECT_EQ(kept, static_cast<int>(jobs::NeighborCache::kCachedLists));
}
