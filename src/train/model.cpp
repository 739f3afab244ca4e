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
