// A minimal line chart on ImDrawList (ImPlot is not packaged on Debian 12).
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "epochscope/render/atlas.hpp"
#include "epochscope/ui/chart_axes.hpp"
#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

int draw_chart(const UiContext& ctx, const char* id, const char* title, std::span<const ChartSeries> series, ImVec2 size,
               float y_min, float y_max, int marker, const char* y_format) {
  const Theme& th = *ctx.theme;
  ImGui::PushID(id);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("chart", size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p1(p0.x + size.x, p0.y + size.y);
  const float line_h = ImGui::GetTextLineHeight();
  // The title and the legend on a row of their own above the plot: never on the curves.
  float lx = p0.x + 2;
  float legend_w = 0;
  for (const auto& s : series) legend_w += line_h * 1.4f + ImGui::CalcTextSize(s.label).x;
  // The title first, and the legend after it when the row has room for both, else on a second row.
  float ly = p0.y;
  if (title != nullptr && *title != '\0') {
    dl->AddText(ImVec2(lx, p0.y), to_imu32(th.text), title);
    if (ImGui::CalcTextSize(title).x + line_h * 0.8f + legend_w <= size.x) {
      lx += ImGui::CalcTextSize(title).x + line_h * 0.8f;
    } else {
      ly += line_h;
    }
  }
  for (const auto& s : series) {
    dl->AddRectFilled(ImVec2(lx, ly + line_h * 0.3f), ImVec2(lx + line_h * 0.5f, ly + line_h * 0.8f), s.color, 2.0f);
    dl->AddText(ImVec2(lx + line_h * 0.7f, ly), to_imu32(th.text_dim), s.label);
    lx += line_h * 1.4f + ImGui::CalcTextSize(s.label).x;
  }
  // The y axis's labels on the left, the frame numbers below.
  const auto ticks = nice_ticks(y_min, y_max, 3);
  const double step = ticks.size() >= 2 ? ticks[1] - ticks[0] : 1.0;
  float label_w = 0;
  for (double t : ticks) label_w = std::max(label_w, ImGui::CalcTextSize(tick_label(t, step).c_str()).x);
  const float left = p0.x + label_w + 6, right = p1.x - 4, top = ly + line_h + 4, bottom = p1.y - line_h - 2;
  dl->AddRectFilled(ImVec2(left, top), ImVec2(right, bottom), to_imu32(th.view_bg), 3.0f);
  std::size_t count = 0;
  for (const auto& s : series) count = std::max(count, s.values.size());
  const auto x_of = [&](std::size_t i) {
    return count <= 1 ? left : left + (right - left) * static_cast<float>(i) / static_cast<float>(count - 1);
  };
  const auto y_of = [&](float v) {
    const float t = (v - y_min) / std::max(y_max - y_min, 1e-9f);
    return bottom - (bottom - top) * std::clamp(t, 0.0f, 1.0f);
  };
  for (double t : ticks) {
    const float y = y_of(static_cast<float>(t));
    dl->AddLine(ImVec2(left, y), ImVec2(right, y), to_imu32(th.grid));
    const std::string label = tick_label(t, step);
    dl->AddText(ImVec2(left - 4 - ImGui::CalcTextSize(label.c_str()).x, y - line_h / 2), to_imu32(th.text_dim), label.c_str());
  }
  if (count > 0) {
    const std::string first = "0", last = fmt::format("{}", count - 1);
    dl->AddText(ImVec2(left, bottom + 1), to_imu32(th.text_dim), first.c_str());
    dl->AddText(ImVec2(right - ImGui::CalcTextSize(last.c_str()).x, bottom + 1), to_imu32(th.text_dim), last.c_str());
    const char* axis = "frame";
    dl->AddText(ImVec2((left + right - ImGui::CalcTextSize(axis).x) / 2, bottom + 1), to_imu32(th.text_dim, 150), axis);
  }
  if (marker >= 0 && static_cast<std::size_t>(marker) < count) {
    const float x = x_of(static_cast<std::size_t>(marker));
    dl->AddLine(ImVec2(x, top), ImVec2(x, bottom), to_imu32(th.axis, 200), 1.0f);
  }
  // The first series last, on top (the training curve is not hidden under the held-out one).
  std::vector<ImVec2> pts;
  for (auto it = series.rbegin(); it != series.rend(); ++it) {
    const auto& s = *it;
    pts.clear();
    for (std::size_t i = 0; i < s.values.size(); ++i) {
      if (std::isfinite(s.values[i])) pts.emplace_back(x_of(i), y_of(s.values[i]));
    }
    if (pts.size() >= 2) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), s.color, 0, 2.0f);
    for (const auto& p : pts) {
      if (pts.size() <= 60) dl->AddCircleFilled(p, 2.2f, s.color, 8);
    }
  }
  int hovered_index = -1;
  if (hovered && count > 0) {
    const float mx = ImGui::GetIO().MousePos.x;
    const float t = (mx - left) / std::max(right - left, 1.0f);
    hovered_index = std::clamp(static_cast<int>(std::lround(t * static_cast<float>(count - 1))), 0, static_cast<int>(count) - 1);
    const float x = x_of(static_cast<std::size_t>(hovered_index));
    dl->AddLine(ImVec2(x, top), ImVec2(x, bottom), to_imu32(th.text_dim, 120), 1.0f);
    ImGui::BeginTooltip();
    ImGui::Text("frame %d", hovered_index);
    for (const auto& s : series) {
      if (static_cast<std::size_t>(hovered_index) < s.values.size()) {
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color), "%s", s.label);
        ImGui::SameLine();
        ImGui::Text(y_format, static_cast<double>(s.values[static_cast<std::size_t>(hovered_index)]));
      }
    }
    ImGui::TextDisabled("click: show this frame");
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
