#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>

#include "epochscope/store/epoch_store.hpp"
#include "epochscope/store/layers.hpp"
#include "epochscope/store/metrics.hpp"
#include "epochscope/store/neurons.hpp"
#include "epochscope/store/thumbnails.hpp"
#include "epochscope/store/trajectory.hpp"
#include "test_util.hpp"

using namespace epochscope;

TEST(EpochStore, PublishesInOrderOnly) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(20));
  store::EpochStore s(ps);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.latest(), nullptr);
  s.publish(std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, 0)));
  EXPECT_THROW(s.publish(std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, 2))), Error);
  EXPECT_EQ(s.size(), 1u);
  EXPECT_EQ(s.frame(0)->index, 0);
  EXPECT_EQ(s.frame(5), nullptr);
  EXPECT_FALSE(s.wait_for(2, std::chrono::milliseconds(10)));
  s.close();
  EXPECT_TRUE(s.closed());
  EXPECT_FALSE(s.wait_for(2, std::chrono::milliseconds(1000)));  // returns at once when closed
}

// One writer, several readers; run under ThreadSanitizer by `make test` (the tsan preset).
TEST(EpochStore, ConcurrentReadersSeeWholeFramesOnly) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(200));
  store::EpochStore s(ps);
  constexpr int kFrames = 60;
  std::vector<store::FramePtr> made;
  for (int i = 0; i < kFrames; ++i) made.push_back(std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, i)));

  std::atomic<bool> failed{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      std::size_t seen = 0;
      while (seen < kFrames) {
        s.wait_for(seen + 1, std::chrono::milliseconds(50));
        const auto snap = s.snapshot();
        if (snap.size() < seen) failed = true;  // never shrinks
        for (std::size_t i = 0; i < snap.size(); ++i) {
          const auto& f = *snap[i];
          if (f.index != static_cast<int>(i) || f.layer("hidden") == nullptr || f.layer("hidden")->rows() != 200 ||
              f.predicted.size() != 200) {
            failed = true;
          }
        }
        seen = snap.size();
        if (auto latest = s.latest(); latest && latest->index + 1 < static_cast<int>(seen)) failed = true;
      }
    });
  }
  std::thread writer([&] {
    for (auto& f : made) {
      s.publish(f);
      std::this_thread::yield();
    }
    s.close();
  });
  writer.join();
  for (auto& r : readers) r.join();
  EXPECT_FALSE(failed.load());
  EXPECT_EQ(s.size(), static_cast<std::size_t>(kFrames));
}

TEST(Metrics, AccuracyLossAndConfusion) {
  store::PointSet ps;
  ps.class_names = {"a", "b", "c"};
  ps.labels = {0, 1, 2, 0};
  ps.heldout = {0, 0, 1, 1};
  Matrix logits(4, 3);
  logits << 5, 0, 0,   // train, right
      5, 0, 0,         // train, wrong (label 1)
      0, 0, 5,         // held-out, right
      0, 5, 0;         // held-out, wrong (label 0 predicted 1)
  std::vector<std::uint8_t> predicted;
  const auto m = store::compute_metrics(ps, logits, predicted);
  EXPECT_EQ(predicted, (std::vector<std::uint8_t>{0, 0, 2, 1}));
  EXPECT_DOUBLE_EQ(m.train_accuracy, 0.5);
  EXPECT_DOUBLE_EQ(m.heldout_accuracy, 0.5);
  const double right = std::log(1 + 2 * std::exp(-5.0));
  EXPECT_NEAR(m.train_loss, (right + (5 + right)) / 2, 1e-5);
  EXPECT_EQ(m.confusion[0 * 3 + 1], 1u);
  EXPECT_EQ(m.confusion[2 * 3 + 2], 1u);
  EXPECT_DOUBLE_EQ(m.per_class_accuracy[0], 0.0);
  EXPECT_DOUBLE_EQ(m.per_class_accuracy[2], 1.0);
  const Matrix p = store::softmax(logits);
  EXPECT_NEAR(p.row(0).sum(), 1.0f, 1e-6f);
}

namespace {

// A loader that hands back the originals (as a session file would, within its precision) and counts.
struct CountingLoader {
  std::vector<store::FramePtr> originals;
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
  store::FramePtr operator()(std::size_t i) const {
    ++*calls;
    if (i >= originals.size()) throw Error("no such frame");
    return originals[i];
  }
};

}  // namespace

TEST(EpochStore, EvictsSavedFramesBeyondTheBudgetAndReadsThemBack) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(100));
  // One frame's evictable layers: (10 logits + 64 hidden) x 100 points x 4 bytes = 29,600 bytes.
  constexpr std::size_t kPerFrame = 74 * 100 * 4;
  store::MemoryOptions mo;
  mo.resident_bytes = 3 * kPerFrame;
  store::EpochStore s(ps, mo);
  CountingLoader loader;
  for (int i = 0; i < 10; ++i) loader.originals.push_back(std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, i)));
  for (int i = 0; i < 10; ++i) s.publish(loader.originals[static_cast<std::size_t>(i)]);
  EXPECT_EQ(s.resident_bytes(), 10 * kPerFrame);
  // Saved frames without a loader, or a loader without saved frames: nothing goes.
  for (std::size_t i = 0; i < 6; ++i) s.mark_saved(i);
  EXPECT_EQ(s.evicted_frames(), 0u);
  const auto generation = s.generation();
  s.set_loader(loader);
  // Frames 0..5 are saved; the oldest go until 3 frames' worth is left, but unsaved 6..9 stay.
  EXPECT_EQ(s.evicted_frames(), 6u);
  EXPECT_EQ(s.resident_bytes(), 4 * kPerFrame);
  EXPECT_GT(s.generation(), generation);
  for (std::size_t i = 6; i < 10; ++i) s.mark_saved(i);
  EXPECT_EQ(s.evicted_frames(), 7u);
  EXPECT_LE(s.resident_bytes(), 3 * kPerFrame);

  // An evicted frame keeps its index, metrics, predictions and pinned output.
  const auto light = s.frame(2);
  EXPECT_EQ(light->index, 2);
  EXPECT_EQ(light->layer("hidden"), nullptr);
  ASSERT_NE(light->layer("output"), nullptr);
  EXPECT_EQ(light->predicted, loader.originals[2]->predicted);
  EXPECT_DOUBLE_EQ(light->metrics.heldout_loss, loader.originals[2]->metrics.heldout_loss);

  // layer() reads it back, once: a second read comes from the small cache.
  const auto hidden = s.layer(2, "hidden");
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(*hidden, *loader.originals[2]->layer("hidden"));
  EXPECT_EQ(loader.calls->load(), 1);
  EXPECT_NE(s.layer(2, "logits"), nullptr);
  EXPECT_EQ(loader.calls->load(), 1);
  // Resident frames and pinned layers never touch the loader.
  EXPECT_NE(s.layer(9, "hidden"), nullptr);
  EXPECT_NE(s.layer(0, "output"), nullptr);
  EXPECT_EQ(loader.calls->load(), 1);
  EXPECT_EQ(s.layer(0, "no such layer"), nullptr);
  EXPECT_EQ(s.layer(42, "hidden"), nullptr);
  // The cache holds reload_cache (3) frames: reading 4 others pushes frame 2 out.
  for (std::size_t i : {0, 1, 3, 4}) EXPECT_NE(s.layer(i, "hidden"), nullptr);
  EXPECT_EQ(loader.calls->load(), 5);
  EXPECT_NE(s.layer(2, "hidden"), nullptr);
  EXPECT_EQ(loader.calls->load(), 6);
  // A reader that held the full frame keeps it whole.
  EXPECT_NE(loader.originals[0]->layer("hidden"), nullptr);
}

TEST(EpochStore, ReadBackFailuresAreErrorsAndNoBudgetKeepsEverything) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(50));
  store::MemoryOptions tiny;
  tiny.resident_bytes = 1;
  store::EpochStore s(ps, tiny);
  for (int i = 0; i < 3; ++i) s.publish(std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, i)));
  s.set_loader([](std::size_t) -> store::FramePtr { throw Error("the session file is gone"); });
  EXPECT_THROW(s.mark_saved(7), Error);  // not published yet
  s.mark_saved(0);
  s.mark_saved(1);
  EXPECT_EQ(s.evicted_frames(), 2u);
  EXPECT_THROW(s.layer(0, "hidden"), Error);
  // A loader that hands back the wrong frame is refused too.
  s.set_loader([ps](std::size_t) { return std::make_shared<const store::Frame>(epochscope::testing::synthetic_frame(*ps, 2)); });
  EXPECT_THROW(s.layer(1, "hidden"), Error);

  store::MemoryOptions unlimited;
  unlimited.resident_bytes = 0;
  store::EpochStore all(ps, unlimited);
  for (int i = 0; i < 3; ++i) all.publish(std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, i)));
  all.set_loader([](std::size_t) -> store::FramePtr { return nullptr; });
  for (std::size_t i = 0; i < 3; ++i) all.mark_saved(i);
  EXPECT_EQ(all.evicted_frames(), 0u);
}

// Readers take layers of old frames while the writer publishes and frames are evicted; run under
// ThreadSanitizer by `make test`.
TEST(EpochStore, ConcurrentEvictionAndReadBack) {
  auto ps = std::make_shared<store::PointSet>(epochscope::testing::synthetic_points(60));
  store::MemoryOptions mo;
  mo.resident_bytes = 2 * 74 * 60 * 4;
  auto s = std::make_shared<store::EpochStore>(ps, mo);
  CountingLoader loader;
  constexpr int kFrames = 40;
  for (int i = 0; i < kFrames; ++i) loader.originals.push_back(std::make_shared<store::Frame>(epochscope::testing::synthetic_frame(*ps, i)));
  s->set_loader(loader);
  std::atomic<bool> failed{false};
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&, r] {
      std::size_t seen = 0;
      while (seen < kFrames) {
        s->wait_for(seen + 1, std::chrono::milliseconds(50));
        seen = s->size();
        for (std::size_t i = static_cast<std::size_t>(r); i < seen; i += 3) {
          auto m = s->layer(i, "hidden");
          if (!m || *m != *loader.originals[i]->layer("hidden")) failed = true;
        }
      }
    });
  }
  for (int i = 0; i < kFrames; ++i) {
    s->publish(loader.originals[static_cast<std::size_t>(i)]);
    s->mark_saved(static_cast<std::size_t>(i));
  }
  s->close();
  for (auto& r : readers) r.join();
  EXPECT_FALSE(failed.load());
  EXPECT_GE(s->evicted_frames(), static_cast<std::size_t>(kFrames - 3));
}

// ---- the parameter trajectory: sketches, stacking runs, the held-out loss along the path

TEST(ParameterSketch, KeepsDistancesAndIsTheSameEveryTime) {
  std::mt19937 rng(9);
  std::normal_distribution<float> g(0.f, 1.f);
  constexpr std::size_t kParams = 20000;
  std::vector<std::vector<float>> thetas(6, std::vector<float>(kParams));
  for (auto& t : thetas) {
    for (auto& v : t) v = g(rng);
  }
  std::vector<std::vector<float>> sketches;
  for (const auto& t : thetas) sketches.push_back(store::sketch_parameters(t));
  EXPECT_EQ(sketches[0].size(), static_cast<std::size_t>(store::kSketchDims));
  EXPECT_EQ(store::sketch_parameters(thetas[0]), sketches[0]);  // deterministic
  EXPECT_NE(store::sketch_parameters(thetas[0], store::kSketchDims, 7), sketches[0]);  // seeded
  // Pairwise distances within 1 +/- 3/sqrt(256) of the parameters' (a JL embedding; 3 sigma).
  for (std::size_t a = 0; a < thetas.size(); ++a) {
    for (std::size_t b = a + 1; b < thetas.size(); ++b) {
      double dt = 0, ds = 0;
      for (std::size_t j = 0; j < kParams; ++j) dt += std::pow(thetas[a][j] - thetas[b][j], 2.0);
      for (std::size_t j = 0; j < sketches[a].size(); ++j) ds += std::pow(sketches[a][j] - sketches[b][j], 2.0);
      EXPECT_NEAR(std::sqrt(ds / dt), 1.0, 3.0 / std::sqrt(256.0)) << a << "," << b;
    }
  }
  // Linear: a straight path in parameter space stays straight in the sketch.
  std::vector<float> mid(kParams);
  for (std::size_t j = 0; j < kParams; ++j) mid[j] = 0.5f * (thetas[0][j] + thetas[1][j]);
  const auto sm = store::sketch_parameters(mid);
  for (std::size_t i = 0; i < sm.size(); ++i) EXPECT_NEAR(sm[i], 0.5f * (sketches[0][i] + sketches[1][i]), 1e-3f);
  EXPECT_THROW(store::sketch_parameters(thetas[0], 2), Error);
}

TEST(Trajectory, AppendsAndHandsOutWhatIsNew) {
  store::Trajectory t;
  EXPECT_EQ(t.size(), 0u);
  for (int i = 0; i < 5; ++i) t.append({i, i / 2, 1.0f / static_cast<float>(i + 1), {static_cast<float>(i)}});
  EXPECT_EQ(t.size(), 5u);
  const auto tail = t.since(3);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].step, 3);
  EXPECT_TRUE(t.since(9).empty());
  // Runs stack row after row for one shared basis; differently sketched runs are refused.
  const auto a = t.since(0), b = t.since(3);
  const std::vector<const std::vector<store::TrajectoryPoint>*> runs{&a, &b};
  const Matrix m = store::stack_sketches(runs);
  ASSERT_EQ(m.rows(), 7);
  EXPECT_EQ(m(5, 0), 3.0f);
  auto odd = b;
  odd[0].sketch.push_back(1.0f);
  const std::vector<const std::vector<store::TrajectoryPoint>*> mixed{&a, &odd};
  EXPECT_THROW(store::stack_sketches(mixed), Error);
}

TEST(Trajectory, HeldOutLossAlongTheSnapshots) {
  // Step 0 before training, steps 1-4 in epoch 1, steps 5-8 in epoch 2; frames 0, 1, 2 end at
  // steps 0, 4 and 8.
  std::vector<store::TrajectoryPoint> pts;
  for (int s = 0; s <= 8; ++s) pts.push_back({s, s == 0 ? 0 : (s + 3) / 4, 1.0f, {0.0f}});
  const std::vector<float> loss{2.0f, 1.0f, 0.5f};
  const auto h = store::heldout_loss_at_snapshots(pts, loss);
  ASSERT_EQ(h.size(), pts.size());
  EXPECT_FLOAT_EQ(h[0], 2.0f);
  EXPECT_FLOAT_EQ(h[2], 1.5f);
  EXPECT_FLOAT_EQ(h[4], 1.0f);
  EXPECT_FLOAT_EQ(h[6], 0.75f);
  EXPECT_FLOAT_EQ(h[8], 0.5f);
  // Only two frames so far: the snapshots after frame 1's step keep its loss.
  const auto partial = store::heldout_loss_at_snapshots(pts, std::span(loss).first(2));
  EXPECT_FLOAT_EQ(partial[7], 1.0f);
  EXPECT_TRUE(store::heldout_loss_at_snapshots(pts, {}).empty());
}

TEST(SignalThumbnails, DrawTheLineWhereTheValuesAre) {
  // Two signals of 5 samples: a flat line at the top (255) and a ramp from bottom to top.
  const std::vector<std::uint8_t> s = {255, 255, 255, 255, 255, 0, 64, 128, 191, 255};
  const auto t = store::signal_thumbnails(s, 2, 5, 28, 128);
  ASSERT_EQ(t.size(), 2u * 28 * 28);
  // Flat line: the whole top row is lit, the bottom row is dark, the zero line is faint.
  for (int x = 0; x < 28; ++x) EXPECT_EQ(t[static_cast<std::size_t>(x)], 255);
  for (int x = 0; x < 28; ++x) EXPECT_EQ(t[27 * 28 + static_cast<std::size_t>(x)], 0);
  EXPECT_EQ(t[13 * 28 + 5], 60);  // byte 128: y = (1 - 128/255) * 27 = 13.4
  // Ramp: bottom-left and top-right corners lit; top-left and bottom-right dark.
  const std::uint8_t* r = t.data() + 28 * 28;
  EXPECT_EQ(r[27 * 28 + 0], 255);
  EXPECT_EQ(r[0 * 28 + 27], 255);
  EXPECT_EQ(r[0 * 28 + 0], 0);
  EXPECT_EQ(r[27 * 28 + 27], 0);
  // Every column of the ramp has its line.
  for (int x = 0; x < 28; ++x) {
    int lit = 0;
    for (int y = 0; y < 28; ++y) lit += r[static_cast<std::size_t>(y) * 28 + static_cast<std::size_t>(x)] == 255;
    EXPECT_GE(lit, 1) << x;
  }
  EXPECT_THROW(store::signal_thumbnails(s, 3, 5), epochscope::Error);
  EXPECT_THROW(store::signal_thumbnails(s, 10, 1), epochscope::Error);
}

TEST(Layers, DepthOrderNeighboursLabelsAndErrors) {
  using store::LayerKind;
  store::PointSet ps;
  ps.height = ps.width = 28;
  ps.layers = {{"conv1", 32, LayerKind::conv},
               {"conv2", 64, LayerKind::conv},
               {"hidden", 64, LayerKind::dense},
               {"logits", 10, LayerKind::logits},
               {"output", 10, LayerKind::output}};
  EXPECT_EQ(store::layer_choices(ps), (std::vector<std::string>{"input", "conv1", "conv2", "hidden", "logits", "output"}));
  EXPECT_EQ(store::neighbour_layer(ps, "conv2", +1), "hidden");
  EXPECT_EQ(store::neighbour_layer(ps, "conv1", -1), "input");
  EXPECT_EQ(store::neighbour_layer(ps, "input", -1), "input");    // the first stays
  EXPECT_EQ(store::neighbour_layer(ps, "output", +1), "output");  // the last stays
  EXPECT_EQ(store::neighbour_layer(ps, "fc9", +1), "fc9");        // not a layer: unchanged
  EXPECT_EQ(store::deepest_hidden_layer(ps), "logits");
  EXPECT_EQ(store::layer_label(ps, "conv2"), "conv2 (64 channel means)");
  EXPECT_EQ(store::layer_label(ps, "hidden"), "hidden (dense, 64 units)");
  EXPECT_EQ(store::layer_label(ps, "output"), "output (softmax, 10)");
  EXPECT_EQ(store::layer_label(ps, "input"), "input (784 pixels)");
  EXPECT_TRUE(store::is_layer_name("input", &ps));
  EXPECT_TRUE(store::is_layer_name("conv1", &ps));
  EXPECT_FALSE(store::is_layer_name("fc2", &ps));
  EXPECT_TRUE(store::is_layer_name("fc2"));  // without a session: any plausible name
  EXPECT_FALSE(store::is_layer_name(""));
  EXPECT_FALSE(store::is_layer_name(std::string(65, 'a')));
  try {
    store::require_layer(ps, "fc2");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "the session has no layer 'fc2' (it has: input, conv1, conv2, hidden, logits, output)");
  }
  for (auto k : {LayerKind::input, LayerKind::conv, LayerKind::dense, LayerKind::logits, LayerKind::output, LayerKind::other}) {
    EXPECT_EQ(store::parse_layer_kind(store::to_string(k)), k);
  }
  EXPECT_FALSE(store::parse_layer_kind("attention").has_value());
  std::vector<store::LayerInfo> legacy{{"output", 10}, {"logits", 10}, {"hidden", 64}};
  store::sort_legacy_layers(legacy);
  EXPECT_EQ(legacy[0].name, "hidden");
  EXPECT_EQ(legacy[2].name, "output");
  EXPECT_EQ(store::deepest_hidden_layer(store::PointSet{}), "input");
}

TEST(PointSet, RunsToCompareMustTrackTheSamePoints) {
  const auto a = epochscope::testing::synthetic_points(50);
  auto b = a;
  EXPECT_EQ(store::why_points_differ(a, b), "");
  b.source_index[7] += 1;
  EXPECT_NE(store::why_points_differ(a, b).find("point 7 is a different image"), std::string::npos);
  b = epochscope::testing::synthetic_points(40);
  EXPECT_EQ(store::why_points_differ(a, b), "one run tracks 50 points, the other 40");
  b = a;
  b.dataset = "fashion";
  EXPECT_EQ(store::why_points_differ(a, b), "one run is on synthetic, the other on fashion");
}

// The numbers python/epochscope's ParameterSketch must give too (python_recorder_test checks them):
// small integers, so both sum them exactly.
TEST(ParameterSketch, SameNumbersAsPython) {
  std::vector<float> theta(1000);
  for (int j = 0; j < 1000; ++j) theta[static_cast<std::size_t>(j)] = static_cast<float>(j % 7 - 3);
  const auto s = store::sketch_parameters(theta);
  EXPECT_EQ(std::vector<float>(s.begin(), s.begin() + 8), (std::vector<float>{-3.5f, 2.5f, 0, 2, -7, 3, 7, -3}));
  double sum = 0;
  for (float v : s) sum += static_cast<double>(v) * v;
  EXPECT_EQ(sum, 4290.5);
}

TEST(Neurons, ClassMeansSelectivityAndOrder) {
  // Four units over three classes: unit 0 fires for class 2 only, unit 1 for class 0 only, unit 2
  // for every class alike, unit 3 mostly for class 0.
  std::vector<std::uint8_t> labels{0, 0, 1, 1, 2, 2};
  Matrix layer(6, 4);
  layer << 0, 5, 1, 4,  //
      0, 3, 1, 2,       //
      0, 0, 1, 1,       //
      0, 0, 1, 1,       //
      6, 0, 1, 1,       //
      2, 0, 1, 1;
  const auto t = store::neuron_table(layer, labels, 3);
  // Against a direct computation of the means.
  EXPECT_FLOAT_EQ(t.class_means(0, 1), 4.0f);
  EXPECT_FLOAT_EQ(t.class_means(2, 0), 4.0f);
  EXPECT_FLOAT_EQ(t.class_means(1, 3), 1.0f);
  EXPECT_EQ(t.preferred, (std::vector<int>{2, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(t.selectivity[0], 1.0);
  EXPECT_DOUBLE_EQ(t.selectivity[1], 1.0);
  EXPECT_DOUBLE_EQ(t.selectivity[2], 0.0);
  EXPECT_DOUBLE_EQ(t.selectivity[3], (3.0 - 1.0) / (3.0 + 1.0));
  EXPECT_EQ(store::neuron_order(t, store::NeuronOrder::by_class), (std::vector<int>{1, 3, 2, 0}));
  EXPECT_EQ(store::neuron_order(t, store::NeuronOrder::by_selectivity), (std::vector<int>{0, 1, 3, 2}));
  EXPECT_EQ(store::top_activating(layer, 0, 2), (std::vector<int>{4, 5}));
  EXPECT_EQ(store::top_activating(layer, 2, 3), (std::vector<int>{0, 1, 2}));  // ties by index
  EXPECT_THROW(store::neuron_table(layer, std::vector<std::uint8_t>{0, 1}, 3), Error);
  EXPECT_THROW(store::neuron_table(layer, std::vector<std::uint8_t>{0, 0, 1, 1, 2, 3}, 3), Error);
  EXPECT_THROW(store::top_activating(layer, 4, 2), Error);
  // A signed unit is measured from its lowest class mean: means -2, 0, 2 give (4 - 1) / (4 + 1).
  Matrix signed_layer(6, 1);
  signed_layer << -2, -2, 0, 0, 2, 2;
  EXPECT_DOUBLE_EQ(store::neuron_table(signed_layer, labels, 3).selectivity[0], 3.0 / 5.0);
}

TEST(Neurons, SyntheticUnitsEachRespondToOneClass) {
  // Unit u answers class u % 10 strongly (plus noise): every unit prefers its class, selectivity high,
  // and the class order groups them.
  const auto ps = epochscope::testing::synthetic_points(1000);
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> noise(0.f, 0.2f);
  Matrix layer(1000, 30);
  for (Eigen::Index i = 0; i < 1000; ++i) {
    for (Eigen::Index u = 0; u < 30; ++u) layer(i, u) = noise(rng) + (ps.labels[static_cast<std::size_t>(i)] == u % 10 ? 3.0f : 0.0f);
  }
  const auto t = store::neuron_table(layer, ps.labels, 10);
  for (int u = 0; u < 30; ++u) {
    EXPECT_EQ(t.preferred[static_cast<std::size_t>(u)], u % 10);
    EXPECT_GT(t.selectivity[static_cast<std::size_t>(u)], 0.85);
  }
  const auto order = store::neuron_order(t, store::NeuronOrder::by_class);
  for (std::size_t j = 0; j < order.size(); ++j) EXPECT_EQ(order[j] % 10, static_cast<int>(j / 3));
}

TEST(Neurons, ActivationRangeLeavesOutliers) {
  Matrix layer(101, 1);
  for (Eigen::Index i = 0; i < 101; ++i) layer(i, 0) = static_cast<float>(i);
  layer(100, 0) = 1e6f;  // one extreme point
  const auto [lo, hi] = store::activation_range(layer, 0);
  EXPECT_FLOAT_EQ(lo, 2.0f);
  EXPECT_FLOAT_EQ(hi, 98.0f);
}
