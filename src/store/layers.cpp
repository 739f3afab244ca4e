#include "epochscope/store/layers.hpp"

#include <algorithm>
#include <array>

namespace epochscope::store {
namespace {

constexpr std::array<std::pair<LayerKind, const char*>, 6> kKinds{{{LayerKind::input, "input"},
                                                                   {LayerKind::conv, "conv"},
                                                                   {LayerKind::dense, "dense"},
                                                                   {LayerKind::logits, "logits"},
                                                                   {LayerKind::output, "output"},
                                                                   {LayerKind::other, "other"}}};

}  // namespace

const std::vector<std::string>& standard_layer_names() {
  static const std::vector<std::string> names{"output", "logits", "hidden", std::string(kInputLayer)};
  return names;
}

const char* to_string(LayerKind kind) {
  for (const auto& [k, name] : kKinds) {
    if (k == kind) return name;
  }
  return "other";
}

std::optional<LayerKind> parse_layer_kind(std::string_view name) {
  for (const auto& [k, n] : kKinds) {
    if (name == n) return k;
  }
  return std::nullopt;
}

LayerKind legacy_layer_kind(std::string_view name) {
  if (name == "output") return LayerKind::output;
  if (name == "logits") return LayerKind::logits;
  if (name == "hidden") return LayerKind::dense;
  return LayerKind::other;
}

void sort_legacy_layers(std::vector<LayerInfo>& layers) {
  auto rank = [](const LayerInfo& l) { return l.name == "output" ? 2 : l.name == "logits" ? 1 : 0; };
  std::stable_sort(layers.begin(), layers.end(), [&](const LayerInfo& a, const LayerInfo& b) { return rank(a) < rank(b); });
}

bool plausible_layer_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         std::none_of(name.begin(), name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool is_layer_name(std::string_view name, const PointSet* points) {
  if (points == nullptr) return plausible_layer_name(name);
  return (name == kInputLayer && points->has_images()) || find_layer(*points, name) != nullptr;
}

std::vector<std::string> layer_choices(const PointSet& points) {
  std::vector<std::string> out;
  if (points.has_images()) out.emplace_back(kInputLayer);
  for (const auto& l : points.layers) {
    if (l.name != kInputLayer) out.push_back(l.name);
  }
  return out;
}

std::string neighbour_layer(const PointSet& points, std::string_view name, int step) {
  const auto choices = layer_choices(points);
  const auto it = std::find(choices.begin(), choices.end(), name);
  if (it == choices.end()) return std::string(name);
  const auto i = static_cast<long>(it - choices.begin()) + step;
  if (i < 0 || i >= static_cast<long>(choices.size())) return std::string(name);
  return choices[static_cast<std::size_t>(i)];
}

std::string deepest_hidden_layer(const PointSet& points) {
  for (auto it = points.layers.rbegin(); it != points.layers.rend(); ++it) {
    if (it->kind != LayerKind::output && it->name != "output") return it->name;
  }
  if (!points.has_images() && !points.layers.empty()) return points.layers.front().name;
  return std::string(kInputLayer);
}

const LayerInfo* find_layer(const PointSet& points, std::string_view name) {
  for (const auto& l : points.layers) {
    if (l.name == name) return &l;
  }
  return nullptr;
}

Matrix input_values(const PointSet& points) {
  Matrix m(static_cast<Eigen::Index>(points.size()), static_cast<Eigen::Index>(points.image_size()));
  for (std::size_t i = 0; i < points.images.size() && i < static_cast<std::size_t>(m.size()); ++i) {
    m.data()[i] = static_cast<float>(points.images[i]) / 255.0f;
  }
  return m;
}

LayerInfo input_layer_info(const PointSet& points) {
  return {std::string(kInputLayer), static_cast<int>(points.image_size()), LayerKind::input};
}

std::string layer_label(const PointSet& points, std::string_view name) {
  const LayerInfo* info = find_layer(points, name);
  const LayerInfo input = input_layer_info(points);
  if (info == nullptr && name == kInputLayer) info = &input;
  if (info == nullptr) return std::string(name);
  const std::string n(name);
  const std::string w = std::to_string(info->width);
  switch (info->kind) {
    case LayerKind::input:
      if (points.channels == 3) return n + " (" + w + " values, RGB)";
      return n + " (" + w + (points.signal ? " samples)" : " pixels)");
    case LayerKind::conv: return n + " (" + w + " channel means)";
    case LayerKind::dense: return n + " (dense, " + w + " units)";
    case LayerKind::logits: return n == "logits" ? n + " (" + w + ")" : n + " (logits, " + w + ")";
    case LayerKind::output: return n + " (softmax, " + w + ")";
    case LayerKind::other: break;
  }
  return n + " (" + w + ")";
}

void require_layer(const PointSet& points, std::string_view name) {
  if (is_layer_name(name, &points)) return;
  std::string list;
  for (const auto& l : layer_choices(points)) list += (list.empty() ? "" : ", ") + l;
  throw Error("the session has no layer '" + std::string(name) + "' (it has: " + list + ")");
}

}  // namespace epochscope::store
