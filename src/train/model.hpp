// Contract: the default models. For images, a CNN (Keras mnist_convnet-like): conv(32,3x3)-ReLU-
// maxpool-conv(64,3x3)-ReLU-maxpool-flatten-dense(64)-ReLU-dropout-dense(classes). For 1-D signals
// (height 1, e.g. MNIST-1D) a 1-D CNN of the same shape: conv1d(32,5)-ReLU-conv1d(32,3,stride 2)-
// ReLU-conv1d(32,3,stride 2)-ReLU-flatten-dense(64)-ReLU-dropout-dense(classes) (MNIST-1D's paper
// reports such small CNNs near 94% where an MLP stays near 70%). forward() returns the dense(64)
// activations (the "hidden" layer, after ReLU, before dropout) and the logits. Internal to train/:
// includes torch.
#pragma once

#include <torch/torch.h>

namespace epochscope::train {

struct ForwardResult {
  torch::Tensor hidden;  ///< batch x 64
  torch::Tensor logits;  ///< batch x classes
};

struct ConvNetImpl : torch::nn::Module {
  /// height 1: a signal of `width` samples, input batch x 1 x width; else batch x 1 x height x width.
  ConvNetImpl(int height, int width, int classes, double dropout = 0.5);
  ForwardResult forward(const torch::Tensor& x);

  bool signal = false;
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::Conv1d s_conv1{nullptr}, s_conv2{nullptr}, s_conv3{nullptr};
  torch::nn::Linear dense{nullptr}, out{nullptr};
  torch::nn::Dropout drop{nullptr};
  int hidden_width = 64;
};
TORCH_MODULE(ConvNet);

}  // namespace epochscope::train
