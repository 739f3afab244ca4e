// A minimal line chart on ImDrawList (ImPlot is not packaged on Debian 12).
#include <fmt/core.h>

#include <algorithm>
#include <vector>
#include <cmath>

#include "epochscope/render/atlas.hpp"
#include "epochscope/ui/panels.hpp"

namespace epochscope::ui {

int draw_chart(const char* id, std::span<const ChartSeries> series, ImVec2 size, float y_min, float y_max, int marker,
               const char* y_format) {
  ImGui::PushID(id);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("chart", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  dl->AddRectFilled(p0, p1, IM_COL32(22, 24, 29, 255), 4.0f);
  const float left = p0.x + 6, right = p1.x - 6, top = p0.y + 6, bottom = p1.y - 6;
  std::size_t count = 0;
  for (const auto& s : series) count = std::max(count, s.values.size());
  const auto x_of = [&](std::size_t i) {
    return count <= 1 ? left : left + (right - left) * static_cast<float>(i) / static_cast<float>(count - 1);
  };
  const auto y_of = [&](float v) {
    const float t = (v - y_min) / std::max(y_max - y_min, 1e-9f);
    return bottom - (bottom - top) * std::clamp(t, 0.0f, 1.0f);
  };
  for (int g = 1; g < 4; ++g) {
    const float y = top + (bottom - top) * static_cast<float>(g) / 4.0f;
    dl->AddLine(ImVec2(left, y), ImVec2(right, y), IM_COL32(255, 255, 255, 14));
  }
  if (marker >= 0 && static_cast<std::size_t>(marker) < count) {
    dl->AddLine(ImVec2(x_of(static_cast<std::size_t>(marker)), top), ImVec2(x_of(static_cast<std::size_t>(marker)), bottom),
                IM_COL32(255, 255, 255, 90), 1.0f);
  }
  std::vector<ImVec2> pts;
  for (const auto& s : series) {
    pts.clear();
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      if (std::isfinite(s.values[i])) pts.emplace_back(x_of(i), y_of(s.values[i]));
    }
    if (pts.size() >= 2) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), s.color, 0, 2.0f);
    if (pts.size() == 1) dl->AddCircleFilled(pts[0], 2.5f, s.color);
  }
  // Legend in the top-left corner, the last values on the right.
  float lx = left + 4;
  for (const auto& s : series) {
    dl->AddRectFilled(ImVec2(lx, top + 5), ImVec2(lx + 8, top + 13), s.color, 2.0f);
    dl->AddText(ImVec2(lx + 11, top + 1), IM_COL32(200, 204, 212, 255), s.label);
    lx += 16 + ImGui::CalcTextSize(s.label).x;
  }
  int hovered_index = -1;
  if (hovered && count > 0) {
    const float mx = ImGui::GetIO().MousePos.x;
    const float t = (mx - left) / std::max(right - left, 1.0f);
    hovered_index = std::clamp(static_cast<int>(std::lround(t * static_cast<float>(count - 1))), 0, static_cast<int>(count) - 1);
    ImGui::BeginTooltip();
    ImGui::Text("frame %d", hovered_index);
    for (const auto& s : series) {
      if (static_cast<std::size_t>(hovered_index) < s.values.size()) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color), "%s", s.label);
        ImGui::SameLine();
        ImGui::Text(y_format, static_cast<double>(s.values[static_cast<std::size_t>(hovered_index)]));
      }
    }
    ImGui::EndTooltip();
  }
  ImGui::PopID();
  return hovered_index;
}

void draw_point_image(const UiContext& ctx, int point, float size) {
  const auto* points = ctx.points();
  if (points != nullptr && points->signal && point >= 0 && static_cast<std::size_t>(point) < points->size()) {
    // A 1-D signal: its line plot, drawn as vectors (one scale for every signal, zero line faint).
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(size, size));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p0, ImVec2(p0.x + size, p0.y + size), IM_COL32(0, 0, 0, 255));
    dl->AddRect(p0, ImVec2(p0.x + size, p0.y + size), IM_COL32(89, 94, 107, 255));
    const float pad = 4, w = size - 2 * pad, h = size - 2 * pad;
    const float zero = -points->value_offset / points->value_scale;
    if (zero >= 0 && zero <= 255) {
      const float y = p0.y + pad + (1 - zero / 255.0f) * h;
      dl->AddLine(ImVec2(p0.x + pad, y), ImVec2(p0.x + size - pad, y), IM_COL32(90, 95, 110, 255), 1.0f);
    }
    const auto len = static_cast<std::size_t>(points->width);
    const std::uint8_t* s = points->images.data() + static_cast<std::size_t>(point) * len;
    std::vector<ImVec2> line(len);
    for (std::size_t j = 0; j < len; ++j) {
      line[j] = ImVec2(p0.x + pad + w * static_cast<float>(j) / static_cast<float>(std::max<std::size_t>(len - 1, 1)),
                       p0.y + pad + (1 - static_cast<float>(s[j]) / 255.0f) * h);
    }
    dl->AddPolyline(line.data(), static_cast<int>(line.size()), IM_COL32(255, 255, 255, 255), 0, 1.8f);
    return;
  }
  if (ctx.atlas == nullptr || point < 0) return;
  const auto uv = ctx.atlas->uv(static_cast<std::size_t>(point));
  ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(ctx.atlas->texture())), ImVec2(size, size),
               ImVec2(uv[0], uv[1]), ImVec2(uv[2], uv[3]), ImVec4(1, 1, 1, 1), ImVec4(0.35f, 0.37f, 0.42f, 1.0f));
}

}  // namespace epochscope::ui
