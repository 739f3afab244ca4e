// Contract: the colours of the interface as plain RGBA8 values (no ImGui). Ten class colours chosen
// to stay apart under the common colour-vision deficiencies and on a dark background: the seven
// Okabe-Ito colours (black left out) plus a light grey, a violet and an olive. Classes from ten on
// (up to 256) get generated colours: hues a golden angle apart, in three saturation and three
// brightness steps, so neighbouring class numbers never look alike (extra_class_color). The dimmed
// grey is what non-highlighted points become. A sequential map (0..1) and a diverging one (-1..1,
// for signed values such as weights) colour quantities.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

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

/// Class `cls` >= 10: hue cls x 0.618... turns, saturation and brightness cycling through three
/// steps each (`darker`: brightness scaled for a white background).
inline Rgba8 extra_class_color(int cls, bool darker = false) {
  const double h = static_cast<double>(cls) * 0.6180339887498949 - static_cast<double>(static_cast<long>(static_cast<double>(cls) * 0.6180339887498949));
  constexpr double sat[3] = {0.75, 0.5, 0.95};
  constexpr double val[3] = {0.95, 0.78, 0.62};
  const double s = sat[cls % 3], v = val[(cls / 3) % 3] * (darker ? 0.75 : 1.0);
  const double x = h * 6.0;
  const int i = static_cast<int>(x) % 6;
  const double f = x - static_cast<double>(static_cast<int>(x));
  const double p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  double r = v, g = t, b = p;
  switch (i) {
    case 1: r = q; g = v; b = p; break;
    case 2: r = p; g = v; b = t; break;
    case 3: r = p; g = q; b = v; break;
    case 4: r = t; g = p; b = v; break;
    case 5: r = v; g = p; b = q; break;
    default: break;
  }
  auto byte = [](double c) { return static_cast<std::uint8_t>(c * 255.0 + 0.5); };
  return {byte(r), byte(g), byte(b), 255};
}

inline Rgba8 class_color(int cls) {
  if (cls >= 10) return extra_class_color(cls);
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

/// A diverging map for values in [-1, 1] (weights scaled by their largest magnitude): blue for
/// negative, white at 0, red for positive, after ColorBrewer's RdBu. Values outside are clamped; NaN
/// gives 0's colour.
inline Rgba8 diverging_color(float v) {
  constexpr std::array<Rgba8, 5> stops{{{33, 102, 172, 255}, {103, 169, 207, 255}, {247, 247, 247, 255},
                                         {239, 138, 98, 255}, {178, 24, 43, 255}}};
  if (!(v == v)) return stops[2];
  const float x = (v <= -1.0f ? 0.0f : v >= 1.0f ? 1.0f : (v + 1.0f) * 0.5f) * 4.0f;
  const auto i = static_cast<std::size_t>(x >= 4.0f ? 3.0f : x);
  const float t = x - static_cast<float>(i);
  auto mix = [t](std::uint8_t a, std::uint8_t b) {
    return static_cast<std::uint8_t>(static_cast<float>(a) + (static_cast<float>(b) - static_cast<float>(a)) * t + 0.5f);
  };
  const Rgba8 a = stops[i], b = stops[i + 1];
  return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b), 255};
}

/// The colours of one look of the window: the dark theme (the default) or the high-contrast light
/// one for projectors. Class colours follow: on white, Okabe-Ito's yellow and the light grey become
/// a darker gold and a dark grey. Everything the window draws takes its colours from here.
struct Theme {
  const char* name = "dark";
  bool light = false;
  std::array<Rgba8, 10> classes = kClassColors;
  Rgba8 window_bg{27, 29, 34, 255};     ///< behind everything
  Rgba8 view_bg{22, 24, 29, 255};       ///< a view's canvas, a chart's plot area
  Rgba8 overlay_bg{14, 15, 19, 235};    ///< boxes drawn over a canvas (grids, component images, legends)
  Rgba8 text{230, 232, 238, 255};
  Rgba8 text_dim{160, 165, 175, 255};   ///< labels, axis values
  Rgba8 grid{255, 255, 255, 18};        ///< chart grid lines
  Rgba8 axis{120, 126, 140, 110};       ///< star circle and spokes, box edges, chart axes
  Rgba8 ring{255, 255, 255, 255};       ///< the hovered point's ring and selection outlines
  Rgba8 ring_shadow{0, 0, 0, 200};      ///< behind the ring, so it shows on any colour
  Rgba8 dimmed = kDimmed;               ///< points in the background when a class is highlighted
  Rgba8 badge_bg{240, 180, 60, 235};    ///< "an older frame" badge
  Rgba8 badge_text{20, 20, 20, 255};
  Rgba8 frame_bg{43, 48, 59, 255};      ///< widget backgrounds
  Rgba8 accent{51, 84, 133, 255};       ///< buttons, headers
  Rgba8 good{115, 217, 140, 255};       ///< "correct", "running", "following"
  Rgba8 bad{255, 120, 105, 255};        ///< "wrong", errors
  Rgba8 note{230, 205, 102, 255};       ///< a state that is neither (stopped, finished)
  Rgba8 class_color(int cls) const {
    if (cls >= 10) return extra_class_color(cls, light);
    return classes[static_cast<std::size_t>((cls % 10 + 10) % 10)];
  }
};

/// The default look.
inline const Theme& dark_theme() {
  static const Theme t{};
  return t;
}

/// High contrast on white, for projectors.
inline const Theme& light_theme() {
  static const Theme t = [] {
    Theme l;
    l.name = "light";
    l.light = true;
    l.classes[3] = {176, 150, 0, 255};  // yellow, darkened
    l.classes[7] = {90, 90, 90, 255};   // light grey, now dark grey
    l.window_bg = {238, 240, 244, 255};
    l.view_bg = {255, 255, 255, 255};
    l.overlay_bg = {246, 247, 250, 240};
    l.text = {15, 17, 22, 255};
    l.text_dim = {70, 75, 85, 255};
    l.grid = {0, 0, 0, 28};
    l.axis = {90, 96, 110, 150};
    l.ring = {0, 0, 0, 255};
    l.ring_shadow = {255, 255, 255, 220};
    l.dimmed = {180, 184, 192, 110};
    l.badge_bg = {200, 110, 0, 240};
    l.badge_text = {255, 255, 255, 255};
    l.frame_bg = {222, 226, 233, 255};
    l.accent = {60, 110, 190, 255};
    l.good = {0, 120, 45, 255};
    l.bad = {190, 35, 20, 255};
    l.note = {140, 90, 0, 255};
    return l;
  }();
  return t;
}

/// The theme called `name` ("dark" or "light"); the dark one for any other name.
inline const Theme& theme_named(std::string_view name) { return name == "light" ? light_theme() : dark_theme(); }

/// 0xAABBGGRR, the packing ImGui's ImU32 colours use.
inline std::uint32_t pack_abgr(Rgba8 c, std::uint8_t alpha) {
  return static_cast<std::uint32_t>(c.r) | (static_cast<std::uint32_t>(c.g) << 8) |
         (static_cast<std::uint32_t>(c.b) << 16) | (static_cast<std::uint32_t>(alpha) << 24);
}

}  // namespace epochscope::ui
