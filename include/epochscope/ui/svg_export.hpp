// Contract: one 2-D view as an SVG document (no ImGui, no GL), for slides that stay sharp at any
// size: every point a circle (held-out points rings) in its colour, grouped by colour so the file
// stays small, the selected points' traces as polylines with their frame dots, a legend of the
// classes shown and a caption, on the view's background. Coordinates are the view's pixels.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "epochscope/ui/palette.hpp"
#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

struct SvgPoint {
  Vec2 at;
  Rgba8 colour;
  bool hollow = false;  ///< a held-out point: a ring
};

struct SvgTrace {
  std::vector<Vec2> points;  ///< frame after frame
  Rgba8 colour;
};

struct SvgScene {
  float width = 0, height = 0;
  Rgba8 background{22, 24, 29, 255};
  Rgba8 text{230, 232, 238, 255};
  Rgba8 outline{0, 0, 0, 200};  ///< behind traces, so they show on any colour
  float radius = 2.5f;          ///< of a point, pixels
  std::vector<SvgPoint> points; ///< in drawing order (later ones on top)
  std::vector<SvgTrace> traces;
  std::vector<std::pair<std::string, Rgba8>> legend;  ///< class name and colour, top right
  std::string caption;                                ///< top left; empty: none
};

/// The document, UTF-8. Text is escaped (&, <, >, quotes); non-finite points are left out.
std::string to_svg(const SvgScene& scene);

}  // namespace epochscope::ui
