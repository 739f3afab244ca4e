// The epoch bar: a slider over every frame so far, play/pause at a chosen speed, stepping.
#include <fmt/core.h>

#include <algorithm>

#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

void draw_epoch_bar(UiContext& ctx, UiState& state) {
  const int n = ctx.frame_count();
  ImGui::BeginDisabled(n == 0);
  if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) state.step(-1, n);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Previous frame (Left arrow)");
  ImGui::SameLine();
  if (ImGui::Button(state.playing ? "Pause" : "Play", ImVec2(64 * em(), 0))) state.toggle_play(n);
  ctx.hooks["play"] = last_item_rect();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Animate through the frames (Space)");
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next", ImGuiDir_Right)) state.step(+1, n);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Next frame (Right arrow)");
  ImGui::SameLine();
  const float speed_w = 150 * em(), follow_w = ImGui::CalcTextSize("follow").x + ImGui::GetFrameHeight() + 16 * em();
  const float panels_w = ImGui::CalcTextSize("panels").x + 2 * ImGui::GetStyle().FramePadding.x + 8 * em();
  ImGui::SetNextItemWidth(std::max(100.0f, ImGui::GetContentRegionAvail().x - speed_w - follow_w - panels_w - 24 * em()));
  int frame = state.frame;
  const int epoch = n > 0 ? ctx.frames[static_cast<std::size_t>(std::clamp(frame, 0, n - 1))]->epoch : 0;
  const std::string label = n == 0 ? std::string("no frames yet")
                                   : fmt::format("frame {} of {}  (epoch {})", frame, n - 1, epoch);
  if (ImGui::SliderInt("##frame", &frame, 0, std::max(0, n - 1), label.c_str(), ImGuiSliderFlags_AlwaysClamp)) {
    state.playing = false;
    state.set_frame(frame, n);
  }
  ctx.hooks["epoch_slider"] = last_item_rect();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(speed_w);
  ImGui::SliderFloat("##speed", &state.play_speed, 0.25f, 20.0f, "%.2g frames/s", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Playback speed");
  ImGui::SameLine();
  if (ImGui::Checkbox("follow", &state.follow_latest) && state.follow_latest) state.on_frames(n);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Jump to each new frame as training publishes it");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("panels")) state.panels_hidden = !state.panels_hidden;
  ctx.hooks["panels"] = last_item_rect();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip(state.panels_hidden ? "Show the side panels (Tab)" : "Hide the side panels: the views alone (Tab)");
  if (state.playing) ctx.animating = true;
}

}  // namespace epochscope::ui
