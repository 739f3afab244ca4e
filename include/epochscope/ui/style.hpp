// Contract: the look of the window: a dark theme with rounded, roomy widgets, a readable font
// (DejaVu Sans when installed, else ImGui's built-in font scaled up) and colour helpers that turn
// palette entries into ImGui colours. Call apply_style() once after ImGui::CreateContext().
#pragma once

#include <imgui.h>

#include "epochscope/ui/palette.hpp"

namespace epochscope::ui {

/// Theme and fonts; `font_px` is the body text size in pixels.
void apply_style(float font_px = 15.0f);

inline ImU32 to_imu32(Rgba8 c) { return pack_abgr(c, c.a); }
inline ImU32 to_imu32(Rgba8 c, std::uint8_t alpha) { return pack_abgr(c, alpha); }
inline ImVec4 to_imvec4(Rgba8 c) { return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, c.a / 255.0f); }

}  // namespace epochscope::ui
