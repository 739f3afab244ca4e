// Contract: the default CNN (Keras mnist_convnet-like): conv(32,3x3)-ReLU-maxpool-conv(64,3x3)-ReLU-
// maxpool-flatten-dense(64)-ReLU-dropout-dense(10). forward() returns the dense(64) activations (the
// "hidden" layer, after ReLU, before dropout) and the logits. Internal to train/: includes torch.
#pragma once

#include <torch/torch.h>

namespace epochscope::train {

struct ForwardResult {
  torch::Tensor hidden;  ///< batch x 64
  torch::Tensor logits;  ///< batch x classes
};

struct ConvNetImpl : torch::nn::Module {
  ConvNetImpl(int height, int width, int classes, double dropout = 0.5);
  ForwardResult forward(const torch::Tensor& x);

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::Linear dense{nullptr}, out{nullptr};
  torch::nn::Dropout drop{nullptr};
  int hidden_width = 64;
};
TORCH_MODULE(ConvNet);

}  // namespace epochscope::train
