// The hovered point's tooltip: enlarged image, true and predicted class, confidence, split.
#include <algorithm>

#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

void draw_point_tooltip(UiContext& ctx, const UiState& state, int point) {
  const auto* points = ctx.points();
  if (points == nullptr || point < 0 || static_cast<std::size_t>(point) >= points->size() || ctx.frames.empty()) return;
  const auto i = static_cast<std::size_t>(point);
  const auto& frame = *ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))];
  const int label = points->labels[i];
  const int predicted = i < frame.predicted.size() ? frame.predicted[i] : -1;
  const Matrix* out = frame.layer("output");
  const double confidence = out != nullptr && predicted >= 0 && static_cast<std::size_t>(out->rows()) > i
                                ? (*out)(static_cast<Eigen::Index>(i), predicted) : -1.0;
  const double p_true = out != nullptr && static_cast<std::size_t>(out->rows()) > i
                            ? (*out)(static_cast<Eigen::Index>(i), label) : -1.0;
  ImGui::BeginTooltip();
  draw_point_image(ctx, point, 112);
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::Text("point #%d", point);
  ImGui::TextDisabled("%s, frame %d", points->heldout[i] != 0 ? "held-out" : "training", frame.index);
  const auto& names = points->class_names;
  ImGui::TextColored(to_imvec4(ctx.theme->class_color(label)), "true: %s", names[static_cast<std::size_t>(label)].c_str());
  if (predicted >= 0) {
    const bool right = predicted == label;
    ImGui::TextColored(to_imvec4(ctx.theme->class_color(predicted)), "predicted: %s", names[static_cast<std::size_t>(predicted)].c_str());
    ImGui::Text("confidence %.1f%%", 100 * confidence);
    if (!right) ImGui::TextColored(to_imvec4(ctx.theme->bad), "wrong (p(true) %.1f%%)", 100 * p_true);
    else ImGui::TextColored(to_imvec4(ctx.theme->good), "correct");
  }
  ImGui::TextDisabled("click: select, shift: add");
  ImGui::EndGroup();
  ImGui::EndTooltip();
  ctx.tooltip_shown = true;
  ctx.tooltip_point = point;
}

}  // namespace epochscope::ui
