#include "epochscope/store/layers.hpp"

#include <algorithm>

namespace epochscope::store {

const std::vector<std::string>& standard_layer_names() {
  static const std::vector<std::string> names{"output", "logits", "hidden", std::string(kInputLayer)};
  return names;
}

bool is_layer_name(std::string_view name, const PointSet* points) {
  if (points == nullptr) {
    const auto& names = standard_layer_names();
    return std::find(names.begin(), names.end(), name) != names.end();
  }
  return name == kInputLayer ||
         std::any_of(points->layers.begin(), points->layers.end(), [&](const LayerInfo& l) { return l.name == name; });
}

std::vector<std::string> layer_choices(const PointSet& points) {
  std::vector<std::string> out;
  for (const auto& l : points.layers) out.push_back(l.name);
  out.emplace_back(kInputLayer);
  return out;
}

}  // namespace epochscope::store
