// Class legend (hover: that class in colour, the rest grey; click: pin), split filter, toggles.
#include <fmt/core.h>

#include <vector>

#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

void draw_legend_panel(UiContext& ctx, UiState& state) {
  const auto* points = ctx.points();
  if (points == nullptr) return;
  const int k = points->class_count();
  std::vector<int> counts(static_cast<std::size_t>(k), 0), wrong(static_cast<std::size_t>(k), 0);
  const store::Frame* frame = ctx.frames.empty() ? nullptr
      : ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))].get();
  for (std::size_t i = 0; i < points->size(); ++i) {
    if (!state.passes_filter(points->heldout[i] != 0)) continue;
    const int c = points->labels[i];
    if (c >= k) continue;
    ++counts[static_cast<std::size_t>(c)];
    if (frame != nullptr && i < frame->predicted.size() && frame->predicted[i] != c) ++wrong[static_cast<std::size_t>(c)];
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float row_h = ImGui::GetTextLineHeight() + 6;
  for (int c = 0; c < k; ++c) {
    ImGui::PushID(c);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    if (ImGui::InvisibleButton("class", ImVec2(w, row_h))) state.toggle_pin(c);
    const bool hovered = ImGui::IsItemHovered();
    if (hovered) state.hovered_class = c;
    ctx.hooks[fmt::format("legend_{}", c)] = {{p.x, p.y}, {p.x + w, p.y + row_h}};
    const bool pinned = state.pinned_class == c;
    if (hovered || pinned) dl->AddRectFilled(p, ImVec2(p.x + w, p.y + row_h), IM_COL32(255, 255, 255, pinned ? 34 : 18), 4.0f);
    dl->AddCircleFilled(ImVec2(p.x + 11, p.y + row_h / 2), 6.0f, to_imu32(class_color(c)), 16);
    dl->AddText(ImVec2(p.x + 24, p.y + 3), IM_COL32(230, 232, 236, 255), points->class_names[static_cast<std::size_t>(c)].c_str());
    const std::string right = frame != nullptr ? fmt::format("{}  ({} wrong)", counts[static_cast<std::size_t>(c)], wrong[static_cast<std::size_t>(c)])
                                               : fmt::format("{}", counts[static_cast<std::size_t>(c)]);
    const ImVec2 ts = ImGui::CalcTextSize(right.c_str());
    dl->AddText(ImVec2(p.x + w - ts.x - 4, p.y + 3), IM_COL32(150, 155, 165, 255), right.c_str());
    ImGui::PopID();
  }
  ImGui::TextDisabled(state.pinned_class >= 0 ? "Click the class again to unpin" : "Hover a class to highlight, click to pin");

  ImGui::Separator();
  // Marker key: training points are discs, held-out points rings.
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetTextLineHeight();
  dl->AddCircleFilled(ImVec2(p.x + 8, p.y + h / 2), 5.0f, IM_COL32(200, 204, 214, 255), 16);
  dl->AddCircle(ImVec2(p.x + 108, p.y + h / 2), 4.5f, IM_COL32(200, 204, 214, 255), 16, 1.8f);
  ImGui::SetCursorScreenPos(ImVec2(p.x + 18, p.y));
  ImGui::TextUnformatted("training");
  ImGui::SetCursorScreenPos(ImVec2(p.x + 118, p.y));
  ImGui::TextUnformatted("held-out");
  int filter = static_cast<int>(state.filter);
  ImGui::RadioButton("all", &filter, 0);
  ImGui::SameLine();
  ImGui::RadioButton("held-out", &filter, 1);
  ImGui::SameLine();
  ImGui::RadioButton("training", &filter, 2);
  state.filter = static_cast<SplitFilter>(filter);
  ImGui::Checkbox("Misclassified at this frame", &state.show_misclassified);
  ctx.hooks["misclassified"] = {{ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y},
                                {ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}};
  ImGui::Checkbox("Digit images", &state.images);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Draw every point as its image (also when zoomed in far)");
  ImGui::SetNextItemWidth(-80);
  ImGui::SliderFloat("point size", &state.point_size, 1.5f, 12.0f, "%.1f px");
  ImGui::TextUnformatted("views");
  ImGui::SameLine();
  ImGui::RadioButton("1", &state.view_count, 1);
  ImGui::SameLine();
  ImGui::RadioButton("2", &state.view_count, 2);
  ImGui::SameLine();
  ImGui::RadioButton("4", &state.view_count, 4);
  if (ImGui::Button("Screenshot (F12)")) ctx.screenshot_requested = true;
  ctx.hooks["screenshot"] = {{ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y},
                             {ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}};
  if (!ctx.last_screenshot.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Saved %s", ctx.last_screenshot.c_str());
    ImGui::PopTextWrapPos();
  }
}

}  // namespace epochscope::ui
