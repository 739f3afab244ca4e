#include "epochscope/ui/neighbours_panel.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "epochscope/knn/neighbors.hpp"
#include "epochscope/store/layers.hpp"
#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

constexpr int kNeighbours = 10;

}  // namespace

void NeighboursPanel::draw(UiContext& ctx, UiState& state) {
  const auto* points = ctx.points();
  state.layer_neighbours.clear();
  if (points == nullptr || ctx.frames.empty()) return;
  // The layer: the panel's choice, else view 1's.
  const auto choices = store::layer_choices(*points);
  std::string layer = state.neighbours_layer;
  if (std::find(choices.begin(), choices.end(), layer) == choices.end()) layer = state.views[0].layer;
  if (std::find(choices.begin(), choices.end(), layer) == choices.end()) layer = store::deepest_hidden_layer(*points);
  ImGui::SetNextItemWidth(-1);
  if (ImGui::BeginCombo("##neighbours_layer", store::layer_label(*points, layer).c_str())) {
    for (const auto& c : choices) {
      if (ImGui::Selectable(store::layer_label(*points, c).c_str(), c == layer)) state.neighbours_layer = c;
    }
    ImGui::EndCombo();
  }
  const int hovered = state.next_hovered >= 0 ? state.next_hovered : state.hovered;
  const int point = hovered >= 0 ? hovered
                  : state.selection.empty() ? -1
                  : state.selection[static_cast<std::size_t>(std::clamp(state.inspected, 0, static_cast<int>(state.selection.size()) - 1))];
  if (point < 0 || static_cast<std::size_t>(point) >= points->size()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Hover or select a point: its 10 nearest neighbours in the layer itself, ringed in every "
                        "view, show whether a picture keeps them together.");
    ImGui::PopTextWrapPos();
    return;
  }
  const int f = std::clamp(state.frame, 0, ctx.frame_count() - 1);
  const auto& frame = *ctx.frames[static_cast<std::size_t>(f)];
  const bool input = layer == store::kInputLayer;
  const Matrix* values = input ? nullptr : frame.layer(layer);
  if (!input && values == nullptr) {
    ImGui::TextDisabled("This frame's %s is not in memory yet.", layer.c_str());
    return;
  }
  const void* key = input ? static_cast<const void*>(points) : static_cast<const void*>(values);
  if (point != point_ || key != frame_ || layer != layer_) {
    Matrix pixels;
    if (input) pixels = store::input_values(*points);
    const Matrix& data = input ? pixels : *values;
    now_ = knn::neighbors_of(data, static_cast<std::size_t>(point), kNeighbours);
    // New since the previous frame: not among its 10 nearest there (the input never changes).
    is_new_.assign(now_.size(), 0);
    previous_frame_ = -1;
    const Matrix* before = f > 0 && !input ? ctx.frames[static_cast<std::size_t>(f - 1)]->layer(layer) : nullptr;
    if (before != nullptr && before->rows() == data.rows()) {
      const auto then = knn::neighbors_of(*before, static_cast<std::size_t>(point), kNeighbours);
      for (std::size_t j = 0; j < now_.size(); ++j) {
        is_new_[j] = std::none_of(then.begin(), then.end(), [&](const auto& t) { return t.first == now_[j].first; }) ? 1 : 0;
      }
      previous_frame_ = f - 1;
    }
    point_ = point;
    frame_ = key;
    layer_ = layer;
  }
  const int fresh = static_cast<int>(std::count(is_new_.begin(), is_new_.end(), 1));
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(fmt::format("Nearest to #{} in {} at frame {}{}", point, layer, f,
                                     previous_frame_ >= 0 ? fmt::format(" ({} new since frame {})", fresh, previous_frame_)
                                                          : std::string()).c_str());
  ImGui::PopTextWrapPos();
  const float thumb = 22.0f * em();
  const bool images = ctx.atlas != nullptr;
  if (ImGui::BeginTable("neighbours", images ? 4 : 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    for (std::size_t j = 0; j < now_.size(); ++j) {
      const auto [i, d] = now_[j];
      ImGui::TableNextRow(0, images ? thumb : 0.0f);
      ImGui::TableNextColumn();
      if (images) {
        draw_point_image(ctx, i, thumb);
        ImGui::TableNextColumn();
      }
      const int label = points->labels[static_cast<std::size_t>(i)];
      ImGui::TextColored(to_imvec4(ctx.theme->class_color(label)), "#%d %s", i, points->class_names[static_cast<std::size_t>(label)].c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.3g", static_cast<double>(d));
      ImGui::TableNextColumn();
      if (is_new_[j] != 0) ImGui::TextColored(to_imvec4(sequential_color(1.0f)), "new");
      state.layer_neighbours.push_back(i);
    }
    ImGui::EndTable();
  }
  ctx.neighbour_list.assign(state.layer_neighbours.begin(), state.layer_neighbours.end());
  ctx.neighbour_of = point;
}

}  // namespace epochscope::ui
