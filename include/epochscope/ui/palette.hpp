// Contract: the colours of the interface as plain RGBA8 values (no ImGui). Ten class colours chosen
// to stay apart under the common colour-vision deficiencies and on a dark background: the seven
// Okabe-Ito colours (black left out) plus a light grey, a violet and an olive. Classes beyond ten
// reuse them. The dimmed grey is what non-highlighted points become.
#pragma once

#include <array>
#include <cstdint>

namespace epochscope::ui {

struct Rgba8 {
  std::uint8_t r, g, b, a;
};

inline constexpr std::array<Rgba8, 10> kClassColors{{
    {230, 159, 0, 255},    // orange
    {86, 180, 233, 255},   // sky blue
    {0, 158, 115, 255},    // bluish green
    {240, 228, 66, 255},   // yellow
    {40, 110, 200, 255},   // blue
    {213, 94, 0, 255},     // vermillion
    {204, 121, 167, 255},  // reddish purple
    {225, 225, 225, 255},  // light grey
    {150, 120, 235, 255},  // violet
    {153, 153, 51, 255},   // olive
}};

inline Rgba8 class_color(int cls) {
  return kClassColors[static_cast<std::size_t>((cls % 10 + 10) % 10)];
}

inline constexpr Rgba8 kDimmed{95, 100, 112, 70};
inline constexpr Rgba8 kViewBackground{22, 24, 29, 255};
inline constexpr Rgba8 kAccent{255, 255, 255, 255};

/// 0xAABBGGRR, the packing ImGui's ImU32 colours use.
inline std::uint32_t pack_abgr(Rgba8 c, std::uint8_t alpha) {
  return static_cast<std::uint32_t>(c.r) | (static_cast<std::uint32_t>(c.g) << 8) |
         (static_cast<std::uint32_t>(c.b) << 16) | (static_cast<std::uint32_t>(alpha) << 24);
}

}  // namespace epochscope::ui
