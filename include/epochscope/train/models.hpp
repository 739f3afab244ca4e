// Contract: the models the built-in trainer can train, in words and layers, without torch. A preset
// (cnn, mlp, cnn-bn) with its options gives, for inputs of a shape, the layers a frame records in
// depth order (model_layers), a one-line description for session metadata (model_description), and
// refuses a combination that cannot work with a one-line reason (epochscope::Error).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "epochscope/store/frame.hpp"

namespace epochscope::train {

enum class ModelPreset { cnn, mlp, cnn_bn };
enum class Activation { relu, tanh, gelu };

/// Defaults are the built-in CNN as it always was.
struct ModelOptions {
  ModelPreset preset = ModelPreset::cnn;
  Activation activation = Activation::relu;
  /// Units of the first dense layer; 0 = the preset's: cnn 64 ("hidden"), mlp 256 (then 128, 64),
  /// cnn-bn 128 (then 64). 4 to 4096.
  int width = 0;
  /// Dropout before the last dense layer; < 0 = the preset's: cnn 0.5, mlp 0.2, cnn-bn 0.3.
  double dropout = -1;
};

/// The shape of one input: an image (height x width) or a 1-D signal (height 1) and the classes.
struct InputShape {
  int height = 28;
  int width = 28;
  bool signal = false;
  int classes = 10;
};

const char* to_string(ModelPreset p);  ///< "cnn", "mlp", "cnn-bn"
const char* to_string(Activation a);   ///< "relu", "tanh", "gelu"
std::optional<ModelPreset> parse_model_preset(std::string_view name);
std::optional<Activation> parse_activation(std::string_view name);

int resolved_width(const ModelOptions& o);
double resolved_dropout(const ModelOptions& o);

/// Every layer the model records for inputs of `shape`, in depth order: conv blocks (kind conv,
/// width = channels: their per-channel means), dense layers, "logits", "output" (softmax). Throws
/// epochscope::Error for options out of range or a preset these inputs cannot feed (cnn-bn on
/// signals, a CNN on images under 10x10).
std::vector<store::LayerInfo> model_layers(const InputShape& shape, const ModelOptions& o);

/// The layers of `all` named in `wanted` (in depth order), or all of them when `wanted` is empty.
/// Throws "no layer 'x' in cnn (it has: conv1, ...)" for a name the model lacks.
std::vector<store::LayerInfo> select_layers(const std::vector<store::LayerInfo>& all, const std::vector<std::string>& wanted,
                                            const ModelOptions& o);

/// The model in words with its recorded layers in brackets, e.g. "cnn: conv32(3x3)-relu-maxpool
/// [conv1] - conv64(3x3)-relu-maxpool [conv2] - dense64-relu [hidden] - dropout0.5 - dense10 [logits]
/// - softmax [output]". Session metadata records it.
std::string model_description(const InputShape& shape, const ModelOptions& o = {});

}  // namespace epochscope::train
