#include "epochscope/ui/neurons_panel.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "epochscope/store/layers.hpp"
#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

constexpr int kTopPoints = 16;

// The panel's layer: the one chosen, else view 1's when it is a frame layer, else the deepest hidden.
std::string panel_layer(const store::PointSet& points, const UiState& state) {
  if (store::find_layer(points, state.neurons_layer) != nullptr) return state.neurons_layer;
  if (store::find_layer(points, state.views[0].layer) != nullptr) return state.views[0].layer;
  return store::deepest_hidden_layer(points);
}

}  // namespace

void NeuronsPanel::draw(UiContext& ctx, UiState& state) {
  const auto* points = ctx.points();
  if (points == nullptr || ctx.frames.empty() || points->layers.empty()) {
    ImGui::TextDisabled("The units' responses appear after the first frame.");
    return;
  }
  const std::string layer = panel_layer(*points, state);
  ImGui::SetNextItemWidth(-1);
  if (ImGui::BeginCombo("##neurons_layer", store::layer_label(*points, layer).c_str())) {
    for (const auto& l : points->layers) {
      if (ImGui::Selectable(store::layer_label(*points, l.name).c_str(), l.name == layer)) state.neurons_layer = l.name;
    }
    ImGui::EndCombo();
  }
  ctx.hooks["neurons_layer"] = last_item_rect();
  int order = state.neurons_by_selectivity ? 1 : 0;
  ImGui::RadioButton("by class", &order, 0);
  ImGui::SameLine();
  ImGui::RadioButton("by selectivity", &order, 1);
  state.neurons_by_selectivity = order == 1;
  draw_matrix(ctx, state, *points, layer);
}

void NeuronsPanel::draw_matrix(UiContext& ctx, UiState& state, const store::PointSet& points, const std::string& layer) {
  const auto& frame = *ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))];
  const Matrix* values = frame.layer(layer);
  if (values == nullptr || values->rows() != static_cast<Eigen::Index>(points.size())) {
    ImGui::TextDisabled("This frame's %s is not in memory yet.", layer.c_str());
    return;
  }
  if (frame_ != values || layer_ != layer || by_selectivity_ != state.neurons_by_selectivity) {
    table_ = store::neuron_table(*values, points.labels, points.class_count());
    order_ = store::neuron_order(table_, state.neurons_by_selectivity ? store::NeuronOrder::by_selectivity
                                                                     : store::NeuronOrder::by_class);
    frame_ = values;
    layer_ = layer;
    by_selectivity_ = state.neurons_by_selectivity;
  }
  // One column a unit, at least 3 px; more units than fit: the first in the order (say so).
  const float avail = ImGui::GetContentRegionAvail().x;
  const int units = static_cast<int>(order_.size());
  const int shown = std::min(units, std::max(1, static_cast<int>(avail / 3.0f)));
  const float cw = avail / static_cast<float>(shown);
  const int classes = points.class_count();
  const float ch = std::clamp(110.0f * em() / static_cast<float>(classes), 2.0f, 11.0f * em());
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##neurons_matrix", ImVec2(avail, ch * static_cast<float>(classes)));
  const Rect area = last_item_rect();
  ctx.hooks["neurons_matrix"] = area;
  ctx.neurons_columns.assign(order_.begin(), order_.begin() + shown);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int j = 0; j < shown; ++j) {
    const int u = order_[static_cast<std::size_t>(j)];
    const auto col = table_.class_means.col(u);
    const float lo = col.minCoeff(), hi = col.maxCoeff();
    for (int c = 0; c < classes; ++c) {
      const float t = hi > lo ? (col(c) - lo) / (hi - lo) : 0.0f;
      const ImVec2 a(p0.x + static_cast<float>(j) * cw, p0.y + static_cast<float>(c) * ch);
      dl->AddRectFilled(a, ImVec2(a.x + cw + 0.5f, a.y + ch + 0.5f), to_imu32(sequential_color(t), 255));
    }
    if (state.unit == u && state.unit_layer == layer) {  // the unit colouring the views
      dl->AddRect(ImVec2(p0.x + static_cast<float>(j) * cw - 1, p0.y - 1),
                  ImVec2(p0.x + static_cast<float>(j + 1) * cw + 1, p0.y + ch * static_cast<float>(classes) + 1),
                  to_imu32(ctx.theme->text), 0, 0, 2.0f);
    }
  }
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetMousePos();
    const int j = std::clamp(static_cast<int>((m.x - p0.x) / cw), 0, shown - 1);
    const int c = std::clamp(static_cast<int>((m.y - p0.y) / ch), 0, classes - 1);
    const int u = order_[static_cast<std::size_t>(j)];
    const auto& names = points.class_names;
    ImGui::BeginTooltip();
    ImGui::Text("%s unit %d, class %s", layer.c_str(), u, names[static_cast<std::size_t>(c)].c_str());
    ImGui::Text("mean activation %.3g", static_cast<double>(table_.class_means(c, u)));
    ImGui::Text("selectivity %.2f, prefers %s", table_.selectivity[static_cast<std::size_t>(u)],
                names[static_cast<std::size_t>(table_.preferred[static_cast<std::size_t>(u)])].c_str());
    ImGui::TextDisabled("click: colour the views by this unit");
    ImGui::EndTooltip();
    if (ImGui::IsItemClicked()) {
      if (state.unit == u && state.unit_layer == layer) {
        state.clear_unit();
      } else {
        state.unit = u;
        state.unit_layer = layer;
      }
    }
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("rows: classes; columns: %s%s; each column scaled to its unit's range",
                      shown < units ? fmt::format("{} of {} units", shown, units).c_str() : fmt::format("{} units", units).c_str(),
                      state.neurons_by_selectivity ? ", most selective first" : " by preferred class");
  ImGui::PopTextWrapPos();
  if (state.unit >= 0 && state.unit_layer == layer && state.unit < values->cols()) draw_unit(ctx, state, points, *values);
}

void NeuronsPanel::draw_unit(UiContext& ctx, UiState& state, const store::PointSet& points, const Matrix& values) {
  const auto [lo, hi] = store::activation_range(values, state.unit);
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0);
  ImGui::Text("Views coloured by %s unit %d", state.unit_layer.c_str(), state.unit);
  ImGui::PopTextWrapPos();
  if (ImGui::SmallButton("class colours")) {
    state.clear_unit();
    return;
  }
  ctx.hooks["neurons_clear"] = last_item_rect();
  // The scale: its colours left to right, the range below.
  const float w = ImGui::GetContentRegionAvail().x, h = 8 * em();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  constexpr int kSteps = 32;
  for (int s = 0; s < kSteps; ++s) {
    const float a = static_cast<float>(s) / kSteps, b = static_cast<float>(s + 1) / kSteps;
    dl->AddRectFilled(ImVec2(p.x + a * w, p.y), ImVec2(p.x + b * w + 0.5f, p.y + h), to_imu32(sequential_color(0.5f * (a + b)), 255));
  }
  ImGui::Dummy(ImVec2(w, h));
  const std::string low = fmt::format("{:.3g}", lo), high = fmt::format("{:.3g}", hi);  // 2nd and 98th percentiles
  ImGui::TextUnformatted(low.c_str());
  ImGui::SameLine(std::max(0.0f, w - ImGui::CalcTextSize(high.c_str()).x));
  ImGui::TextUnformatted(high.c_str());
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("(its 2nd to 98th percentile; beyond them the end colours)");
  ImGui::TextDisabled("Its %d top-activating points now:", kTopPoints);
  ImGui::PopTextWrapPos();
  const auto top = store::top_activating(values, state.unit, kTopPoints);
  const float size = std::floor(std::min(40.0f * em(), (w - 3 * ImGui::GetStyle().ItemSpacing.x) / 4));
  for (std::size_t k = 0; k < top.size(); ++k) {
    if (k % 4 != 0) ImGui::SameLine();
    const int i = top[k];
    ImGui::PushID(static_cast<int>(k));
    const ImVec2 at = ImGui::GetCursorScreenPos();
    if (points.has_images()) {
      draw_point_image(ctx, i, size);
    } else {
      ImGui::Dummy(ImVec2(size, size));
      dl->AddText(ImVec2(at.x + 2, at.y + 2), to_imu32(ctx.theme->text), fmt::format("#{}", i).c_str());
    }
    dl->AddRect(at, ImVec2(at.x + size, at.y + size), to_imu32(ctx.theme->class_color(points.labels[static_cast<std::size_t>(i)])), 0, 0, 2.0f);
    ctx.hooks[fmt::format("neurons_top_{}", k)] = {{at.x, at.y}, {at.x + size, at.y + size}};
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("point #%d (%s): %.3g%s%s", i, points.class_names[points.labels[static_cast<std::size_t>(i)]].c_str(),
                        static_cast<double>(values(i, state.unit)), points.has_texts() ? "\n" : "",
                        points.has_texts() ? shortened_text(points.texts[static_cast<std::size_t>(i)], 120).c_str() : "");
    }
    if (ImGui::IsItemClicked()) state.click_point(i, ImGui::GetIO().KeyShift);
    ImGui::PopID();
  }
}

}  // namespace epochscope::ui
