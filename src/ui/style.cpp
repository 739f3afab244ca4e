#include "epochscope/ui/style.hpp"

#include <filesystem>

namespace epochscope::ui {

void apply_style(float font_px) {
  ImGui::StyleColorsDark();
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowRounding = 0;
  s.ChildRounding = 4;
  s.FrameRounding = 4;
  s.GrabRounding = 4;
  s.PopupRounding = 4;
  s.ScrollbarRounding = 6;
  s.FramePadding = ImVec2(8, 4);
  s.ItemSpacing = ImVec2(8, 6);
  s.WindowPadding = ImVec2(10, 10);
  s.WindowBorderSize = 0;
  s.ChildBorderSize = 1;
  ImVec4* c = s.Colors;
  c[ImGuiCol_WindowBg] = ImVec4(0.105f, 0.113f, 0.133f, 1.0f);
  c[ImGuiCol_ChildBg] = ImVec4(0.0f, 0.0f, 0.0f, 0.0f);
  c[ImGuiCol_PopupBg] = ImVec4(0.13f, 0.14f, 0.17f, 0.98f);
  c[ImGuiCol_Border] = ImVec4(0.25f, 0.27f, 0.32f, 1.0f);
  c[ImGuiCol_FrameBg] = ImVec4(0.17f, 0.19f, 0.23f, 1.0f);
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.22f, 0.25f, 0.31f, 1.0f);
  c[ImGuiCol_FrameBgActive] = ImVec4(0.26f, 0.30f, 0.38f, 1.0f);
  c[ImGuiCol_Button] = ImVec4(0.20f, 0.33f, 0.52f, 1.0f);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.26f, 0.42f, 0.66f, 1.0f);
  c[ImGuiCol_ButtonActive] = ImVec4(0.30f, 0.48f, 0.74f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.20f, 0.33f, 0.52f, 0.6f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.26f, 0.42f, 0.66f, 0.8f);
  c[ImGuiCol_SliderGrab] = ImVec4(0.45f, 0.65f, 0.95f, 1.0f);
  c[ImGuiCol_SliderGrabActive] = ImVec4(0.60f, 0.78f, 1.0f, 1.0f);
  c[ImGuiCol_PlotHistogram] = ImVec4(0.35f, 0.62f, 0.95f, 1.0f);
  c[ImGuiCol_CheckMark] = ImVec4(0.60f, 0.78f, 1.0f, 1.0f);
  c[ImGuiCol_Text] = ImVec4(0.90f, 0.91f, 0.93f, 1.0f);
  c[ImGuiCol_TextDisabled] = ImVec4(0.55f, 0.57f, 0.62f, 1.0f);

  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const char* candidates[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                              "/usr/share/fonts/dejavu/DejaVuSans.ttf"};
  for (const char* path : candidates) {
    if (std::filesystem::exists(path) && io.Fonts->AddFontFromFileTTF(path, font_px) != nullptr) return;
  }
  ImFontConfig config;
  config.SizePixels = font_px;
  io.Fonts->AddFontDefault(&config);
}

}  // namespace epochscope::ui
