// The selected point: image, ten class probabilities as a star (radar) chart with the true class
// marked, and its probability of the true class over the epochs.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "epochscope/ui/chart_axes.hpp"
#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

void draw_radar(const UiContext& ctx, const store::PointSet& points, const Matrix& out, std::size_t i, float size) {
  const int k = points.class_count();
  if (k < 3 || out.cols() != k || size < 40) return;
  const Theme& th = *ctx.theme;
  const auto names = short_names(points.class_names);
  float label_w = 0;
  for (const auto& n : names) label_w = std::max(label_w, ImGui::CalcTextSize(n.c_str()).x);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(size, size));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 c(p0.x + size / 2, p0.y + size / 2);
  // The labels fit inside the square: the chart's radius leaves room for the widest one.
  const float gap = 6.0f * em();
  const float r = std::max(10.0f, size / 2 - label_w - gap - 4);
  const auto at = [&](int j, float v) {
    const float a = 2.0f * 3.14159265f * static_cast<float>(j) / static_cast<float>(k) - 3.14159265f / 2;
    return ImVec2(c.x + std::cos(a) * r * v, c.y + std::sin(a) * r * v);
  };
  for (float ring : {0.25f, 0.5f, 0.75f, 1.0f}) {
    std::vector<ImVec2> poly;
    for (int j = 0; j < k; ++j) poly.push_back(at(j, ring));
    dl->AddPolyline(poly.data(), k, to_imu32(th.grid, ring == 1.0f ? 90 : 40), ImDrawFlags_Closed, 1.0f);
  }
  const int label = points.labels[i];
  std::vector<ImVec2> poly;
  for (int j = 0; j < k; ++j) {
    dl->AddLine(c, at(j, 1.0f), to_imu32(th.grid, 40));
    poly.push_back(at(j, std::clamp(out(static_cast<Eigen::Index>(i), j), 0.0f, 1.0f)));
  }
  const Rgba8 lc = th.class_color(label);
  dl->AddConvexPolyFilled(poly.data(), k, to_imu32(lc, 70));
  dl->AddPolyline(poly.data(), k, to_imu32(lc, 255), ImDrawFlags_Closed, 2.0f);
  for (int j = 0; j < k; ++j) {
    const std::string& s = names[static_cast<std::size_t>(j)];
    const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
    const float a = 2.0f * 3.14159265f * static_cast<float>(j) / static_cast<float>(k) - 3.14159265f / 2;
    const float ux = std::cos(a), uy = std::sin(a);
    // Centred beyond the rim, pushed out by half its extent along the spoke.
    const float push = r + gap + std::abs(ux) * ts.x / 2 + std::abs(uy) * ts.y / 2;
    const ImVec2 lp(c.x + ux * push, c.y + uy * push);
    if (j == label) dl->AddCircle(lp, std::max(ts.x, ts.y) * 0.5f + 4, to_imu32(th.ring), 16, 2.0f);
    dl->AddText(ImVec2(lp.x - ts.x / 2, lp.y - ts.y / 2), to_imu32(j == label ? th.text : th.text_dim), s.c_str());
  }
  if (ImGui::IsMouseHoveringRect(p0, ImVec2(p0.x + size, p0.y + size))) {
    ImGui::BeginTooltip();
    for (int j = 0; j < k; ++j) {
      ImGui::Text("%s%s: %.3f", points.class_names[static_cast<std::size_t>(j)].c_str(), j == label ? " (true)" : "",
                  static_cast<double>(out(static_cast<Eigen::Index>(i), j)));
    }
    ImGui::EndTooltip();
  }
}

}  // namespace

void draw_inspector_panel(UiContext& ctx, UiState& state) {
  const auto* points = ctx.points();
  if (points == nullptr || ctx.frames.empty()) return;
  if (state.selection.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Click a point to follow it: its trace in every view, its class probabilities here.");
    ImGui::PopTextWrapPos();
    return;
  }
  // Several selected (a confusion-matrix cell, shift-clicks): step through them.
  const int count = static_cast<int>(state.selection.size());
  state.inspected = std::clamp(state.inspected, 0, count - 1);
  if (count > 1) {
    if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) state.inspected = (state.inspected + count - 1) % count;
    ctx.hooks["inspect_prev"] = last_item_rect();
    ImGui::SameLine();
    if (ImGui::ArrowButton("##next", ImGuiDir_Right)) state.inspected = (state.inspected + 1) % count;
    ctx.hooks["inspect_next"] = last_item_rect();
    ImGui::SameLine();
    ImGui::Text("%d of %d selected", state.inspected + 1, count);
    if (count > 16 && ImGui::IsItemHovered()) ImGui::SetTooltip("More than 16 selected: the views trace only this one");
  } else {
    ImGui::TextDisabled("1 selected (Esc clears)");
  }
  const int point = state.selection[static_cast<std::size_t>(state.inspected)];
  if (point < 0 || static_cast<std::size_t>(point) >= points->size()) return;
  const auto i = static_cast<std::size_t>(point);
  const auto& frame = *ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))];
  const Matrix* out = frame.layer("output");
  const Theme& th = *ctx.theme;
  if (points->has_images()) {
    draw_point_image(ctx, point, 56 * em());
    ImGui::SameLine();
  }
  ImGui::BeginGroup();
  const int label = points->labels[i];
  ImGui::Text("#%d  %s", point, points->heldout[i] != 0 ? "held-out" : "training");
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(to_imvec4(th.class_color(label)), "true: %s", points->class_names[static_cast<std::size_t>(label)].c_str());
  if (i < frame.predicted.size() && frame.metrics.known()) {
    const int p = frame.predicted[i];
    ImGui::TextColored(to_imvec4(th.class_color(p)), "predicted: %s", points->class_names[static_cast<std::size_t>(p)].c_str());
  }
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  if (points->has_texts() && i < points->texts.size()) {  // the point's text: three lines or so, whole on hover
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(shortened_text(points->texts[i], 160).c_str());
    ImGui::PopTextWrapPos();
    if (points->texts[i].size() > 160 && ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(30.0f * ImGui::GetFontSize());
      ImGui::TextUnformatted(points->texts[i].c_str());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }
  // The chart of p(true class) must fit below without scrolling, and the headers after this panel
  // (neighbours, filter, selection, options) stay in sight: the star chart takes what is left of that.
  const float chart_h = 104 * em();
  const float text_h = ImGui::GetTextLineHeightWithSpacing();
  // On a small screen the charts come first: the headers below may then need a scroll.
  const float after = 4 * ImGui::GetFrameHeightWithSpacing();
  const float room = ImGui::GetContentRegionAvail().y - chart_h - 2 * text_h;
  const float avail_h = room - after >= 90.0f * em() ? room - after : room;
  if (out != nullptr && static_cast<std::size_t>(out->rows()) > i) {
    const float size = std::min({ImGui::GetContentRegionAvail().x, 230.0f * em(), avail_h});
    draw_radar(ctx, *points, *out, i, size);
    ctx.hooks["inspector_radar"] = last_item_rect();
  }
  std::vector<float> p_true;
  for (const auto& f : ctx.frames) {
    const Matrix* o = f->layer("output");
    p_true.push_back(o != nullptr && static_cast<std::size_t>(o->rows()) > i ? (*o)(static_cast<Eigen::Index>(i), label) : NAN);
  }
  const ChartSeries s[] = {{p_true, to_imu32(th.class_color(label)), "this point"}};
  const int h = draw_chart(ctx, "ptrue", "p(true class)", s, ImVec2(ImGui::GetContentRegionAvail().x, chart_h), 0.0f, 1.0f, state.frame, "%.3f");
  ctx.hooks["inspector_chart"] = last_item_rect();
  if (h >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) state.set_frame(h, ctx.frame_count());
}

}  // namespace epochscope::ui
