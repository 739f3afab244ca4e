// The held-out confusion matrix of the frame shown, as a heat map; a click selects a cell's points.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "epochscope/ui/panels.hpp"

namespace epochscope::ui {

void draw_confusion_panel(UiContext& ctx, UiState& state) {
  const auto* points = ctx.points();
  if (ctx.frames.empty() || points == nullptr) return;
  const auto& frame = *ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))];
  const int k = points->class_count();
  const auto& conf = frame.metrics.confusion;
  if (k <= 0 || conf.size() != static_cast<std::size_t>(k * k)) return;
  ImGui::TextDisabled("rows: true class, columns: predicted (held-out)");
  const float avail = ImGui::GetContentRegionAvail().x;
  const float label = 16.0f;
  const float cell = std::floor(std::min((avail - label) / static_cast<float>(k), 24.0f));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin(p0.x + label, p0.y + label);
  ImGui::InvisibleButton("confusion", ImVec2(label + cell * static_cast<float>(k), label + cell * static_cast<float>(k)));
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hr = -1, hc = -1;
  if (hovered && mouse.x >= origin.x && mouse.y >= origin.y) {
    hr = static_cast<int>((mouse.y - origin.y) / cell);
    hc = static_cast<int>((mouse.x - origin.x) / cell);
    if (hr >= k || hc >= k) hr = hc = -1;
  }
  for (int c = 0; c < k; ++c) {
    const auto& name = points->class_names[static_cast<std::size_t>(c)];
    const std::string s = name.size() > 2 ? name.substr(0, 1) : name;
    const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
    dl->AddText(ImVec2(origin.x + cell * (static_cast<float>(c) + 0.5f) - ts.x / 2, p0.y), IM_COL32(170, 175, 185, 255), s.c_str());
    dl->AddText(ImVec2(p0.x + 2, origin.y + cell * (static_cast<float>(c) + 0.5f) - ts.y / 2), IM_COL32(170, 175, 185, 255), s.c_str());
  }
  for (int r = 0; r < k; ++r) {
    std::uint32_t row_sum = 0;
    for (int c = 0; c < k; ++c) row_sum += conf[static_cast<std::size_t>(r * k + c)];
    for (int c = 0; c < k; ++c) {
      const auto v = conf[static_cast<std::size_t>(r * k + c)];
      const float f = row_sum > 0 ? static_cast<float>(v) / static_cast<float>(row_sum) : 0.0f;
      // Diagonal in blue, errors in orange; sqrt so small error rates stay visible.
      const float g = std::sqrt(f);
      const ImU32 col = r == c ? IM_COL32(static_cast<int>(30 + 20 * g), static_cast<int>(40 + 110 * g), static_cast<int>(60 + 170 * g), 255)
                               : IM_COL32(static_cast<int>(30 + 220 * g), static_cast<int>(33 + 120 * g), static_cast<int>(40 + 10 * g), 255);
      const ImVec2 a(origin.x + cell * static_cast<float>(c), origin.y + cell * static_cast<float>(r));
      const ImVec2 b(a.x + cell - 1, a.y + cell - 1);
      dl->AddRectFilled(a, b, col, 2.0f);
      if (r == hr && c == hc) dl->AddRect(a, b, IM_COL32_WHITE, 2.0f, 0, 2.0f);
    }
  }
  const ImVec2 rect_max(origin.x + cell * static_cast<float>(k), origin.y + cell * static_cast<float>(k));
  ctx.hooks["confusion"] = {{origin.x, origin.y}, {rect_max.x, rect_max.y}};
  if (hr >= 0) {
    const auto v = conf[static_cast<std::size_t>(hr * k + hc)];
    ImGui::SetTooltip("true %s, predicted %s: %u held-out points\nclick to select them (shift adds)",
                      points->class_names[static_cast<std::size_t>(hr)].c_str(),
                      points->class_names[static_cast<std::size_t>(hc)].c_str(), v);
    if (ImGui::IsItemClicked(ImGuiMouseButton_Left)) {
      std::vector<int> cell_points;
      for (std::size_t i = 0; i < points->size(); ++i) {
        if (points->heldout[i] != 0 && points->labels[i] == hr && i < frame.predicted.size() && frame.predicted[i] == hc) {
          cell_points.push_back(static_cast<int>(i));
        }
      }
      state.select_points(cell_points, ImGui::GetIO().KeyShift);
    }
  }
}

}  // namespace epochscope::ui
