// Contract: the networks the built-in trainer trains (the presets of ModelOptions), each a torch
// module whose forward() returns the logits and, when asked, the activation of every layer it
// records, in model_layers() order without logits and output: a conv block's output as its
// per-channel means over space (batch x channels), a dense layer's units after the activation
// (before dropout). The default `cnn` builds its modules in the order it always has, so the same
// seed gives the same weights and frames as before the presets came. Internal to train/: includes
// torch.
//
//   cnn     images: conv32(3x3)-act-maxpool [conv1] - conv64(3x3)-act-maxpool [conv2] - dense(w=64)-act
//           [hidden] - dropout(0.5) - dense(classes) [logits]; signals (MNIST-1D): conv1d32(k5) [conv1] -
//           conv1d32(k3,s2) [conv2] - conv1d32(k3,s2) [conv3] - dense(64) [hidden] - dropout - logits
//   mlp     dense(w=256) [fc1] - dense(w/2) [fc2] - dense(w/4) [fc3] - dropout(0.2) - dense(classes)
//   cnn-bn  images only: conv32-bn-act [conv1] - conv32-bn-act-maxpool [conv2] - conv64-bn-act [conv3] -
//           conv64-bn-act-maxpool [conv4] (3x3, padding 1) - dense(w=128) [fc1] - dense(w/2) [fc2] -
//           dropout(0.3) - dense(classes)
#pragma once

#include <torch/torch.h>

#include <memory>
#include <span>
#include <vector>

#include "epochscope/store/parameters.hpp"
#include "epochscope/train/trainer.hpp"

namespace epochscope::train {

struct NetImpl : torch::nn::Module {
  /// x: batch x 1 x h x w (images) or batch x 1 x w (signals). With `taps`, appends one tensor per
  /// recorded layer but logits and output.
  virtual torch::Tensor forward(const torch::Tensor& x, std::vector<torch::Tensor>* taps) = 0;
  /// The first convolution's weight (count x channels x kh x kw, or count x channels x k for a 1-D
  /// convolution); an undefined tensor for a network without convolutions.
  virtual torch::Tensor first_conv_weight() const { return {}; }
};

/// The network `options` describes for inputs of this shape (validated by model_layers()).
std::shared_ptr<NetImpl> make_net(const InputShape& shape, const ModelOptions& options);

/// `count` inputs as the networks take them: images batch x 1 x h x w, normalised as MNIST usually
/// is; signals (h == 1) batch x 1 x w, the values the bytes stand for (offset + scale * byte).
torch::Tensor input_tensor(const std::uint8_t* bytes, std::size_t count, int h, int w, bool signal, float offset, float scale);

/// The network's parameters (parameters() order, each flattened row-major), then its floating-point
/// buffers (BatchNorm running statistics), as format 1.7 keeps them; null when a value is not finite.
store::ParameterSnapshotPtr snapshot_parameters(const NetImpl& model);
/// Values in snapshot_parameters()'s layout, in the order they are: how many the model has.
std::size_t parameter_values(const NetImpl& model, std::size_t* buffers = nullptr);
/// Copies a snapshot's values into the model's parameters and buffers. Throws epochscope::Error when
/// their count is not the model's.
void load_parameters(NetImpl& model, std::span<const float> values);

}  // namespace epochscope::train
