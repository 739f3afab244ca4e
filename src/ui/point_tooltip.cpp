// The hovered point's tooltip: enlarged image, true and predicted class, confidence, split.
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

constexpr std::size_t kTooltipTextBytes = 400;

}  // namespace

std::string shortened_text(const std::string& text, std::size_t bytes) {
  if (text.size() <= bytes) return text;
  std::size_t end = bytes;
  // Back off continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0u) == 0x80u) --end;
  return text.substr(0, end) + "...";
}

void draw_point_tooltip(UiContext& ctx, const UiState& state, int point) {
  const auto* points = ctx.points();
  if (points == nullptr || point < 0 || static_cast<std::size_t>(point) >= points->size() || ctx.frames.empty()) return;
  const auto i = static_cast<std::size_t>(point);
  const auto& frame = *ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))];
  const int label = points->labels[i];
  const int predicted = i < frame.predicted.size() && frame.metrics.known() ? frame.predicted[i] : -1;
  const Matrix* out = frame.layer("output");
  const double confidence = out != nullptr && predicted >= 0 && static_cast<std::size_t>(out->rows()) > i
                                ? (*out)(static_cast<Eigen::Index>(i), predicted) : -1.0;
  const double p_true = out != nullptr && static_cast<std::size_t>(out->rows()) > i
                            ? (*out)(static_cast<Eigen::Index>(i), label) : -1.0;
  // The lines as they are drawn, for --test-state; each line is added once, where it is drawn.
  std::string& lines = ctx.tooltip_text;
  auto line = [&](const ImVec4* colour, bool disabled, const std::string& text) {
    if (colour != nullptr) ImGui::TextColored(*colour, "%s", text.c_str());
    else if (disabled) ImGui::TextDisabled("%s", text.c_str());
    else ImGui::TextUnformatted(text.c_str());
    lines += text + "\n";
  };
  ImGui::BeginTooltip();
  if (points->has_images()) {
    draw_point_image(ctx, point, 112 * em());
    ImGui::SameLine();
  }
  ImGui::BeginGroup();
  line(nullptr, false, fmt::format("point #{}", point));
  line(nullptr, true, fmt::format("{}, frame {}", points->heldout[i] != 0 ? "held-out" : "training", frame.index));
  const auto& names = points->class_names;
  const ImVec4 true_colour = to_imvec4(ctx.theme->class_color(label));
  line(&true_colour, false, "true: " + names[static_cast<std::size_t>(label)]);
  if (predicted >= 0) {
    const bool right = predicted == label;
    const ImVec4 predicted_colour = to_imvec4(ctx.theme->class_color(predicted));
    line(&predicted_colour, false, "predicted: " + names[static_cast<std::size_t>(predicted)]);
    if (confidence >= 0) line(nullptr, false, fmt::format("confidence {:.1f}%", 100 * confidence));
    const ImVec4 verdict = to_imvec4(right ? ctx.theme->good : ctx.theme->bad);
    line(&verdict, false, right ? std::string("correct") : fmt::format("wrong (p(true) {:.1f}%)", 100 * p_true));
  }
  line(nullptr, true, "click: select, shift: add");
  ImGui::EndGroup();
  if (points->has_texts() && i < points->texts.size()) {
    // The point's text below, wrapped, at most kTooltipTextBytes (the inspector shows it whole).
    const std::string text = shortened_text(points->texts[i], kTooltipTextBytes);
    ImGui::Separator();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 26.0f * ImGui::GetFontSize());
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    lines += text + "\n";
  }
  ImGui::EndTooltip();
  ctx.tooltip_shown = true;
  ctx.tooltip_point = point;
}

}  // namespace epochscope::ui
