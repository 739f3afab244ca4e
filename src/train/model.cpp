#include "model.hpp"

namespace epochscope::train {

ConvNetImpl::ConvNetImpl(int height, int width, int classes, double dropout) {
  conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 32, 3)));
  conv2 = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(32, 64, 3)));
  const int h = ((height - 2) / 2 - 2) / 2;
  const int w = ((width - 2) / 2 - 2) / 2;
  dense = register_module("dense", torch::nn::Linear(64 * h * w, hidden_width));
  drop = register_module("drop", torch::nn::Dropout(dropout));
  out = register_module("out", torch::nn::Linear(hidden_width, classes));
}

ForwardResult ConvNetImpl::forward(const torch::Tensor& x) {
  auto y = torch::max_pool2d(torch::relu(conv1->forward(x)), 2);
  y = torch::max_pool2d(torch::relu(conv2->forward(y)), 2);
  auto hidden = torch::relu(dense->forward(y.flatten(1)));
  auto logits = out->forward(drop->forward(hidden));
  return {hidden, logits};
}

}  // namespace epochscope::train
