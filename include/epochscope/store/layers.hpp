// Contract: which layer names exist, answered in one place. A session's frames hold the layers its
// PointSet lists (PointSet::layers, in the network's order); "input" (the raw pixels or samples,
// the same in every frame) is always there besides. Without a session at hand (parsing a command
// line, reading saved settings) the names the built-in trainer records are the ones known.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "epochscope/store/frame.hpp"

namespace epochscope::store {

/// The raw pixels (or samples): not a frame layer, laid out once for every frame.
inline constexpr std::string_view kInputLayer = "input";

/// The layers the built-in trainer records, then the input: "output", "logits", "hidden", "input".
const std::vector<std::string>& standard_layer_names();

/// Whether `name` is a layer of `points` (one of its frame layers, or the input); without points,
/// whether it is a standard one.
bool is_layer_name(std::string_view name, const PointSet* points = nullptr);

/// What a view can show of `points`: its frame layers in order, then the input.
std::vector<std::string> layer_choices(const PointSet& points);

}  // namespace epochscope::store
