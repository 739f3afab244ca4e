// Contract: the look of the window: a theme (dark, or the high-contrast light one for projectors;
// ui/palette.hpp), rounded, roomy widgets, a readable font (DejaVu Sans when installed, else ImGui's
// built-in font) and colour helpers that turn palette entries into ImGui colours. The UI scale
// multiplies the font size and every widget size; the font is rasterised again at the new size, so
// text stays crisp (the caller uploads the rebuilt font atlas). Call apply_style() after
// ImGui::CreateContext() and whenever the theme or the scale changes, between frames.
#pragma once

#include <imgui.h>

#include "epochscope/ui/palette.hpp"
#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

inline constexpr float kMinUiScale = 0.75f;
inline constexpr float kMaxUiScale = 3.0f;
/// The UI scale within [kMinUiScale, kMaxUiScale].
float clamp_ui_scale(float scale);

/// Theme, sizes and font; `font_px` is the body text size in pixels at scale 1.
void apply_style(const Theme& theme = dark_theme(), float scale = 1.0f, float font_px = 15.0f);

/// Sizes in the window are given at UI scale 1 and multiplied by this (the font size over 15 px).
/// The rectangle of the last item drawn, in screen pixels (for ctx.hooks and hit tests).
inline Rect last_item_rect() {
  return {{ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y}, {ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}};
}

inline float em() { return ImGui::GetFontSize() / 15.0f; }

inline ImU32 to_imu32(Rgba8 c) { return pack_abgr(c, c.a); }
inline ImU32 to_imu32(Rgba8 c, std::uint8_t alpha) { return pack_abgr(c, alpha); }
inline ImVec4 to_imvec4(Rgba8 c) { return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, c.a / 255.0f); }

/// A compact on/off button for a view's header (narrower than a checkbox with its label): filled with
/// the accent colour when on. Flips *value when pressed and returns whether it was.
bool toggle_chip(const char* label, bool* value);
/// The width toggle_chip(label) takes.
float chip_width(const char* label);

}  // namespace epochscope::ui
