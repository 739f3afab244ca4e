#include "epochscope/train/models.hpp"

#include <fmt/core.h>

#include <array>

#include "epochscope/core/matrix.hpp"

namespace epochscope::train {
namespace {

constexpr std::array<std::pair<ModelPreset, const char*>, 3> kPresets{
    {{ModelPreset::cnn, "cnn"}, {ModelPreset::mlp, "mlp"}, {ModelPreset::cnn_bn, "cnn-bn"}}};
constexpr std::array<std::pair<Activation, const char*>, 3> kActivations{
    {{Activation::relu, "relu"}, {Activation::tanh, "tanh"}, {Activation::gelu, "gelu"}}};

template <typename Table, typename E>
const char* name_in(const Table& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

template <typename Table>
auto value_in(const Table& table, std::string_view name) -> std::optional<typename Table::value_type::first_type> {
  for (const auto& [v, n] : table) {
    if (name == n) return v;
  }
  return std::nullopt;
}

}  // namespace

const char* to_string(ModelPreset p) { return name_in(kPresets, p); }
const char* to_string(Activation a) { return name_in(kActivations, a); }
std::optional<ModelPreset> parse_model_preset(std::string_view name) { return value_in(kPresets, name); }
std::optional<Activation> parse_activation(std::string_view name) { return value_in(kActivations, name); }

int resolved_width(const ModelOptions& o) {
  if (o.width > 0) return o.width;
  return o.preset == ModelPreset::mlp ? 256 : o.preset == ModelPreset::cnn_bn ? 128 : 64;
}

double resolved_dropout(const ModelOptions& o) {
  if (o.dropout >= 0) return o.dropout;
  return o.preset == ModelPreset::mlp ? 0.2 : o.preset == ModelPreset::cnn_bn ? 0.3 : 0.5;
}

std::vector<store::LayerInfo> model_layers(const InputShape& s, const ModelOptions& o) {
  using store::LayerKind;
  const int w = resolved_width(o);
  if (w < 4 || w > 4096) throw Error(fmt::format("the hidden width must be between 4 and 4096 (not {})", w));
  if (!(resolved_dropout(o) < 1.0)) throw Error("dropout must be below 1");
  if (s.classes < 1) throw Error("a model needs at least one class");
  std::vector<store::LayerInfo> layers;
  switch (o.preset) {
    case ModelPreset::cnn:
      if (s.signal) {
        if (s.height != 1 || s.width < 8) throw Error("signals must have height 1 and at least 8 samples");
        layers = {{"conv1", 32, LayerKind::conv}, {"conv2", 32, LayerKind::conv}, {"conv3", 32, LayerKind::conv}};
      } else {
        if (s.height < 10 || s.width < 10) throw Error("images must be at least 10x10 for the CNN");
        layers = {{"conv1", 32, LayerKind::conv}, {"conv2", 64, LayerKind::conv}};
      }
      layers.push_back({"hidden", w, LayerKind::dense});
      break;
    case ModelPreset::mlp:
      layers = {{"fc1", w, LayerKind::dense}, {"fc2", w / 2, LayerKind::dense}, {"fc3", w / 4, LayerKind::dense}};
      break;
    case ModelPreset::cnn_bn:
      if (s.signal || s.height < 8 || s.width < 8) {
        throw Error("cnn-bn is for images of at least 8x8 (for 1-D signals, train cnn or mlp)");
      }
      layers = {{"conv1", 32, LayerKind::conv}, {"conv2", 32, LayerKind::conv}, {"conv3", 64, LayerKind::conv},
                {"conv4", 64, LayerKind::conv}, {"fc1", w, LayerKind::dense},    {"fc2", w / 2, LayerKind::dense}};
      break;
  }
  layers.push_back({"logits", s.classes, LayerKind::logits});
  layers.push_back({"output", s.classes, LayerKind::output});
  return layers;
}

std::vector<store::LayerInfo> select_layers(const std::vector<store::LayerInfo>& all, const std::vector<std::string>& wanted,
                                            const ModelOptions& o) {
  if (wanted.empty()) return all;
  for (const auto& name : wanted) {
    bool found = false;
    for (const auto& l : all) found = found || l.name == name;
    if (!found) {
      std::string list;
      for (const auto& l : all) list += (list.empty() ? "" : ", ") + l.name;
      throw Error(fmt::format("--layers: no layer '{}' in {} (it has: {})", name, to_string(o.preset), list));
    }
  }
  std::vector<store::LayerInfo> out;
  for (const auto& l : all) {
    for (const auto& name : wanted) {
      if (l.name == name) {
        out.push_back(l);
        break;
      }
    }
  }
  return out;
}

std::string model_description(const InputShape& s, const ModelOptions& o) {
  (void)model_layers(s, o);  // refuses a model these inputs cannot feed
  const std::string act = to_string(o.activation);
  const int w = resolved_width(o);
  const std::string drop = fmt::format("dropout{}", resolved_dropout(o));
  const std::string tail = fmt::format("{} - dense{} [logits] - softmax [output]", drop, s.classes);
  switch (o.preset) {
    case ModelPreset::cnn:
      if (s.signal) {
        return fmt::format("cnn1d: conv1d32(k5)-{0} [conv1] - conv1d32(k3,s2)-{0} [conv2] - conv1d32(k3,s2)-{0} [conv3] - "
                           "dense{1}-{0} [hidden] - {2}",
                           act, w, tail);
      }
      return fmt::format("cnn: conv32(3x3)-{0}-maxpool [conv1] - conv64(3x3)-{0}-maxpool [conv2] - dense{1}-{0} [hidden] - {2}",
                         act, w, tail);
    case ModelPreset::mlp:
      return fmt::format("mlp: dense{1}-{0} [fc1] - dense{2}-{0} [fc2] - dense{3}-{0} [fc3] - {4}", act, w, w / 2, w / 4, tail);
    case ModelPreset::cnn_bn:
      return fmt::format("cnn-bn: conv32(3x3)-bn-{0} [conv1] - conv32(3x3)-bn-{0}-maxpool [conv2] - conv64(3x3)-bn-{0} [conv3] - "
                         "conv64(3x3)-bn-{0}-maxpool [conv4] - dense{1}-{0} [fc1] - dense{2}-{0} [fc2] - {3}",
                         act, w, w / 2, tail);
  }
  return "?";
}

}  // namespace epochscope::train
