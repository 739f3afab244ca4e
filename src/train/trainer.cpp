#include "epochscope/train/trainer.hpp"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <numeric>
#include <random>
#include <span>
#include <stop_token>
#include <thread>

#include "epochscope/core/thread_priority.hpp"
#include "epochscope/store/metrics.hpp"
#include "epochscope/store/trajectory.hpp"
#include "epochscope/train/tracked_points.hpp"
#include "model.hpp"
#include "epochscope/train/tensor_cache.hpp"

namespace epochscope::train {
namespace {

using Clock = std::chrono::steady_clock;

/// Images: batch x 1 x h x w, normalised as MNIST usually is. Signals (h == 1): batch x 1 x w,
/// the values the bytes stand for (already standardised by the dataset).
torch::Tensor to_tensor(const std::vector<std::uint8_t>& bytes, std::size_t count, int h, int w, bool signal,
                        float offset, float scale) {
  return input_tensor(bytes.data(), count, h, w, signal, offset, scale);
}

Matrix to_matrix(const torch::Tensor& t) {
  auto c = t.contiguous().to(torch::kFloat32);
  Matrix m(c.size(0), c.size(1));
  std::memcpy(m.data(), c.data_ptr<float>(), sizeof(float) * static_cast<std::size_t>(m.size()));
  return m;
}

// The first convolution's weights as a frame keeps them (a 1-D convolution's with kernel height 1):
// a copy of a few hundred floats. None for a network without one, or when a weight is not finite
// (a diverged run: the format keeps only finite filters).
store::FilterBank first_filters(const NetImpl& model, const std::vector<store::LayerInfo>& layers) {
  store::FilterBank bank;
  auto w = model.first_conv_weight();
  const auto conv = std::find_if(layers.begin(), layers.end(), [](const auto& l) { return l.kind == store::LayerKind::conv; });
  if (!w.defined() || conv == layers.end()) return bank;
  w = w.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  if (w.dim() == 3) w = w.unsqueeze(2);  // count x channels x 1 x k
  if (w.dim() != 4) return bank;
  bank.layer = conv->name;
  bank.count = static_cast<int>(w.size(0));
  bank.channels = static_cast<int>(w.size(1));
  bank.height = static_cast<int>(w.size(2));
  bank.width = static_cast<int>(w.size(3));
  const float* p = w.data_ptr<float>();
  bank.weights.assign(p, p + w.numel());
  if (!store::filter_bank_problem(bank).empty()) return {};
  return bank;
}

}  // namespace

InputShape input_shape(const store::PointSet& points) {
  return {points.height, points.width, points.signal || points.height == 1, points.class_count()};
}

std::string model_description(const store::PointSet& points, const ModelOptions& model) {
  return model_description(input_shape(points), model);
}

const char* to_string(TrainState s) {
  switch (s) {
    case TrainState::idle: return "idle";
    case TrainState::running: return "running";
    case TrainState::paused: return "paused";
    case TrainState::finished: return "finished";
    case TrainState::stopped: return "stopped";
    case TrainState::failed: return "failed";
  }
  return "?";
}

const char* to_string(OptimizerKind k) { return k == OptimizerKind::adam ? "adam" : "sgd"; }

struct Trainer::Impl {
  data::Dataset dataset;
  TrainOptions options;
  std::shared_ptr<store::EpochStore> store;
  std::jthread thread;

  std::atomic<TrainState> state{TrainState::idle};
  std::atomic<bool> paused{false};
  std::mutex pause_mutex;
  std::condition_variable_any pause_cv;

  std::atomic<int> epoch{0}, batch{0}, batches{0};
  std::atomic<double> loss{0}, accuracy{0}, images_per_second{0};
  Clock::time_point started;
  std::atomic<double> elapsed{0};
  mutable std::mutex error_mutex;
  std::string error;
  std::vector<store::LayerInfo> net_layers;  ///< model_layers() of the model that trains, in depth order
  std::vector<bool> recorded;                ///< per entry of net_layers: whether frames hold it

  void run(std::stop_token stop);
  int threads = 1;  ///< libtorch threads when nothing is borrowed (set by run())
  Clock::time_point lent_until{};  ///< until then the threads stay down after a loan ended
  // libtorch on `threads` threads less what the window's layout workers borrow now (per calling
  // thread in libtorch: call it on the training thread). The threads come back only after the
  // loans have been gone for half a second: a worker lets go for a moment between two slices of
  // its work, and a step on every core then would share a core with it.
  void adapt_threads() {
    int want = threads;
    if (options.loans) {
      const auto now = Clock::now();
      want = options.loans->threads_left(threads);
      if (want < threads) {
        lent_until = now + std::chrono::milliseconds(500);
      } else if (now < lent_until) {
        want = std::min(want, at::get_num_threads());
      }
    }
    if (at::get_num_threads() != want) at::set_num_threads(want);
  }
  // Returns false when stopped.
  bool wait_if_paused(const std::stop_token& stop) {
    if (!paused.load()) return !stop.stop_requested();
    state = TrainState::paused;
    std::unique_lock lock(pause_mutex);
    pause_cv.wait(lock, stop, [&] { return !paused.load(); });
    if (stop.stop_requested()) return false;
    state = TrainState::running;
    return true;
  }
  // Evaluates every tracked point; nullptr when stopped.
  store::FramePtr record(NetImpl& model, const torch::Tensor& tracked_x, int index, double epoch_seconds,
                         const std::stop_token& stop);
};

store::FramePtr Trainer::Impl::record(NetImpl& model, const torch::Tensor& tracked_x, int index, double epoch_seconds,
                                      const std::stop_token& stop) {
  torch::NoGradGuard no_grad;
  model.eval();
  const auto n = tracked_x.size(0);
  // taps[i]: the batches of net_layers[i] (every layer but logits and output), kept only when recorded.
  std::vector<std::vector<torch::Tensor>> taps(net_layers.size() - 2);
  std::vector<torch::Tensor> logits;
  std::vector<torch::Tensor> batch_taps;
  for (long begin = 0; begin < n; begin += options.eval_batch) {
    if (stop.stop_requested()) return nullptr;
    adapt_threads();
    const long end = std::min<long>(n, begin + options.eval_batch);
    batch_taps.clear();
    logits.push_back(model.forward(tracked_x.slice(0, begin, end), &batch_taps));
    for (std::size_t i = 0; i < taps.size(); ++i) {
      if (recorded[i]) taps[i].push_back(batch_taps[i]);
    }
  }
  auto frame = std::make_shared<store::Frame>();
  frame->index = index;
  frame->epoch = index;
  Matrix lg = to_matrix(torch::cat(logits));
  frame->metrics = store::compute_metrics(store->points(), lg, frame->predicted);
  for (std::size_t i = 0; i < taps.size(); ++i) {
    if (recorded[i]) frame->layers.emplace(net_layers[i].name, to_matrix(torch::cat(taps[i])));
  }
  if (recorded[taps.size() + 1]) frame->layers.emplace("output", store::softmax(lg));
  if (recorded[taps.size()]) frame->layers.emplace("logits", std::move(lg));
  frame->filters = first_filters(model, net_layers);
  if (options.keep_parameters) frame->parameters = snapshot_parameters(model);  // null when not finite
  frame->metrics.epoch_seconds = epoch_seconds;
  frame->metrics.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return frame;
}

void Trainer::Impl::run(std::stop_token stop) {
  try {
    // Threads are per calling thread in libtorch: set them here, on the training thread.
    threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(threads);
    install_tensor_cache();  // a step's large buffers reused, not faulted in anew (tensor_cache.hpp)
    torch::manual_seed(options.seed);
    std::mt19937_64 rng(options.seed);

    const auto& points = store->points();
    const auto model = make_net(input_shape(points), options.model);
    const auto train_x = to_tensor(dataset.train_images, dataset.train_count(), dataset.height, dataset.width,
                                   dataset.signal, dataset.value_offset, dataset.value_scale);
    const auto train_y = torch::from_blob(dataset.train_labels.data(), {static_cast<long>(dataset.train_count())},
                                          torch::kUInt8).to(torch::kLong);
    const auto tracked_x = to_tensor(points.images, points.size(), points.height, points.width, points.signal,
                                     points.value_offset, points.value_scale);

    std::unique_ptr<torch::optim::Optimizer> optimizer;
    if (options.optimizer == OptimizerKind::adam) {
      optimizer = std::make_unique<torch::optim::Adam>(model->parameters(),
                                                       torch::optim::AdamOptions(options.learning_rate));
    } else {
      optimizer = std::make_unique<torch::optim::SGD>(
          model->parameters(), torch::optim::SGDOptions(options.learning_rate).momentum(options.momentum));
    }

    started = Clock::now();
    auto frame0 = record(*model, tracked_x, 0, 0.0, stop);
    if (!frame0) {
      state = TrainState::stopped;
      return;
    }
    store->publish(frame0);
    // The path in parameter space: a sketch of every parameter after each snapshot_every steps.
    int steps = 0;
    auto snapshot = [&](int epoch_now, double batch_loss) {
      torch::NoGradGuard no_grad;
      std::vector<torch::Tensor> flat;
      for (const auto& p : model->parameters()) flat.push_back(p.detach().reshape(-1));
      const auto all = torch::cat(flat).contiguous().to(torch::kFloat32);
      const std::span<const float> theta(all.data_ptr<float>(), static_cast<std::size_t>(all.numel()));
      store->trajectory().append({steps, epoch_now, static_cast<float>(batch_loss), store::sketch_parameters(theta)});
    };
    snapshot(0, frame0->metrics.train_loss);

    const long n = train_x.size(0);
    const int per_epoch = static_cast<int>((n + options.batch_size - 1) / options.batch_size);
    batches = per_epoch;
    std::vector<long> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0L);
    for (int e = 1; e <= options.epochs; ++e) {
      epoch = e;
      batch = 0;
      model->train();
      std::shuffle(order.begin(), order.end(), rng);
      auto perm = torch::from_blob(order.data(), {n}, torch::kLong);
      double loss_sum = 0, correct = 0, seen = 0;
      const auto epoch_start = Clock::now();
      for (int b = 0; b < per_epoch; ++b) {
        if (!wait_if_paused(stop)) {
          state = TrainState::stopped;
          return;
        }
        adapt_threads();
        const long begin = static_cast<long>(b) * options.batch_size;
        const long end = std::min<long>(n, begin + options.batch_size);
        auto idx = perm.slice(0, begin, end);
        auto x = train_x.index_select(0, idx);
        auto y = train_y.index_select(0, idx);
        optimizer->zero_grad();
        auto logits = model->forward(x, nullptr);
        auto l = torch::nn::functional::cross_entropy(logits, y);
        l.backward();
        optimizer->step();
        const double bs = static_cast<double>(end - begin);
        const double batch_loss = l.item<double>();
        loss_sum += batch_loss * bs;
        ++steps;
        if (steps % std::max(1, options.snapshot_every) == 0) snapshot(e, batch_loss);
        correct += logits.argmax(1).eq(y).sum().item<double>();
        seen += bs;
        batch = b + 1;
        loss = loss_sum / seen;
        accuracy = correct / seen;
        const double secs = std::chrono::duration<double>(Clock::now() - epoch_start).count();
        images_per_second = secs > 0 ? seen / secs : 0.0;
        elapsed = std::chrono::duration<double>(Clock::now() - started).count();
      }
      const double epoch_seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
      auto frame = record(*model, tracked_x, e, epoch_seconds, stop);
      if (!frame) {
        state = TrainState::stopped;
        return;
      }
      store->publish(frame);
    }
    state = TrainState::finished;
  } catch (const std::exception& e) {
    {
      std::lock_guard lock(error_mutex);
      error = e.what();
    }
    state = TrainState::failed;
  }
}

Trainer::Trainer(data::Dataset dataset, TrainOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.epochs < 0 || options.epochs > 100000) throw Error("epochs must be between 0 and 100000");
  if (options.batch_size < 1 || options.batch_size > 1 << 16) throw Error("batch size must be between 1 and 65536");
  if (!(options.learning_rate > 0 && options.learning_rate < 100)) throw Error("learning rate must be in (0, 100)");
  if (options.threads < 0 || options.threads > 1024) throw Error("threads must be between 0 (auto) and 1024");
  if (options.eval_batch < 1) throw Error("eval batch must be positive");
  if (dataset.train_count() == 0) throw Error("dataset '" + dataset.name + "' has no training images");
  if (dataset.signal && dataset.height != 1) throw Error("signals must have height 1");
  const InputShape shape{dataset.height, dataset.width, dataset.signal, dataset.class_count()};
  auto all = model_layers(shape, options.model);  // throws for a model these inputs cannot feed
  const auto chosen = select_layers(all, options.layers, options.model);
  auto points = std::make_shared<store::PointSet>(make_point_set(dataset, options.tracked, options.seed));
  points->layers = chosen;
  for (const auto& l : all) {
    impl_->recorded.push_back(std::any_of(chosen.begin(), chosen.end(), [&](const store::LayerInfo& c) { return c.name == l.name; }));
  }
  impl_->net_layers = std::move(all);
  impl_->store = std::make_shared<store::EpochStore>(std::move(points), options.memory);
  impl_->dataset = std::move(dataset);
  impl_->options = options;
}

Trainer::~Trainer() {
  request_stop();
  join();
}

const TrainOptions& Trainer::options() const { return impl_->options; }
std::shared_ptr<store::EpochStore> Trainer::store() const { return impl_->store; }

void Trainer::start() {
  if (impl_->thread.joinable()) return;
  impl_->state = TrainState::running;
  impl_->thread = std::jthread([this](std::stop_token st) {
    lower_thread_priority(impl_->options.nice);
    impl_->run(st);
    impl_->store->close();
  });
}

void Trainer::pause() { impl_->paused = true; }

void Trainer::resume() {
  {
    std::lock_guard lock(impl_->pause_mutex);
    impl_->paused = false;
  }
  impl_->pause_cv.notify_all();
}

void Trainer::request_stop() {
  if (impl_->thread.joinable()) impl_->thread.request_stop();
}

void Trainer::join() {
  if (impl_->thread.joinable()) impl_->thread.join();
}

TrainProgress Trainer::progress() const {
  TrainProgress p;
  p.state = impl_->state.load();
  p.epoch = impl_->epoch.load();
  p.epochs = impl_->options.epochs;
  p.batch = impl_->batch.load();
  p.batches = impl_->batches.load();
  p.loss = impl_->loss.load();
  p.accuracy = impl_->accuracy.load();
  p.images_per_second = impl_->images_per_second.load();
  p.elapsed_seconds = impl_->elapsed.load();
  return p;
}

std::string Trainer::error() const {
  std::lock_guard lock(impl_->error_mutex);
  return impl_->error;
}

}  // namespace epochscope::train
