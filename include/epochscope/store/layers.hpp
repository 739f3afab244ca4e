// Contract: which layer names exist and what they are, answered in one place. A session's frames
// hold the layers its PointSet lists (PointSet::layers, in depth order, input side first, each with
// a kind); "input" (the raw pixels or samples, the same in every frame) is there besides and comes
// first in depth whenever the session has images (a texts-only session has no input layer). Without a session at hand (parsing a command line, reading saved settings)
// any plausible name is accepted; the session decides later (require_layer, UiState::fit_views).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "epochscope/store/frame.hpp"

namespace epochscope::store {

/// The raw pixels (or samples): not a frame layer, laid out once for every frame.
inline constexpr std::string_view kInputLayer = "input";

/// The layers the built-in trainer's default model records, then the input (what a view offers
/// before a session is known): "output", "logits", "hidden", "input".
const std::vector<std::string>& standard_layer_names();

/// "input", "conv", "dense", "logits", "output", "other".
const char* to_string(LayerKind kind);
/// The kind a name from to_string() stands for; nullopt for anything else.
std::optional<LayerKind> parse_layer_kind(std::string_view name);
/// The kind of a layer in a file written before kinds were stored (format 1.2 and older):
/// "output" -> output, "logits" -> logits, "hidden" -> dense, anything else -> other.
LayerKind legacy_layer_kind(std::string_view name);
/// Puts the layers of an older file in depth order: the others in file order, then logits, then
/// output (the built-in trainer wrote output, logits, hidden).
void sort_legacy_layers(std::vector<LayerInfo>& layers);

/// A layer name as menus, flags and settings take it: 1 to 64 printable characters.
bool plausible_layer_name(std::string_view name);

/// Whether `name` is a layer of `points` (one of its frame layers, or the input); without points,
/// whether it is plausible as a name.
bool is_layer_name(std::string_view name, const PointSet* points = nullptr);

/// What a view can show of `points`, in depth order: the input (when it has images), then its frame
/// layers.
std::vector<std::string> layer_choices(const PointSet& points);

/// The layer one step deeper (`step` +1) or shallower (-1) than `name` among layer_choices(), or
/// `name` itself at either end (or when it is not a layer of `points`).
std::string neighbour_layer(const PointSet& points, std::string_view name, int step);

/// The deepest layer that is not the softmax output (what a setting naming a missing layer falls
/// back to); the input when there is none.
std::string deepest_hidden_layer(const PointSet& points);

/// The layer's info, or nullptr (the input has none in PointSet::layers; see input_layer_info).
const LayerInfo* find_layer(const PointSet& points, std::string_view name);
/// The input as a layer: width = the pixels (or samples) of one point, kind input.
LayerInfo input_layer_info(const PointSet& points);

/// The input layer's values: one row per point, its image bytes / 255 (image_size() columns).
Matrix input_values(const PointSet& points);

/// What a menu says of a layer, e.g. "conv2 (64 channel means)", "hidden (dense, 64 units)",
/// "logits (10)", "scores (logits, 10)", "output (softmax, 10)", "input (784 pixels)",
/// "input (3072 values, RGB)".
std::string layer_label(const PointSet& points, std::string_view name);

/// Throws epochscope::Error "the session has no layer 'x' (it has: input, conv1, ...)" unless
/// is_layer_name(name, &points).
void require_layer(const PointSet& points, std::string_view name);

}  // namespace epochscope::store
