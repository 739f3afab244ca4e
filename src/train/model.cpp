#include "model.hpp"

namespace epochscope::train {
namespace {

namespace nn = torch::nn;

torch::Tensor activate(Activation a, const torch::Tensor& x) {
  switch (a) {
    case Activation::tanh: return torch::tanh(x);
    case Activation::gelu: return torch::gelu(x);
    case Activation::relu: break;
  }
  return torch::relu(x);
}

// The default CNN (2-D for images, 1-D for signals). Its modules are built in the order they always
// were (the weights come from the global generator in that order).
struct ConvNet : NetImpl {
  ConvNet(const InputShape& s, const ModelOptions& o) : signal(s.signal), act(o.activation) {
    const int hidden = resolved_width(o);
    if (signal) {
      s_conv1 = register_module("s_conv1", nn::Conv1d(nn::Conv1dOptions(1, 32, 5).padding(2)));
      s_conv2 = register_module("s_conv2", nn::Conv1d(nn::Conv1dOptions(32, 32, 3).stride(2).padding(1)));
      s_conv3 = register_module("s_conv3", nn::Conv1d(nn::Conv1dOptions(32, 32, 3).stride(2).padding(1)));
      const int l = ((s.width - 1) / 2 + 1 - 1) / 2 + 1;  // two stride-2 convolutions with padding 1
      dense = register_module("dense", nn::Linear(32 * l, hidden));
    } else {
      conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(1, 32, 3)));
      conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(32, 64, 3)));
      const int h = ((s.height - 2) / 2 - 2) / 2;
      const int w = ((s.width - 2) / 2 - 2) / 2;
      dense = register_module("dense", nn::Linear(64 * h * w, hidden));
    }
    drop = register_module("drop", nn::Dropout(resolved_dropout(o)));
    out = register_module("out", nn::Linear(hidden, s.classes));
  }

  torch::Tensor forward(const torch::Tensor& x, std::vector<torch::Tensor>* taps) override {
    torch::Tensor y;
    if (signal) {
      y = activate(act, s_conv1->forward(x));
      if (taps) taps->push_back(y.mean(2));
      y = activate(act, s_conv2->forward(y));
      if (taps) taps->push_back(y.mean(2));
      y = activate(act, s_conv3->forward(y));
      if (taps) taps->push_back(y.mean(2));
    } else {
      y = torch::max_pool2d(activate(act, conv1->forward(x)), 2);
      if (taps) taps->push_back(y.mean({2, 3}));
      y = torch::max_pool2d(activate(act, conv2->forward(y)), 2);
      if (taps) taps->push_back(y.mean({2, 3}));
    }
    auto hidden = activate(act, dense->forward(y.flatten(1)));
    if (taps) taps->push_back(hidden);
    return out->forward(drop->forward(hidden));
  }

  torch::Tensor first_conv_weight() const override { return signal ? s_conv1->weight : conv1->weight; }

  bool signal = false;
  Activation act;
  nn::Conv2d conv1{nullptr}, conv2{nullptr};
  nn::Conv1d s_conv1{nullptr}, s_conv2{nullptr}, s_conv3{nullptr};
  nn::Linear dense{nullptr}, out{nullptr};
  nn::Dropout drop{nullptr};
};

struct Mlp : NetImpl {
  Mlp(const InputShape& s, const ModelOptions& o) : act(o.activation) {
    const int w = resolved_width(o);
    fc1 = register_module("fc1", nn::Linear(s.height * s.width, w));
    fc2 = register_module("fc2", nn::Linear(w, w / 2));
    fc3 = register_module("fc3", nn::Linear(w / 2, w / 4));
    drop = register_module("drop", nn::Dropout(resolved_dropout(o)));
    out = register_module("out", nn::Linear(w / 4, s.classes));
  }

  torch::Tensor forward(const torch::Tensor& x, std::vector<torch::Tensor>* taps) override {
    auto y = x.flatten(1);
    for (auto* fc : {&fc1, &fc2, &fc3}) {
      y = activate(act, (*fc)->forward(y));
      if (taps) taps->push_back(y);
    }
    return out->forward(drop->forward(y));
  }

  Activation act;
  nn::Linear fc1{nullptr}, fc2{nullptr}, fc3{nullptr}, out{nullptr};
  nn::Dropout drop{nullptr};
};

struct CnnBn : NetImpl {
  CnnBn(const InputShape& s, const ModelOptions& o) : act(o.activation) {
    const int channels[4][2] = {{1, 32}, {32, 32}, {32, 64}, {64, 64}};
    for (int i = 0; i < 4; ++i) {
      conv[i] = register_module("conv" + std::to_string(i + 1),
                                nn::Conv2d(nn::Conv2dOptions(channels[i][0], channels[i][1], 3).padding(1).bias(false)));
      bn[i] = register_module("bn" + std::to_string(i + 1), nn::BatchNorm2d(channels[i][1]));
    }
    const int w = resolved_width(o);
    fc1 = register_module("fc1", nn::Linear(64 * (s.height / 4) * (s.width / 4), w));
    fc2 = register_module("fc2", nn::Linear(w, w / 2));
    drop = register_module("drop", nn::Dropout(resolved_dropout(o)));
    out = register_module("out", nn::Linear(w / 2, s.classes));
  }

  torch::Tensor forward(const torch::Tensor& x, std::vector<torch::Tensor>* taps) override {
    auto y = x;
    for (int i = 0; i < 4; ++i) {
      y = activate(act, bn[i]->forward(conv[i]->forward(y)));
      if (i == 1 || i == 3) y = torch::max_pool2d(y, 2);
      if (taps) taps->push_back(y.mean({2, 3}));
    }
    y = activate(act, fc1->forward(y.flatten(1)));
    if (taps) taps->push_back(y);
    y = activate(act, fc2->forward(y));
    if (taps) taps->push_back(y);
    return out->forward(drop->forward(y));
  }

  torch::Tensor first_conv_weight() const override { return conv[0]->weight; }

  Activation act;
  nn::Conv2d conv[4] = {nullptr, nullptr, nullptr, nullptr};
  nn::BatchNorm2d bn[4] = {nullptr, nullptr, nullptr, nullptr};
  nn::Linear fc1{nullptr}, fc2{nullptr}, out{nullptr};
  nn::Dropout drop{nullptr};
};

}  // namespace

std::shared_ptr<NetImpl> make_net(const InputShape& shape, const ModelOptions& options) {
  (void)model_layers(shape, options);  // throws for a model these inputs cannot feed
  switch (options.preset) {
    case ModelPreset::mlp: return std::make_shared<Mlp>(shape, options);
    case ModelPreset::cnn_bn: return std::make_shared<CnnBn>(shape, options);
    case ModelPreset::cnn: break;
  }
  return std::make_shared<ConvNet>(shape, options);
}

}  // namespace epochscope::train

namespace epochscope::train {

torch::Tensor input_tensor(const std::uint8_t* bytes, std::size_t count, int h, int w, bool signal, float offset, float scale) {
  auto* data = const_cast<std::uint8_t*>(bytes);
  if (signal) {
    auto t = torch::from_blob(data, {static_cast<long>(count), 1, w}, torch::kUInt8).to(torch::kFloat32);
    return t.mul_(scale).add_(offset);
  }
  constexpr float kMean = 0.1307f, kStd = 0.3081f;  // MNIST's usual normalisation
  auto t = torch::from_blob(data, {static_cast<long>(count), 1, h, w}, torch::kUInt8).to(torch::kFloat32);
  return t.div_(255.0f).sub_(kMean).div_(kStd);
}

namespace {

// What a snapshot holds, in its order: every parameter, then the floating-point buffers.
std::vector<torch::Tensor> snapshot_tensors(const NetImpl& model, std::size_t* buffer_values) {
  std::vector<torch::Tensor> all = model.parameters();
  std::size_t buffers = 0;
  for (const auto& b : model.buffers()) {
    if (!b.is_floating_point()) continue;  // BatchNorm's num_batches_tracked
    all.push_back(b);
    buffers += static_cast<std::size_t>(b.numel());
  }
  if (buffer_values != nullptr) *buffer_values = buffers;
  return all;
}

}  // namespace

std::size_t parameter_values(const NetImpl& model, std::size_t* buffers) {
  std::size_t total = 0;
  for (const auto& t : snapshot_tensors(model, buffers)) total += static_cast<std::size_t>(t.numel());
  return total;
}

store::ParameterSnapshotPtr snapshot_parameters(const NetImpl& model) {
  torch::NoGradGuard no_grad;
  auto s = std::make_shared<store::ParameterSnapshot>();
  const auto tensors = snapshot_tensors(model, &s->buffers);
  for (const auto& t : tensors) {
    const auto c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    const float* p = c.data_ptr<float>();
    s->values.insert(s->values.end(), p, p + c.numel());
  }
  if (!store::parameter_snapshot_problem(*s).empty()) return nullptr;  // a diverged run: none
  return s;
}

void load_parameters(NetImpl& model, std::span<const float> values) {
  torch::NoGradGuard no_grad;
  const auto tensors = snapshot_tensors(model, nullptr);
  std::size_t total = 0;
  for (const auto& t : tensors) total += static_cast<std::size_t>(t.numel());
  if (total != values.size()) {
    throw Error("a snapshot of " + std::to_string(values.size()) + " values does not fit this model's " + std::to_string(total));
  }
  std::size_t at = 0;
  for (auto t : tensors) {
    const auto n = t.numel();
    auto from = torch::from_blob(const_cast<float*>(values.data() + at), t.sizes(), torch::kFloat32);
    t.copy_(from);
    at += static_cast<std::size_t>(n);
  }
}

}  // namespace epochscope::train
