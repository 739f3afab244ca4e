// Class legend (hover: that class in colour, the rest grey; click: pin), split filter, toggles.
#include <fmt/core.h>

#include <vector>

#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

void draw_legend_panel(UiContext& ctx, UiState& state) {
  const auto* points = ctx.points();
  if (points == nullptr) return;
  if (state.unit >= 0) {  // the views show a unit's activation, not the classes: say so, and how to undo it
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(to_imvec4(sequential_color(0.85f)), "Colour: %s unit %d (dim: low, yellow: high)",
                       state.unit_layer.c_str(), state.unit);
    ImGui::PopTextWrapPos();
    if (ImGui::SmallButton("class colours")) state.clear_unit();
    ctx.hooks["unit_clear"] = last_item_rect();
  }
  const int k = points->class_count();
  std::vector<int> counts(static_cast<std::size_t>(k), 0), wrong(static_cast<std::size_t>(k), 0);
  const store::Frame* frame = ctx.frames.empty() ? nullptr
      : ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))].get();
  const bool predictions = frame != nullptr && frame->metrics.known();
  if (!predictions) frame = nullptr;  // no wrong counts where nothing was predicted
  for (std::size_t i = 0; i < points->size(); ++i) {
    if (!state.passes_filter(points->heldout[i] != 0)) continue;
    const int c = points->labels[i];
    if (c >= k) continue;
    ++counts[static_cast<std::size_t>(c)];
    if (frame != nullptr && i < frame->predicted.size() && frame->predicted[i] != c) ++wrong[static_cast<std::size_t>(c)];
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = *ctx.theme;
  const float row_h = ImGui::GetTextLineHeight() + 6 * em();
  const float dot = 11 * em(), text_x = 24 * em();
  // The counts on the right, shortened and then dropped before they touch a name: one form for every
  // row (the longest form that fits all of them), so the column reads as one table.
  const auto counts_text = [&](int form, int c) -> std::string {
    const int n = counts[static_cast<std::size_t>(c)], bad = wrong[static_cast<std::size_t>(c)];
    if (form == 0) return frame != nullptr ? fmt::format("{}  ({} wrong)", n, bad) : fmt::format("{}", n);
    if (form == 1 && frame != nullptr) return fmt::format("{} wrong", bad);
    return {};
  };
  const float avail = ImGui::GetContentRegionAvail().x;
  int form = 0;
  for (int c = 0; c < k; ++c) {
    const float name_w = ImGui::CalcTextSize(points->class_names[static_cast<std::size_t>(c)].c_str()).x;
    while (form < 2 && text_x + name_w + ImGui::CalcTextSize(counts_text(form, c).c_str()).x + 12 * em() > avail) ++form;
  }
  // Many classes (up to 256): the list scrolls in a box of 12 rows, the panels below stay in reach.
  const bool scroll = k > 12;
  if (scroll) {
    ImGui::BeginChild("classes", ImVec2(avail, row_h * 12.5f), false);
    ctx.hooks["legend_list"] = {{ImGui::GetWindowPos().x, ImGui::GetWindowPos().y},
                                {ImGui::GetWindowPos().x + avail, ImGui::GetWindowPos().y + row_h * 12.5f}};
  }
  ImDrawList* list_dl = scroll ? ImGui::GetWindowDrawList() : dl;
  const float w = scroll ? ImGui::GetContentRegionAvail().x : avail;
  for (int c = 0; c < k; ++c) {
    ImGui::PushID(c);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    if (ImGui::InvisibleButton("class", ImVec2(w, row_h))) state.toggle_pin(c);
    const bool hovered = ImGui::IsItemHovered();
    if (hovered) state.hovered_class = c;
    ctx.hooks[fmt::format("legend_{}", c)] = {{p.x, p.y}, {p.x + w, p.y + row_h}};
    const bool pinned = state.pinned_class == c;
    if (hovered || pinned) list_dl->AddRectFilled(p, ImVec2(p.x + w, p.y + row_h), to_imu32(th.text, pinned ? 34 : 18), 4.0f);
    list_dl->AddCircleFilled(ImVec2(p.x + dot, p.y + row_h / 2), 6.0f * em(), to_imu32(th.class_color(c)), 16);
    // A name that does not fit beside the counts ends in "...", whole in the tooltip.
    const auto& name = points->class_names[static_cast<std::size_t>(c)];
    const int n = counts[static_cast<std::size_t>(c)], bad = wrong[static_cast<std::size_t>(c)];
    const std::string right = counts_text(form, c);
    const float right_w = right.empty() ? 0.0f : ImGui::CalcTextSize(right.c_str()).x;
    const float room = w - text_x - right_w - 12 * em();
    std::string shown = name;
    while (shown.size() > 1 && ImGui::CalcTextSize((shown + "...").c_str()).x > room && ImGui::CalcTextSize(shown.c_str()).x > room) {
      shown.pop_back();
    }
    if (shown != name) shown += "...";
    const float ty = p.y + (row_h - ImGui::GetTextLineHeight()) / 2;
    list_dl->AddText(ImVec2(p.x + text_x, ty), to_imu32(th.text), shown.c_str());
    if (!right.empty()) list_dl->AddText(ImVec2(p.x + w - right_w - 4, ty), to_imu32(th.text_dim), right.c_str());
    if (hovered) {
      ImGui::SetTooltip("%s: %d points, %d misclassified at this frame\nhover: only this class in colour; click: pin it",
                        name.c_str(), n, bad);
    }
    ImGui::PopID();
  }
  if (scroll) ImGui::EndChild();
  ImGui::PushTextWrapPos(0);
  ImGui::TextDisabled(state.pinned_class >= 0 ? "Click the class again to unpin" : "Hover a class to highlight, click to pin");
  ImGui::PopTextWrapPos();

  ImGui::Separator();
  // Marker key: training points are discs, held-out points rings.
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetTextLineHeight();
  const float second = ImGui::CalcTextSize("training").x + 34 * em();
  dl->AddCircleFilled(ImVec2(p.x + 8 * em(), p.y + h / 2), 5.0f * em(), to_imu32(th.text_dim), 16);
  dl->AddCircle(ImVec2(p.x + second, p.y + h / 2), 4.5f * em(), to_imu32(th.text_dim), 16, 1.8f);
  ImGui::SetCursorScreenPos(ImVec2(p.x + 18 * em(), p.y));
  ImGui::TextUnformatted("training");
  ImGui::SetCursorScreenPos(ImVec2(p.x + second + 10 * em(), p.y));
  ImGui::TextUnformatted("held-out");
}

// What is drawn and how: the split filter, misclassified points, digit images, point size, view
// count, a screenshot.
void draw_display_options(UiContext& ctx, UiState& state) {
  const char* filters[] = {"all points", "held-out only", "training only"};
  int filter = static_cast<int>(state.filter);
  ImGui::SetNextItemWidth(-1);
  if (ImGui::Combo("##filter", &filter, filters, 3)) state.filter = static_cast<SplitFilter>(filter);
  ctx.hooks["filter"] = last_item_rect();
  // An imported embedding predicts nothing: nothing can be misclassified.
  const bool predictions = ctx.frames.empty() || ctx.frames.back()->metrics.known();
  ImGui::BeginDisabled(!predictions);
  ImGui::Checkbox("Misclassified", &state.show_misclassified);
  ImGui::EndDisabled();
  ctx.hooks["misclassified"] = last_item_rect();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip(predictions ? "Only the points the network gets wrong at this frame in colour"
                                                        : "This session records no predictions (an imported embedding)");
  }
  // A session without images (texts only) has nothing to draw: the box is off and says why.
  const bool has_images = ctx.atlas != nullptr;
  ImGui::BeginDisabled(!has_images);
  bool images = state.images && has_images;
  if (ImGui::Checkbox(ctx.points() != nullptr && ctx.points()->dataset == "mnist" ? "Digit images" : "Point images", &images)) {
    state.images = images;
  }
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip(has_images ? "Draw every point as its image (also when zoomed in far)"
                                 : "This session has no images: its points carry texts, shown on hover");
  }
  ImGui::SetNextItemWidth(-ImGui::CalcTextSize("point size").x - ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::SliderFloat("point size", &state.point_size, 1.5f, 12.0f, "%.1f px");
  // Density for crowded views: automatic by default, or always, or never.
  int mode = static_cast<int>(state.density);
  ImGui::SetNextItemWidth(-ImGui::CalcTextSize("point size").x - ImGui::GetStyle().ItemInnerSpacing.x);
  if (ImGui::Combo("drawing", &mode, "auto\0density\0points\0")) state.density = static_cast<DensityMode>(mode);
  ctx.hooks["density_mode"] = last_item_rect();
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("Density: each pixel takes the mean colour of the points on it, more opaque where more of them\n"
                      "lie (log scale); hovering, selecting and traces stay exact. Auto: a 2-D view switches to it where\n"
                      "its points would cover each pixel more than %.0f times on average.", kDensityCoverage);
  }
  ImGui::TextUnformatted("views");
  for (const int n : {1, 2, 4}) {
    ImGui::SameLine();
    ImGui::RadioButton(fmt::format("{}", n).c_str(), &state.view_count, n);
    ctx.hooks[fmt::format("views_{}", n)] = last_item_rect();
  }
  if (ImGui::Button("Screenshot (F12)")) ctx.screenshot_requested = true;
  ctx.hooks["screenshot"] = last_item_rect();
  if (!ctx.last_screenshot.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Saved %s", ctx.last_screenshot.c_str());
    ImGui::PopTextWrapPos();
  }
}

}  // namespace epochscope::ui
