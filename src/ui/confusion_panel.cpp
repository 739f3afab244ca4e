// The held-out confusion matrix of the frame shown, as a heat map; a click selects a cell's points.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "epochscope/ui/chart_axes.hpp"
#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

void draw_confusion_panel(UiContext& ctx, UiState& state) {
  const auto* points = ctx.points();
  if (ctx.frames.empty() || points == nullptr) return;
  const auto& frame = *ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))];
  const int k = points->class_count();
  const auto& conf = frame.metrics.confusion;
  if (k <= 0 || conf.size() != static_cast<std::size_t>(k * k)) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled(frame.metrics.known() ? "This frame records no confusion matrix."
                                              : "No predictions in this session: nothing to confuse.");
    ImGui::PopTextWrapPos();
    return;
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled("rows: true class, columns: predicted (held-out points)");
  ImGui::PopTextWrapPos();
  const Theme& th = *ctx.theme;
  // Readable short names (the shortest prefixes that tell the classes apart); full names on hover.
  // Where a column is too narrow for its name, the columns are numbered and the rows say which
  // number is which class ("3 D").
  const auto short_ = short_names(points->class_names);
  const float avail = ImGui::GetContentRegionAvail().x;
  const auto layout = [&](const std::vector<std::string>& rows) {
    float w = 0;
    for (const auto& n : rows) w = std::max(w, ImGui::CalcTextSize(n.c_str()).x);
    w += 6 * em();
    return std::pair{w, std::floor(std::min((avail - w) / static_cast<float>(k), 24.0f * em()))};
  };
  auto [label, cell] = layout(short_);
  std::vector<std::string> columns = short_, names = short_;
  bool numbered = false;
  for (const auto& n : short_) numbered = numbered || ImGui::CalcTextSize(n.c_str()).x > cell - 2;
  if (numbered) {
    for (int c = 0; c < k; ++c) {
      columns[static_cast<std::size_t>(c)] = std::to_string(c);
      if (short_[static_cast<std::size_t>(c)] != columns[static_cast<std::size_t>(c)]) {
        names[static_cast<std::size_t>(c)] = fmt::format("{} {}", c, short_[static_cast<std::size_t>(c)]);
      }
    }
    std::tie(label, cell) = layout(names);
  }
  // Too many classes for a line of text per row (a hundred, say): the matrix alone, as large as the
  // panel allows; hovering a cell names its classes.
  const bool compact = cell < ImGui::GetTextLineHeight();
  if (compact) {
    label = 0;
    cell = std::max(1.0f, std::floor(avail / static_cast<float>(k)));
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("%d classes: hover a cell for its names", k);
    ImGui::PopTextWrapPos();
  }
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float header = compact ? 0.0f : ImGui::GetTextLineHeight() + 2;
  const ImVec2 origin(p0.x + label, p0.y + header);
  ImGui::InvisibleButton("confusion", ImVec2(label + cell * static_cast<float>(k), header + cell * static_cast<float>(k)));
  const bool hovered = ImGui::IsItemHovered();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  int hr = -1, hc = -1;
  if (hovered && mouse.x >= origin.x && mouse.y >= origin.y) {
    hr = static_cast<int>((mouse.y - origin.y) / cell);
    hc = static_cast<int>((mouse.x - origin.x) / cell);
    if (hr >= k || hc >= k) hr = hc = -1;
  }
  for (int c = 0; c < k && !compact; ++c) {
    const std::string& col_name = columns[static_cast<std::size_t>(c)];
    const std::string& row_name = names[static_cast<std::size_t>(c)];
    const ImVec2 ts = ImGui::CalcTextSize(col_name.c_str());
    const ImU32 text = to_imu32(c == hc ? th.text : th.text_dim), row_text = to_imu32(c == hr ? th.text : th.text_dim);
    dl->PushClipRect(ImVec2(origin.x + cell * static_cast<float>(c), p0.y), ImVec2(origin.x + cell * static_cast<float>(c + 1), origin.y), true);
    dl->AddText(ImVec2(origin.x + cell * (static_cast<float>(c) + 0.5f) - ts.x / 2, p0.y), text, col_name.c_str());
    dl->PopClipRect();
    dl->AddText(ImVec2(p0.x + 2, origin.y + cell * (static_cast<float>(c) + 0.5f) - ts.y / 2), row_text, row_name.c_str());
  }
  for (int r = 0; r < k; ++r) {
    std::uint32_t row_sum = 0;
    for (int c = 0; c < k; ++c) row_sum += conf[static_cast<std::size_t>(r * k + c)];
    for (int c = 0; c < k; ++c) {
      const auto v = conf[static_cast<std::size_t>(r * k + c)];
      const float f = row_sum > 0 ? static_cast<float>(v) / static_cast<float>(row_sum) : 0.0f;
      // Diagonal in blue, errors in orange; sqrt so small error rates stay visible.
      const float g = std::sqrt(f);
      const Rgba8 base = th.frame_bg, target = r == c ? Rgba8{50, 150, 230, 255} : Rgba8{250, 140, 30, 255};
      const auto mix = [g](std::uint8_t x, std::uint8_t y) { return static_cast<int>(x + (y - x) * g); };
      const ImU32 col = IM_COL32(mix(base.r, target.r), mix(base.g, target.g), mix(base.b, target.b), 255);
      const ImVec2 a(origin.x + cell * static_cast<float>(c), origin.y + cell * static_cast<float>(r));
      const ImVec2 b(a.x + std::max(1.0f, cell - 1), a.y + std::max(1.0f, cell - 1));
      dl->AddRectFilled(a, b, col, compact ? 0.0f : 2.0f);
      if (r == hr && c == hc) dl->AddRect(a, b, to_imu32(th.ring), 2.0f, 0, 2.0f);
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
