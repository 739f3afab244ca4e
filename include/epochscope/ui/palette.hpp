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

/// A sequential map for values in [0, 1] on the dark background: dim blue-grey (0, nothing
/// happened) through teal and green to bright yellow (1), after viridis' anchors with a darker,
/// quieter start so unchanged points recede. Values outside [0, 1] are clamped; NaN gives 0's colour.
inline Rgba8 sequential_color(float v) {
  constexpr std::array<Rgba8, 5> stops{{{58, 64, 92, 200}, {49, 104, 142, 230}, {33, 145, 140, 245},
                                         {94, 201, 98, 255}, {253, 231, 37, 255}}};
  if (!(v > 0.0f)) return stops[0];
  if (v >= 1.0f) return stops[4];
  const float x = v * 4.0f;
  const auto i = static_cast<std::size_t>(x);
  const float t = x - static_cast<float>(i);
  auto mix = [t](std::uint8_t a, std::uint8_t b) {
    return static_cast<std::uint8_t>(static_cast<float>(a) + (static_cast<float>(b) - static_cast<float>(a)) * t + 0.5f);
  };
  const Rgba8 a = stops[i], b = stops[i + 1];
  return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b), mix(a.a, b.a)};
}

/// 0xAABBGGRR, the packing ImGui's ImU32 colours use.
inline std::uint32_t pack_abgr(Rgba8 c, std::uint8_t alpha) {
  return static_cast<std::uint32_t>(c.r) | (static_cast<std::uint32_t>(c.g) << 8) |
         (static_cast<std::uint32_t>(c.b) << 16) | (static_cast<std::uint32_t>(alpha) << 24);
}

}  // namespace epochscope::ui
