// The selected point: image, ten class probabilities as a star (radar) chart with the true class
// marked, and its probability of the true class over the epochs.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

void draw_radar(const store::PointSet& points, const Matrix& out, std::size_t i, float size) {
  const int k = points.class_count();
  if (k < 3 || out.cols() != k) return;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(size, size));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 c(p0.x + size / 2, p0.y + size / 2);
  const float r = size / 2 - 16;
  const auto at = [&](int j, float v) {
    const float a = 2.0f * 3.14159265f * static_cast<float>(j) / static_cast<float>(k) - 3.14159265f / 2;
    return ImVec2(c.x + std::cos(a) * r * v, c.y + std::sin(a) * r * v);
  };
  for (float ring : {0.25f, 0.5f, 0.75f, 1.0f}) {
    std::vector<ImVec2> poly;
    for (int j = 0; j < k; ++j) poly.push_back(at(j, ring));
    dl->AddPolyline(poly.data(), k, IM_COL32(255, 255, 255, ring == 1.0f ? 50 : 22), ImDrawFlags_Closed, 1.0f);
  }
  const int label = points.labels[i];
  std::vector<ImVec2> poly;
  for (int j = 0; j < k; ++j) {
    dl->AddLine(c, at(j, 1.0f), IM_COL32(255, 255, 255, 22));
    poly.push_back(at(j, std::clamp(out(static_cast<Eigen::Index>(i), j), 0.0f, 1.0f)));
  }
  const Rgba8 lc = class_color(label);
  dl->AddConvexPolyFilled(poly.data(), k, to_imu32(lc, 70));
  dl->AddPolyline(poly.data(), k, to_imu32(lc, 255), ImDrawFlags_Closed, 2.0f);
  for (int j = 0; j < k; ++j) {
    const ImVec2 lp = at(j, 1.0f + 12.0f / r);
    const char* name = points.class_names[static_cast<std::size_t>(j)].c_str();
    const std::string s = std::string(name).substr(0, 3);
    const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
    if (j == label) dl->AddCircle(ImVec2(lp.x, lp.y), 9.0f, IM_COL32_WHITE, 16, 2.0f);
    dl->AddText(ImVec2(lp.x - ts.x / 2, lp.y - ts.y / 2), j == label ? IM_COL32_WHITE : IM_COL32(160, 165, 175, 255), s.c_str());
  }
}

}  // namespace

void draw_inspector_panel(UiContext& ctx, UiState& state) {
  const auto* points = ctx.points();
  if (points == nullptr || ctx.frames.empty()) return;
  if (state.selection.empty()) {
    ImGui::TextDisabled("Click a point to follow it:\nits trace in every view,\nits class probabilities here.");
    return;
  }
  const int point = state.selection.back();
  if (point < 0 || static_cast<std::size_t>(point) >= points->size()) return;
  const auto i = static_cast<std::size_t>(point);
  const auto& frame = *ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))];
  const Matrix* out = frame.layer("output");
  ImGui::Text("%zu selected (Esc clears)", state.selection.size());
  draw_point_image(ctx, point, 56);
  ImGui::SameLine();
  ImGui::BeginGroup();
  const int label = points->labels[i];
  ImGui::Text("#%d  %s", point, points->heldout[i] != 0 ? "held-out" : "training");
  ImGui::TextColored(to_imvec4(class_color(label)), "true %s", points->class_names[static_cast<std::size_t>(label)].c_str());
  if (i < frame.predicted.size()) {
    const int p = frame.predicted[i];
    ImGui::TextColored(to_imvec4(class_color(p)), "predicted %s", points->class_names[static_cast<std::size_t>(p)].c_str());
  }
  ImGui::EndGroup();
  if (out != nullptr && static_cast<std::size_t>(out->rows()) > i) {
    draw_radar(*points, *out, i, std::min(ImGui::GetContentRegionAvail().x, 210.0f));
  }
  std::vector<float> p_true;
  for (const auto& f : ctx.frames) {
    const Matrix* o = f->layer("output");
    p_true.push_back(o != nullptr && static_cast<std::size_t>(o->rows()) > i ? (*o)(static_cast<Eigen::Index>(i), label) : NAN);
  }
  ImGui::TextDisabled("p(true class) over the frames");
  const ChartSeries s[] = {{p_true, to_imu32(class_color(label)), "p(true)"}};
  const int h = draw_chart("ptrue", s, ImVec2(ImGui::GetContentRegionAvail().x, 80), 0.0f, 1.0f, state.frame, "%.3f");
  if (h >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) state.set_frame(h, ctx.frame_count());
}

}  // namespace epochscope::ui
