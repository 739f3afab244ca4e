#include "model.hpp"

namespace epochscope::train {

ConvNetImpl::ConvNetImpl(int height, int width, int classes, double dropout) : signal(height == 1) {
  if (signal) {
    namespace nn = torch::nn;
    s_conv1 = register_module("s_conv1", nn::Conv1d(nn::Conv1dOptions(1, 32, 5).padding(2)));
    s_conv2 = register_module("s_conv2", nn::Conv1d(nn::Conv1dOptions(32, 32, 3).stride(2).padding(1)));
    s_conv3 = register_module("s_conv3", nn::Conv1d(nn::Conv1dOptions(32, 32, 3).stride(2).padding(1)));
    const int l = ((width - 1) / 2 + 1 - 1) / 2 + 1;  // two stride-2 convolutions with padding 1
    dense = register_module("dense", nn::Linear(32 * l, hidden_width));
  } else {
    conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3)));
    conv2 = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3)));
    const int h = ((height - 2) / 2 - 2) / 2;
    const int w = ((width - 2) / 2 - 2) / 2;
    dense = register_module("dense", torch::nn::Linear(64 * h * w, hidden_width));
  }
  drop = register_module("drop", torch::nn::Dropout(dropout));
  out = register_module("out", torch::nn::Linear(hidden_width, classes));
}

ForwardResult ConvNetImpl::forward(const torch::Tensor& x) {
  torch::Tensor y;
  if (signal) {
    y = torch::relu(s_conv1->forward(x));
    y = torch::relu(s_conv2->forward(y));
    y = torch::relu(s_conv3->forward(y));
  } else {
    y = torch::max_pool2d(torch::relu(conv1->forward(x)), 2);
    y = torch::max_pool2d(torch::relu(conv2->forward(y)), 2);
  }
  auto hidden = torch::relu(dense->forward(y.flatten(1)));
  auto logits = out->forward(drop->forward(hidden));
  return {hidden, logits};
}

}  // namespace epochscope::train
