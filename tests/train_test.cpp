#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "epochscope/data/dataset.hpp"
#include "epochscope/store/parameter_plane.hpp"
#include "epochscope/train/landscape.hpp"
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

// ---- the loss landscape (train/landscape.hpp) ----------------------------------------------------

// The trainer keeps every frame's full parameter vector, and the landscape's losses at the latest
// frame's point (a = b = 0) and at every frame's snapshot are the trainer's own training losses
// there when the sample is every tracked training point: the snapshot's layout, the model rebuilt
// from the metadata, the inputs' normalisation and eval mode all agree with the trainer's.
TEST(Landscape, LossesAtTheSnapshotsAreTheTrainersOwn) {
  auto o = small_options();
  o.tracked = 250;  // every one of the 200 + 50 images
  const auto ds = epochscope::testing::synthetic_dataset(200, 50);
  train::Trainer t(ds, o);
  t.start();
  t.join();
  const auto frames = t.store()->snapshot();
  ASSERT_EQ(frames.size(), 3u);
  for (const auto& f : frames) {
    ASSERT_TRUE(f->parameters);
    EXPECT_EQ(f->parameters->values.size(), 121930u);  // conv 320 + 18,496, dense 102,464 + 650
    EXPECT_EQ(f->parameters->buffers, 0u);
  }
  EXPECT_NE(frames[0]->parameters->values, frames[2]->parameters->values);
  const std::map<std::string, std::string> meta = {{"preset", "cnn"}, {"activation", "relu"}, {"width", "64"}};
  std::size_t sample = 0;
  const auto run = train::session_landscape(t.store()->points(), frames, meta, {.grid = 3, .sample = 1000}, &sample);
  EXPECT_EQ(sample, 200u);
  ASSERT_TRUE(run->run());
  const auto land = run->result();
  ASSERT_TRUE(land.complete());
  EXPECT_EQ(land.total, 1u + 3u + 9u);
  const double last = frames[2]->metrics.train_loss;
  EXPECT_NEAR(land.centre_loss, last, 1e-4 * last);
  ASSERT_EQ(land.path_loss.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(land.path_loss[i], frames[i]->metrics.train_loss, 1e-4 * frames[i]->metrics.train_loss) << i;
  }
  EXPECT_LT(land.path_loss[2], land.path_loss[0]);
  for (const double l : land.loss) EXPECT_TRUE(std::isfinite(l));
  // Grid cell (a[2], b[0]) is the loss there, computed alone.
  const auto loss = train::network_loss(t.store()->points(), train::model_from_meta(meta), 121930, {.sample = 1000});
  train::LandscapeRun one(run->plane(), loss, {.grid = 3});
  EXPECT_NEAR(one.loss_at(land.axes.a[2], land.axes.b[0]), land.at(2, 0), 1e-6);
  // What cannot be rebuilt is refused in one line.
  try {
    train::network_loss(t.store()->points(), {}, 1000);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "the snapshots hold 1000 values; a cnn of width 64 on 28 x 28 images has 121930");
  }
  try {
    train::session_landscape(t.store()->points(), frames, {{"tool", "python"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no 'preset'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(train::model_from_meta({{"preset", "resnet"}}), Error);
  EXPECT_THROW(train::model_from_meta({{"preset", "cnn"}, {"width", "wide"}}), Error);
  EXPECT_EQ(train::model_from_meta({{"preset", "mlp"}, {"activation", "tanh"}, {"width", "32"}}).width, 32);
  std::vector<store::FramePtr> bare = {std::make_shared<store::Frame>()};
  EXPECT_THROW(train::session_landscape(t.store()->points(), bare, meta), Error);
}

namespace {

// A convex toy problem: L2-regularised logistic regression on two Gaussian classes (6 features and
// a bias), with its loss, gradient and Hessian.
struct Logistic {
  Eigen::MatrixXd x;  // n x 7, last column 1
  Eigen::VectorXd s;  // +-1
  double lambda = 0.1;

  static Logistic make() {
    Logistic p;
    std::mt19937 rng(12);
    std::normal_distribution<double> g(0.0, 1.0);
    p.x.resize(200, 7);
    p.s.resize(200);
    for (int i = 0; i < 200; ++i) {
      p.s(i) = i % 2 ? 1.0 : -1.0;
      for (int j = 0; j < 6; ++j) p.x(i, j) = g(rng) + 0.8 * p.s(i) * (j % 3 == 0 ? 1.0 : 0.3);
      p.x(i, 6) = 1.0;
    }
    return p;
  }
  double loss(const Eigen::VectorXd& t) const {
    const Eigen::ArrayXd m = (s.array() * (x * t).array());
    return (-m).exp().log1p().mean() + 0.5 * lambda * t.squaredNorm();
  }
  Eigen::VectorXd gradient(const Eigen::VectorXd& t) const {
    const Eigen::ArrayXd m = s.array() * (x * t).array();
    const Eigen::ArrayXd w = -s.array() / (1.0 + m.exp());
    return x.transpose() * w.matrix() / double(x.rows()) + lambda * t;
  }
  Eigen::MatrixXd hessian(const Eigen::VectorXd& t) const {
    const Eigen::ArrayXd m = s.array() * (x * t).array();
    const Eigen::ArrayXd p = 1.0 / (1.0 + (-m).exp());
    const Eigen::VectorXd w = (p * (1.0 - p)).matrix();
    return x.transpose() * w.asDiagonal() * x / double(x.rows()) + lambda * Eigen::MatrixXd::Identity(7, 7);
  }
};

}  // namespace

// Gradient descent on a convex problem, stopped short of the minimum: the grid's lowest point is
// the exact minimum of the loss on the plane (found by Newton's method in the plane), which lies
// just ahead of the path's end, in the direction it travels.
TEST(Landscape, OnAConvexToyTheGridMinimumLiesAtThePathsEnd) {
  const auto problem = Logistic::make();
  Eigen::VectorXd theta = Eigen::VectorXd::Constant(7, 2.0);
  std::vector<store::PlaneSnapshot> path;
  auto keep = [&](int frame) {
    auto p = std::make_shared<store::ParameterSnapshot>();
    for (int j = 0; j < 7; ++j) p->values.push_back(static_cast<float>(theta(j)));
    path.push_back({frame, frame, p});
  };
  keep(0);
  for (int step = 1; step <= 30; ++step) {
    theta -= 0.5 * problem.gradient(theta);
    if (step % 3 == 0) keep(step / 3);
  }
  const auto plane = store::fit_parameter_plane(path);
  const train::SnapshotLoss loss = [&](std::span<const float> v) {
    Eigen::VectorXd t(7);
    for (int j = 0; j < 7; ++j) t(j) = v[static_cast<std::size_t>(j)];
    return problem.loss(t);
  };
  train::LandscapeRun run(plane, loss, {.grid = 41});
  ASSERT_TRUE(run.run());
  const auto land = run.result();
  // The exact minimum on the plane: Newton's method in (a, b).
  Eigen::MatrixXd d(7, 2);
  Eigen::VectorXd centre(7);
  for (int j = 0; j < 7; ++j) {
    d(j, 0) = plane.d1[static_cast<std::size_t>(j)];
    d(j, 1) = plane.d2[static_cast<std::size_t>(j)];
    centre(j) = plane.centre->values[static_cast<std::size_t>(j)];
  }
  Eigen::Vector2d z = Eigen::Vector2d::Zero();
  for (int i = 0; i < 30; ++i) {
    const Eigen::VectorXd t = centre + d * z;
    z -= (d.transpose() * problem.hessian(t) * d).ldlt().solve(d.transpose() * problem.gradient(t));
  }
  // It lies just ahead of the path's end (0, 0): within 15% of the path's extent, towards +a.
  const double extent_a = -plane.path.front().a;
  EXPECT_GT(z(0), 0.0);
  EXPECT_LT(z(0), 0.15 * extent_a);
  EXPECT_LT(std::abs(z(1)), 0.15 * extent_a);
  // The grid's lowest point is within one cell of it.
  std::size_t best = 0;
  for (std::size_t k = 1; k < land.loss.size(); ++k) best = land.loss[k] < land.loss[best] ? k : best;
  const std::size_t n = land.axes.a.size();
  const double cell_a = land.axes.a[1] - land.axes.a[0], cell_b = land.axes.b[1] - land.axes.b[0];
  EXPECT_LE(std::abs(land.axes.a[best % n] - z(0)), cell_a) << "grid minimum at a = " << land.axes.a[best % n];
  EXPECT_LE(std::abs(land.axes.b[best / n] - z(1)), cell_b) << "grid minimum at b = " << land.axes.b[best / n];
  EXPECT_GT(land.axes.a[best % n], 0.0);  // ahead of the path's end
  // The path goes downhill, and every grid value is the loss at its (a, b): row = b, column = a.
  for (std::size_t i = 1; i < land.path_loss.size(); ++i) EXPECT_LT(land.path_loss[i], land.path_loss[i - 1]);
  EXPECT_DOUBLE_EQ(land.at(3, 17), run.loss_at(land.axes.a[3], land.axes.b[17]));
  EXPECT_DOUBLE_EQ(land.centre_loss, land.path_loss.back());
}

// Run in slices, stopped and resumed, the landscape is the one a single run gives; the losses not
// computed yet read as NaN, and the progress counts them (the centre, the latest frame's snapshot,
// with its twin on the path: 5 losses before the grid). The grid fills coarse to fine, and path
// losses known from an earlier landscape are taken, not computed again.
TEST(Landscape, SlicesStopsResumesAndReuseGiveTheSameLosses) {
  std::vector<store::PlaneSnapshot> path;
  for (int i = 0; i < 5; ++i) {
    auto p = std::make_shared<store::ParameterSnapshot>();
    for (int j = 0; j < 9; ++j) p->values.push_back(std::sin(float(i * 9 + j)) / float(i + 1));
    path.push_back({i, i, p});
  }
  const auto plane = store::fit_parameter_plane(path);
  int calls = 0;
  const train::SnapshotLoss loss = [&calls](std::span<const float> v) {
    ++calls;
    double s = 0;
    for (const float x : v) s += (x - 0.1) * (x - 0.1);
    return s;
  };
  train::LandscapeRun whole(plane, loss, {.grid = 6});
  EXPECT_TRUE(whole.run());
  EXPECT_EQ(calls, 5 + 36);
  train::LandscapeRun sliced(plane, loss, {.grid = 6});
  EXPECT_EQ(sliced.total(), 1u + 5u + 36u);
  EXPECT_EQ(sliced.done(), 1u);  // the centre, with its twin
  EXPECT_FALSE(sliced.run(10));
  EXPECT_EQ(sliced.done(), 11u);
  const auto partial = sliced.result();
  EXPECT_EQ(partial.evaluated, 11u);
  EXPECT_EQ(partial.grid_evaluated, 5u);
  EXPECT_FALSE(partial.complete());
  EXPECT_TRUE(std::isfinite(partial.at(4, 0)));  // a 6 x 6 grid is one level: row by row
  EXPECT_TRUE(std::isnan(partial.at(5, 0)));
  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(sliced.run(0, stop.get_token()));
  EXPECT_EQ(sliced.done(), 11u);
  EXPECT_TRUE(sliced.run());
  const auto a = whole.result(), b = sliced.result();
  EXPECT_EQ(a.loss, b.loss);
  EXPECT_EQ(a.path_loss, b.path_loss);
  EXPECT_EQ(a.centre_loss, b.centre_loss);
  EXPECT_EQ(a.centre_loss, a.path_loss.back());
  EXPECT_THROW(sliced.reuse_path_losses(a.path_loss), Error);  // begun
  EXPECT_THROW(train::LandscapeRun(plane, loss, {.grid = 1}), Error);
  // Reused: the path's first four losses (the fifth unknown) are not computed again.
  train::LandscapeRun reused(plane, loss, {.grid = 25});
  std::vector<double> known(a.path_loss.begin(), a.path_loss.end() - 1);
  reused.reuse_path_losses(known);
  EXPECT_EQ(reused.done(), 5u);  // and the centre
  calls = 0;
  EXPECT_FALSE(reused.run(1 + 16));  // the latest snapshot, then the first level: 4 x 4
  EXPECT_EQ(calls, 17);
  const auto coarse = reused.result();
  EXPECT_EQ(coarse.grid_evaluated, 16u);
  EXPECT_EQ(coarse.path_loss, a.path_loss);
  EXPECT_TRUE(std::isfinite(coarse.at(8, 16)) && std::isfinite(coarse.at(24, 24)));
  EXPECT_TRUE(std::isnan(coarse.at(1, 0)) && std::isnan(coarse.at(4, 0)));
  EXPECT_TRUE(reused.run());
  EXPECT_EQ(calls, 17 + 625 - 16);
}

// cnn-bn's snapshots end with its BatchNorm running statistics (the buffers), and the loss at a
// snapshot is the trainer's own with them loaded: eval mode uses them.
TEST(Landscape, BatchNormBuffersTravelWithTheSnapshots) {
  auto o = small_options();
  o.epochs = 1;
  o.tracked = 120;
  o.model = {.preset = train::ModelPreset::cnn_bn, .width = 32};
  train::Trainer t(epochscope::testing::synthetic_dataset(100, 20), o);
  t.start();
  t.join();
  const auto frames = t.store()->snapshot();
  ASSERT_EQ(frames.size(), 2u);
  ASSERT_TRUE(frames[1]->parameters);
  EXPECT_EQ(frames[1]->parameters->buffers, 2u * (32 + 32 + 64 + 64));  // running mean and variance, per channel
  const std::map<std::string, std::string> meta = {{"preset", "cnn-bn"}, {"activation", "relu"}, {"width", "32"}};
  const auto run = train::session_landscape(t.store()->points(), frames, meta, {.grid = 2});
  EXPECT_FALSE(run->run(3));  // the centre and both frames' snapshots
  const auto land = run->result();
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR(land.path_loss[i], frames[i]->metrics.train_loss, 1e-4 * frames[i]->metrics.train_loss) << i;
  }
}

