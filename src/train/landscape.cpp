#include "epochscope/train/landscape.hpp"

#include <ATen/Parallel.h>
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

#include "epochscope/core/random.hpp"
#include "model.hpp"
#include "epochscope/train/tensor_cache.hpp"

namespace epochscope::train {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int meta_int(const std::map<std::string, std::string>& meta, const char* key, int fallback) {
  const auto it = meta.find(key);
  if (it == meta.end()) return fallback;
  std::size_t used = 0;
  int v = 0;
  try {
    v = std::stoi(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != it->second.size()) throw Error(fmt::format("the session's {} '{}' is not a number", key, it->second));
  return v;
}

// Which `count` of the training points the loss averages over: a seeded partial shuffle, in index order.
std::vector<std::size_t> sample_points(const store::PointSet& points, std::size_t count, std::uint64_t seed) {
  std::vector<std::size_t> train;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points.heldout[i] == 0) train.push_back(i);
  }
  if (train.empty()) throw Error("the session tracks no training points to evaluate the loss on");
  if (count < train.size()) {
    SplitMix64 rng{mix64(seed ^ 0x1a2d5ca9eULL)};
    for (std::size_t i = 0; i < count; ++i) {
      const auto j = i + rng.below(static_cast<std::uint32_t>(train.size() - i));
      std::swap(train[i], train[j]);
    }
    train.resize(count);
    std::sort(train.begin(), train.end());
  }
  return train;
}

}  // namespace

ModelOptions model_from_meta(const std::map<std::string, std::string>& meta) {
  const auto preset = meta.find("preset");
  if (preset == meta.end()) {
    throw Error("the session does not say which model made it (no 'preset' in its metadata), so the model cannot be rebuilt");
  }
  ModelOptions o;
  const auto p = parse_model_preset(preset->second);
  if (!p) throw Error("the session's model '" + preset->second + "' is not one this build knows (cnn, mlp, cnn-bn)");
  o.preset = *p;
  if (const auto it = meta.find("activation"); it != meta.end()) {
    const auto a = parse_activation(it->second);
    if (!a) throw Error("the session's activation '" + it->second + "' is not one this build knows (relu, tanh, gelu)");
    o.activation = *a;
  }
  o.width = meta_int(meta, "width", 0);
  if (const auto it = meta.find("dropout"); it != meta.end()) {
    try {
      o.dropout = std::stod(it->second);
    } catch (const std::exception&) {
      throw Error("the session's dropout '" + it->second + "' is not a number");
    }
  }
  return o;
}

SnapshotLoss network_loss(const store::PointSet& points, const ModelOptions& model, std::size_t values,
                          const LandscapeOptions& options, std::size_t* sample_size) {
  if (points.channels != 1 || !points.has_images()) {
    throw Error("the landscape needs the session's grey images or signals to evaluate the loss on (this session has " +
                std::string(points.channels == 0 ? "no images" : "colour images") + ")");
  }
  if (options.sample < 1 || options.batch < 1) throw Error("the landscape needs a sample and a batch of at least 1");
  if (options.threads < 0 || options.threads > 1024) throw Error("threads must be between 0 (every core) and 1024");
  const InputShape shape = input_shape(points);
  auto net = make_net(shape, model);  // throws for a model these inputs cannot feed
  const auto expected = parameter_values(*net);
  if (values != expected) {
    throw Error(fmt::format("the snapshots hold {} values; a {} of width {} on {} x {} {} has {}", values, to_string(model.preset),
                            resolved_width(model), shape.height, shape.width, shape.signal ? "signals" : "images", expected));
  }
  const auto chosen = sample_points(points, options.sample, options.seed);
  const std::size_t px = points.image_size();
  std::vector<std::uint8_t> bytes;
  std::vector<long> labels;
  for (const auto i : chosen) {
    bytes.insert(bytes.end(), points.images.begin() + static_cast<std::ptrdiff_t>(i * px),
                 points.images.begin() + static_cast<std::ptrdiff_t>((i + 1) * px));
    labels.push_back(points.labels[i]);
  }
  const auto n = static_cast<long>(chosen.size());
  auto x = input_tensor(bytes.data(), chosen.size(), points.height, points.width, shape.signal, points.value_offset,
                        points.value_scale).clone();
  auto y = torch::from_blob(labels.data(), {n}, torch::kLong).clone();
  net->eval();
  install_tensor_cache();
  if (sample_size != nullptr) *sample_size = chosen.size();
  const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const long batch = options.batch;
  return [net, x, y, n, threads, batch](std::span<const float> v) -> double {
    if (at::get_num_threads() != threads) at::set_num_threads(threads);  // per calling thread in libtorch
    load_parameters(*net, v);
    torch::NoGradGuard no_grad;
    double sum = 0;
    for (long begin = 0; begin < n; begin += batch) {
      const long end = std::min(n, begin + batch);
      const auto logits = net->forward(x.slice(0, begin, end), nullptr);
      sum += torch::nn::functional::cross_entropy(logits, y.slice(0, begin, end),
                                                  torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                 .item<double>();
    }
    return sum / static_cast<double>(n);
  };
}

LandscapeRun::LandscapeRun(store::ParameterPlane plane, SnapshotLoss loss, const LandscapeOptions& options)
    : plane_(std::move(plane)), loss_(std::move(loss)) {
  if (!plane_.centre) throw Error("a landscape needs a plane with a centre");
  if (!loss_) throw Error("a landscape needs a loss");
  result_.axes = store::grid_axes(plane_, options.grid, options.margin);
  result_.levels = store::grid_levels(result_.axes.a.size(), result_.axes.b.size());
  result_.loss.assign(result_.axes.a.size() * result_.axes.b.size(), kNaN);
  result_.centre_loss = kNaN;
  result_.path_loss.assign(plane_.path.size(), kNaN);
  total_ = result_.total = 1 + plane_.path.size() + result_.loss.size();
  for (std::size_t i = plane_.path.size(); i-- > 0;) {
    if (plane_.path[i].parameters == plane_.centre) {
      centre_twin_ = i;
      break;
    }
  }
  if (!centre_twin_) todo_.push_back(0);
  for (std::size_t i = 0; i < plane_.path.size(); ++i) todo_.push_back(1 + i);
  for (const auto c : result_.levels.order) todo_.push_back(1 + plane_.path.size() + c);
  result_.evaluated = total_ - todo_.size();  // the centre counts with its twin
  done_.store(result_.evaluated, std::memory_order_release);
}

void LandscapeRun::reuse_path_losses(std::span<const double> losses) {
  if (next_ > 0) throw Error("reuse_path_losses: the landscape has begun");
  std::lock_guard lock(mutex_);
  std::erase_if(todo_, [&](std::size_t task) {
    if (task == 0 || task > plane_.path.size()) return false;
    const std::size_t i = task - 1;
    if (i >= losses.size() || std::isnan(losses[i]) || !std::isnan(result_.path_loss[i])) return false;
    result_.path_loss[i] = losses[i];
    if (centre_twin_ == i) result_.centre_loss = losses[i];
    return true;
  });
  result_.evaluated = total_ - todo_.size();
  done_.store(result_.evaluated, std::memory_order_release);
}

bool LandscapeRun::run(std::size_t max_losses, std::stop_token stop) {
  std::size_t budget = max_losses == 0 ? total_ : max_losses;
  const std::size_t na = result_.axes.a.size(), paths = plane_.path.size();  // fixed after construction
  for (; next_ < todo_.size() && budget > 0; ++next_, --budget) {
    if (stop.stop_requested()) return false;
    const std::size_t task = todo_[next_];
    double value = kNaN;
    if (task == 0) {
      value = loss_(plane_.centre->values);
    } else if (task <= paths) {
      value = loss_(plane_.path[task - 1].parameters->values);
    } else {
      const std::size_t g = task - 1 - paths;
      store::point_on_plane(plane_, result_.axes.a[g % na], result_.axes.b[g / na], scratch_);
      value = loss_(scratch_);
    }
    const std::size_t known = total_ - (todo_.size() - next_ - 1);  // this one included
    {
      std::lock_guard lock(mutex_);
      if (task == 0) {
        result_.centre_loss = value;
      } else if (task <= paths) {
        result_.path_loss[task - 1] = value;
        if (centre_twin_ == task - 1) result_.centre_loss = value;
      } else {
        result_.loss[task - 1 - paths] = value;
        ++result_.grid_evaluated;
      }
      result_.evaluated = known;
    }
    done_.store(known, std::memory_order_release);
  }
  return done() == total_;
}

Landscape LandscapeRun::result() const {
  std::lock_guard lock(mutex_);
  return result_;
}

double LandscapeRun::loss_at(double a, double b) {
  store::point_on_plane(plane_, a, b, scratch_);
  return loss_(scratch_);
}

std::unique_ptr<LandscapeRun> session_landscape(const store::PointSet& points, const std::vector<store::FramePtr>& frames,
                                                const std::map<std::string, std::string>& meta,
                                                const LandscapeOptions& options, std::size_t* sample_size,
                                                std::span<const std::vector<store::PlaneSnapshot>> overlays) {
  std::vector<store::PlaneSnapshot> path;
  for (const auto& f : frames) {
    if (f && f->parameters) path.push_back({f->index, f->epoch, f->parameters});
  }
  if (path.empty()) {
    throw Error("holds no parameter snapshots (format 1.7's frame field 'parameters', which epochscope's own trainer "
                "writes; older sessions, the Python recorder and imports have none)");
  }
  auto loss = network_loss(points, model_from_meta(meta), path.back().parameters->values.size(), options, sample_size);
  auto plane = store::fit_parameter_plane(path, {.seed = options.seed});
  for (const auto& run : overlays) {
    for (const auto& s : run) plane.path.push_back(store::project_onto_plane(plane, s));
  }
  return std::make_unique<LandscapeRun>(std::move(plane), std::move(loss), options);
}

}  // namespace epochscope::train
