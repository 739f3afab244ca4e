// The Filter panel: conditions on the points (ui/point_filter.hpp), what matches selected or the rest
// greyed out in every view.
#include <fmt/format.h>

#include <algorithm>

#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/point_filter.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

// A class menu with "any" first; hooks "<hook>" (the menu) and "<hook>_<c>" (its items).
void class_combo(UiContext& ctx, const char* label, const char* hook, const store::PointSet& points, int& value) {
  ImGui::SetNextItemWidth(-ImGui::CalcTextSize("predicted").x - ImGui::GetStyle().ItemInnerSpacing.x);
  const std::string shown = value >= 0 && value < points.class_count() ? points.class_names[static_cast<std::size_t>(value)] : "any";
  if (ImGui::BeginCombo(label, shown.c_str())) {
    if (ImGui::Selectable("any", value < 0)) value = -1;
    for (int c = 0; c < points.class_count(); ++c) {
      if (ImGui::Selectable(points.class_names[static_cast<std::size_t>(c)].c_str(), value == c)) value = c;
      ctx.hooks[fmt::format("{}_{}", hook, c)] = last_item_rect();
    }
    ImGui::EndCombo();
  }
  ctx.hooks[hook] = last_item_rect();
}

}  // namespace

void draw_filter_panel(UiContext& ctx, UiState& state) {
  const auto* points = ctx.points();
  if (points == nullptr || ctx.frames.empty()) return;
  PointFilter& f = state.point_filter;
  class_combo(ctx, "true", "filter_true", *points, f.true_class);
  class_combo(ctx, "predicted", "filter_predicted", *points, f.predicted_class);
  const char* answers[] = {"right or wrong", "right", "wrong"};
  ImGui::SetNextItemWidth(-1);
  ImGui::Combo("##filter_correct", &f.correct, answers, 3);
  ImGui::SetNextItemWidth(-ImGui::CalcTextSize("confidence").x - ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::DragFloatRange2("confidence", &f.confidence_lo, &f.confidence_hi, 0.01f, 0.0f, 1.0f, "%.2f", "%.2f",
                         ImGuiSliderFlags_AlwaysClamp);
  const int last = ctx.frame_count() - 1;
  bool changed = f.changed_since >= 0;
  if (ImGui::Checkbox("changed since frame", &changed)) f.changed_since = changed ? std::max(0, state.frame - 1) : -1;
  if (changed) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderInt("##changed_since", &f.changed_since, 0, std::max(last, 0));
  }
  bool late = f.first_correct_at_least >= 0;
  if (ImGui::Checkbox("first right at epoch >=", &late)) f.first_correct_at_least = late ? 1 : -1;
  if (late) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderInt("##first_right", &f.first_correct_at_least, 0, std::max(ctx.frames.back()->epoch, 1));
  }
  ImGui::SetNextItemWidth(-ImGui::CalcTextSize("point #").x - ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::InputInt("point #", &f.point);
  f.point = std::clamp(f.point, -1, static_cast<int>(points->size()) - 1);
  // What matches, at the frame shown (cheap: one pass over the points).
  const auto mask = filter_mask(*points, ctx.frames, state.frame, f);
  const auto kept = kept_points(mask);
  ctx.filter_kept = f.active() ? static_cast<int>(kept.size()) : -1;
  ImGui::Text("%zu of %zu points match", kept.size(), points->size());
  ImGui::BeginDisabled(!f.active());
  if (ImGui::SmallButton("Select them")) state.select_points(kept, ImGui::GetIO().KeyShift);
  ctx.hooks["filter_select"] = last_item_rect();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Shift: add them to the selection");
  ImGui::SameLine();
  if (ImGui::SmallButton("clear")) f = {};
  ImGui::Checkbox("grey out the rest in every view", &state.filter_grey);
  ctx.hooks["filter_grey"] = last_item_rect();
  ImGui::EndDisabled();
}

}  // namespace epochscope::ui
