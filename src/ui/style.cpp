#include "epochscope/ui/style.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace epochscope::ui {
namespace {

ImVec4 v4(Rgba8 c, float alpha = -1) {
  return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, alpha >= 0 ? alpha : c.a / 255.0f);
}

ImVec4 mixed(Rgba8 a, Rgba8 b, float t) {
  const auto m = [t](std::uint8_t x, std::uint8_t y) { return (x + (y - x) * t) / 255.0f; };
  return ImVec4(m(a.r, b.r), m(a.g, b.g), m(a.b, b.b), 1.0f);
}

}  // namespace

float clamp_ui_scale(float scale) { return std::clamp(scale, kMinUiScale, kMaxUiScale); }

void apply_style(const Theme& theme, float scale, float font_px) {
  scale = clamp_ui_scale(scale);
  ImGuiStyle fresh;  // sizes from the defaults every time, so scaling does not compound
  ImGui::GetStyle() = fresh;
  if (theme.light) {
    ImGui::StyleColorsLight();
  } else {
    ImGui::StyleColorsDark();
  }
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
  s.ScaleAllSizes(scale);
  ImVec4* c = s.Colors;
  c[ImGuiCol_WindowBg] = v4(theme.window_bg);
  c[ImGuiCol_ChildBg] = ImVec4(0.0f, 0.0f, 0.0f, 0.0f);
  c[ImGuiCol_PopupBg] = theme.light ? ImVec4(0.98f, 0.98f, 0.99f, 0.99f) : ImVec4(0.13f, 0.14f, 0.17f, 0.98f);
  c[ImGuiCol_Border] = theme.light ? ImVec4(0.70f, 0.72f, 0.77f, 1.0f) : ImVec4(0.25f, 0.27f, 0.32f, 1.0f);
  c[ImGuiCol_FrameBg] = v4(theme.frame_bg);
  c[ImGuiCol_FrameBgHovered] = mixed(theme.frame_bg, theme.accent, 0.25f);
  c[ImGuiCol_FrameBgActive] = mixed(theme.frame_bg, theme.accent, 0.4f);
  c[ImGuiCol_Button] = v4(theme.accent, theme.light ? 0.85f : 1.0f);
  c[ImGuiCol_ButtonHovered] = mixed(theme.accent, {255, 255, 255, 255}, 0.15f);
  c[ImGuiCol_ButtonActive] = mixed(theme.accent, {255, 255, 255, 255}, 0.25f);
  c[ImGuiCol_Header] = v4(theme.accent, 0.6f);
  c[ImGuiCol_HeaderHovered] = v4(theme.accent, 0.8f);
  c[ImGuiCol_SliderGrab] = theme.light ? ImVec4(0.20f, 0.40f, 0.75f, 1.0f) : ImVec4(0.45f, 0.65f, 0.95f, 1.0f);
  c[ImGuiCol_SliderGrabActive] = theme.light ? ImVec4(0.15f, 0.30f, 0.60f, 1.0f) : ImVec4(0.60f, 0.78f, 1.0f, 1.0f);
  c[ImGuiCol_PlotHistogram] = theme.light ? ImVec4(0.20f, 0.45f, 0.85f, 1.0f) : ImVec4(0.35f, 0.62f, 0.95f, 1.0f);
  c[ImGuiCol_CheckMark] = theme.light ? ImVec4(0.10f, 0.30f, 0.70f, 1.0f) : ImVec4(0.60f, 0.78f, 1.0f, 1.0f);
  c[ImGuiCol_Text] = v4(theme.text);
  c[ImGuiCol_TextDisabled] = v4(theme.text_dim);
  if (theme.light) c[ImGuiCol_Text] = ImVec4(0.06f, 0.07f, 0.09f, 1.0f);
  if (theme.light) c[ImGuiCol_ButtonHovered].w = c[ImGuiCol_ButtonActive].w = 1.0f;
  if (theme.light) c[ImGuiCol_Button] = v4(theme.accent, 1.0f);

  // The characters points' texts and class names commonly hold (DejaVu Sans has them all): Latin
  // with its extensions, Greek, Cyrillic, punctuation (dashes, quotes), currency, letterlike symbols,
  // arrows, mathematical operators, shapes, symbols and dingbats (check marks). ImGui keeps the
  // pointer: the table is static.
  static constexpr ImWchar kGlyphRanges[] = {0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x04FF, 0x2000, 0x206F,
                                             0x20A0, 0x20CF, 0x2100, 0x214F, 0x2190, 0x21FF, 0x2200, 0x22FF,
                                             0x2500, 0x27BF, 0};
  // The font rasterised at the scaled size (not a scaled bitmap), so text stays crisp; the caller
  // uploads the new atlas (the renderer backend's font texture).
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const float px = std::round(font_px * scale);
  const char* candidates[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf"};
  for (const char* path : candidates) {
    if (std::filesystem::exists(path) && io.Fonts->AddFontFromFileTTF(path, px, nullptr, kGlyphRanges) != nullptr) return;
  }
  ImFontConfig config;
  config.SizePixels = px;
  io.Fonts->AddFontDefault(&config);
}

// A compact on/off button for a view's header (narrower than a checkbox with its label): filled with
// the accent colour when on.
bool toggle_chip(const char* label, bool* value) {
  const ImVec4 on = ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive);
  const ImVec4 off = ImGui::GetStyleColorVec4(ImGuiCol_FrameBg);
  ImGui::PushStyleColor(ImGuiCol_Button, *value ? on : off);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, *value ? on : ImGui::GetStyleColorVec4(ImGuiCol_FrameBgHovered));
  const bool pressed = ImGui::Button(label);
  ImGui::PopStyleColor(2);
  if (pressed) *value = !*value;
  return pressed;
}

// The width toggle_chip(label) takes.
float chip_width(const char* label) { return ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x; }

}  // namespace epochscope::ui
