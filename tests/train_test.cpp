#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "epochscope/data/dataset.hpp"
#include "epochscope/train/tracked_points.hpp"
#include "epochscope/train/trainer.hpp"
#include "test_util.hpp"

using namespace epochscope;
using namespace std::chrono_literals;

namespace {

train::TrainOptions small_options() {
  train::TrainOptions o;
  o.epochs = 2;
  o.batch_size = 50;
  o.learning_rate = 1e-3;
  o.threads = 1;
  o.tracked = 400;
  o.eval_batch = 128;
  return o;
}

// One epoch (unless `o` says otherwise) on 300 + 100 synthetic images, run to the end: its frames.
std::vector<store::FramePtr> trained_frames(train::TrainOptions o) {
  train::Trainer t(epochscope::testing::synthetic_dataset(300, 100), o);
  t.start();
  t.join();
  return t.store()->snapshot();
}

void wait_until_done(train::Trainer& t, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto s = t.progress().state;
    if (s == train::TrainState::finished || s == train::TrainState::failed || s == train::TrainState::stopped) return;
    std::this_thread::sleep_for(20ms);
  }
}

}  // namespace

TEST(TrackedPoints, SamplesKeepSplitAndClassProportions) {
  const auto ds = epochscope::testing::synthetic_dataset(800, 200);
  const auto all = train::make_point_set(ds, 10000, 1);
  EXPECT_EQ(all.size(), 1000u);
  EXPECT_EQ(all.heldout_count(), 200u);
  EXPECT_EQ(all.images.size(), 1000u * 784u);
  const auto some = train::make_point_set(ds, 100, 1);
  EXPECT_EQ(some.size(), 100u);
  EXPECT_EQ(some.heldout_count(), 20u);
  std::vector<int> per_class(10, 0);
  for (auto l : some.labels) per_class[l]++;
  for (int c : per_class) EXPECT_EQ(c, 10);
  // The images travel with their labels.
  for (std::size_t i = 0; i < some.size(); ++i) {
    const auto& src = some.heldout[i] ? ds.test_images : ds.train_images;
    EXPECT_EQ(some.images[i * 784 + 100], src[some.source_index[i] * 784 + 100]);
  }
}

TEST(Trainer, TwoEpochsLowerTheLossAndPublishWellShapedFrames) {
  train::Trainer t(epochscope::testing::synthetic_dataset(1000, 200), small_options());
  auto store = t.store();
  EXPECT_EQ(store->points().size(), 400u);
  EXPECT_GT(store->points().heldout_count(), 0u);
  t.start();
  wait_until_done(t, 120s);
  t.join();
  ASSERT_EQ(t.progress().state, train::TrainState::finished) << t.error();
  const auto frames = store->snapshot();
  ASSERT_EQ(frames.size(), 3u);  // untrained + 2 epochs
  EXPECT_TRUE(store->closed());
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& f = *frames[i];
    EXPECT_EQ(f.index, static_cast<int>(i));
    ASSERT_NE(f.layer("output"), nullptr);
    EXPECT_EQ(f.layer("output")->rows(), 400);
    EXPECT_EQ(f.layer("output")->cols(), 10);
    EXPECT_EQ(f.layer("logits")->cols(), 10);
    EXPECT_EQ(f.layer("hidden")->cols(), 64);
    EXPECT_TRUE(f.layer("hidden")->allFinite());
    EXPECT_GE(f.layer("hidden")->minCoeff(), 0.0f);  // after ReLU
    EXPECT_NEAR(f.layer("output")->row(7).sum(), 1.0f, 1e-4f);
    EXPECT_EQ(f.predicted.size(), 400u);
    EXPECT_EQ(f.metrics.confusion.size(), 100u);
  }
  EXPECT_LT(frames[2]->metrics.train_loss, frames[0]->metrics.train_loss * 0.8);
  EXPECT_GT(frames[2]->metrics.heldout_accuracy, frames[0]->metrics.heldout_accuracy);
  EXPECT_GT(frames[2]->metrics.wall_seconds, frames[1]->metrics.wall_seconds);
  // Each frame holds the first convolution's 32 x 1 x 3 x 3 weights (frame 0: the untrained ones),
  // and training changed them.
  for (const auto& f : frames) {
    const auto& b = f->filters;
    EXPECT_EQ(b.layer, "conv1");
    EXPECT_EQ(b.count, 32);
    EXPECT_EQ(b.channels, 1);
    EXPECT_EQ(b.height, 3);
    EXPECT_EQ(b.width, 3);
    EXPECT_EQ(store::filter_bank_problem(b), "");
  }
  EXPECT_NE(frames[0]->filters.weights, frames[2]->filters.weights);
  // The path in parameter space: one sketch before training and one per step (1000 / 50 = 20 an epoch).
  const auto path = store->trajectory().since(0);
  ASSERT_EQ(path.size(), 1u + 2 * 20);
  EXPECT_EQ(path.front().step, 0);
  EXPECT_EQ(path.back().step, 40);
  EXPECT_EQ(path.back().epoch, 2);
  EXPECT_EQ(path.front().sketch.size(), 256u);
  EXPECT_NE(path.front().sketch, path.back().sketch);
}

TEST(Trainer, LearnsMnist1dWithThe1dCnn) {
  auto ds = data::load_dataset({.name = "mnist1d"});
  ASSERT_TRUE(ds.signal);
  auto o = small_options();
  o.epochs = 4;
  o.batch_size = 64;
  o.learning_rate = 3e-3;
  o.tracked = 500;
  train::Trainer t(std::move(ds), o);
  auto store = t.store();
  EXPECT_TRUE(store->points().signal);
  EXPECT_EQ(store->points().height, 1);
  EXPECT_EQ(store->points().width, 40);
  // The session says the 1-D CNN trained, not the 2-D one.
  EXPECT_EQ(train::model_description(store->points()).rfind("cnn1d: conv1d32(k5)", 0), 0u);
  EXPECT_EQ(train::model_description(epochscope::testing::synthetic_points(10)).rfind("cnn: conv32(3x3)", 0), 0u);
  t.start();
  wait_until_done(t, 120s);
  t.join();
  ASSERT_EQ(t.progress().state, train::TrainState::finished) << t.error();
  const auto frames = store->snapshot();
  ASSERT_EQ(frames.size(), 5u);
  EXPECT_EQ(frames[4]->layer("hidden")->cols(), 64);
  EXPECT_LT(frames[4]->metrics.train_loss, frames[0]->metrics.train_loss * 0.8);
  EXPECT_GT(frames[4]->metrics.heldout_accuracy, 0.3);  // chance is 0.1
  // A 1-D convolution's filters have kernel height 1: 32 x 1 x 1 x 5.
  const auto& b = frames[4]->filters;
  EXPECT_EQ(b.layer, "conv1");
  EXPECT_EQ(b.count, 32);
  EXPECT_EQ(b.height, 1);
  EXPECT_EQ(b.width, 5);
  EXPECT_EQ(b.weights.size(), 160u);
}

TEST(Trainer, SameSeedSameFrames) {
  auto o = small_options();
  o.epochs = 1;
  const auto a = trained_frames(o);
  const auto b = trained_frames(o);
  ASSERT_EQ(a.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_LE((*a[1]->layer("logits") - *b[1]->layer("logits")).cwiseAbs().maxCoeff(), 1e-4f);
}

TEST(Trainer, PausesResumesAndStopsWithinASecond) {
  auto o = small_options();
  o.epochs = 1000;
  o.batch_size = 20;
  train::Trainer t(epochscope::testing::synthetic_dataset(2000, 100), o);
  t.start();
  ASSERT_TRUE(t.store()->wait_for(1, 60s));
  // Progress is readable while training runs.
  std::this_thread::sleep_for(300ms);
  const auto p = t.progress();
  EXPECT_EQ(p.state, train::TrainState::running);
  EXPECT_EQ(p.batches, 100);
  t.pause();
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(t.progress().state, train::TrainState::paused);
  const auto batch_paused = t.progress().batch;
  const auto epoch_paused = t.progress().epoch;
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(t.progress().batch, batch_paused);
  EXPECT_EQ(t.progress().epoch, epoch_paused);
  t.resume();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(t.progress().state, train::TrainState::running);
  const auto before = std::chrono::steady_clock::now();
  t.request_stop();
  t.join();
  const double stop_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
  EXPECT_LT(stop_seconds, 1.0);
  EXPECT_EQ(t.progress().state, train::TrainState::stopped);
  // Stopping while paused works too.
  train::Trainer t2(epochscope::testing::synthetic_dataset(500, 100), o);
  t2.start();
  t2.pause();
  std::this_thread::sleep_for(200ms);
  const auto before2 = std::chrono::steady_clock::now();
  t2.request_stop();
  t2.join();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - before2).count(), 1.0);
}

TEST(Trainer, RejectsBadOptions) {
  auto o = small_options();
  o.batch_size = 0;
  EXPECT_THROW(train::Trainer(epochscope::testing::synthetic_dataset(10, 10), o), Error);
  o = small_options();
  o.learning_rate = -1;
  EXPECT_THROW(train::Trainer(epochscope::testing::synthetic_dataset(10, 10), o), Error);
}

// The default `cnn` learns what it learned before the model presets came (same seed, same frames):
// a fingerprint of a one-epoch run, measured with the model as it was (commit 632a730).
TEST(Trainer, DefaultCnnFramesAsBefore) {
  auto o = small_options();
  o.epochs = 1;
  o.tracked = 200;
  const auto frames = trained_frames(o);
  ASSERT_EQ(frames.size(), 2u);
  const auto& f = *frames[1];
  const double hidden = f.layer("hidden")->cast<double>().mean();
  const double logits = f.layer("logits")->cast<double>().mean();
  const double spread = f.layer("logits")->cast<double>().cwiseAbs().mean();
  // Measured before (one thread): hidden 0.376603, logits 0.050260, spread 0.349566.
  EXPECT_NEAR(hidden, 0.376603, 2e-4);
  EXPECT_NEAR(logits, 0.050260, 2e-4);
  EXPECT_NEAR(spread, 0.349566, 2e-4);
}

// Every preset trains two epochs on 1,000 images and records every layer, in depth order, with the
// widths model_layers() states (conv layers: one mean per channel).
TEST(Trainer, EveryPresetRecordsEveryLayer) {
  struct Case {
    train::ModelOptions model;
    std::vector<std::pair<std::string, int>> layers;
  };
  const std::vector<Case> cases = {
      {{}, {{"conv1", 32}, {"conv2", 64}, {"hidden", 64}, {"logits", 10}, {"output", 10}}},
      {{.preset = train::ModelPreset::mlp, .activation = train::Activation::tanh},
       {{"fc1", 256}, {"fc2", 128}, {"fc3", 64}, {"logits", 10}, {"output", 10}}},
      {{.preset = train::ModelPreset::cnn_bn, .activation = train::Activation::gelu, .width = 32},
       {{"conv1", 32}, {"conv2", 32}, {"conv3", 64}, {"conv4", 64}, {"fc1", 32}, {"fc2", 16}, {"logits", 10}, {"output", 10}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(train::to_string(c.model.preset));
    auto o = small_options();
    o.model = c.model;
    o.tracked = 300;
    train::Trainer t(epochscope::testing::synthetic_dataset(800, 200), o);
    const auto& layers = t.store()->points().layers;
    ASSERT_EQ(layers.size(), c.layers.size());
    for (std::size_t i = 0; i < layers.size(); ++i) {
      EXPECT_EQ(layers[i].name, c.layers[i].first);
      EXPECT_EQ(layers[i].width, c.layers[i].second);
    }
    EXPECT_EQ(layers.front().kind, c.model.preset == train::ModelPreset::mlp ? store::LayerKind::dense : store::LayerKind::conv);
    EXPECT_EQ(layers.back().kind, store::LayerKind::output);
    t.start();
    wait_until_done(t, 300s);
    t.join();
    ASSERT_EQ(t.progress().state, train::TrainState::finished) << t.error();
    const auto frames = t.store()->snapshot();
    ASSERT_EQ(frames.size(), 3u);
    for (const auto& [name, width] : c.layers) {
      const Matrix* m = frames[2]->layer(name);
      ASSERT_NE(m, nullptr) << name;
      EXPECT_EQ(m->rows(), 300);
      EXPECT_EQ(m->cols(), width);
      EXPECT_TRUE(m->allFinite());
    }
    EXPECT_LT(frames[2]->metrics.train_loss, frames[0]->metrics.train_loss);
    // The CNNs' frames hold their first convolution's filters; the MLP has none.
    const bool mlp = c.model.preset == train::ModelPreset::mlp;
    EXPECT_EQ(frames[2]->filters.empty(), mlp);
    if (!mlp) {
      EXPECT_EQ(frames[2]->filters.weights.size(), 32u * 9u);
    }
    EXPECT_EQ(train::model_description(t.store()->points(), c.model).rfind(std::string(train::to_string(c.model.preset)) + ":", 0), 0u);
  }
}

// Recording a subset changes nothing the network learns: the frames hold only those layers, and
// their values are the full run's.
TEST(Trainer, ALayerSubsetRecordsTheSameValues) {
  auto run = [](std::vector<std::string> layers) {
    auto o = small_options();
    o.epochs = 1;
    o.layers = std::move(layers);
    return trained_frames(o);
  };
  const auto all = run({});
  const auto some = run({"hidden", "conv2"});
  ASSERT_EQ(some.size(), 2u);
  EXPECT_EQ(some[1]->layers.size(), 2u);
  EXPECT_EQ(some[1]->layer("output"), nullptr);
  EXPECT_EQ(*some[1]->layer("hidden"), *all[1]->layer("hidden"));
  EXPECT_EQ(*some[1]->layer("conv2"), *all[1]->layer("conv2"));
  EXPECT_EQ(some[1]->predicted, all[1]->predicted);  // predictions come from the logits all the same
}

TEST(Models, RefuseWhatCannotWorkWithAReason) {
  auto o = small_options();
  o.layers = {"hidden", "fc7"};
  try {
    train::Trainer t(epochscope::testing::synthetic_dataset(10, 10), o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "--layers: no layer 'fc7' in cnn (it has: conv1, conv2, hidden, logits, output)");
  }
  const train::InputShape signal{1, 40, true, 10};
  EXPECT_THROW(train::model_layers(signal, {.preset = train::ModelPreset::cnn_bn}), Error);
  EXPECT_EQ(train::model_layers(signal, {}).size(), 6u);  // conv1-3, hidden, logits, output
  EXPECT_EQ(train::model_layers(signal, {.preset = train::ModelPreset::mlp}).front().width, 256);
  EXPECT_THROW(train::model_layers({}, {.width = 2}), Error);
  EXPECT_THROW(train::model_layers({}, {.dropout = 1.0}), Error);
  for (auto p : {train::ModelPreset::cnn, train::ModelPreset::mlp, train::ModelPreset::cnn_bn}) {
    EXPECT_EQ(train::parse_model_preset(train::to_string(p)), p);
  }
  EXPECT_EQ(train::parse_activation("gelu"), train::Activation::gelu);
  EXPECT_FALSE(train::parse_model_preset("resnet").has_value());
}
