// Contract: Dear ImGui's draw data as the redraw damage sees it (ui/damage.hpp), and clipping the
// draw data to a damaged region. One primitive per triangle (its three vertices, clip rectangle and
// texture id; bounds: the vertices' box within the clip) and one per callback (its clip rectangle
// and a token: ProjectionView's for its views, a constant for ImGui's reset callback, and for any
// other callback a new token every frame, so its region is always drawn again). Draw lists are
// told apart by their window's name.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <vector>

#include "epochscope/ui/damage.hpp"

namespace epochscope::ui {

/// `frame` makes the tokens of unknown callbacks new each frame.
DrawSig draw_signature(const ImDrawData& data, std::uint64_t frame);

/// Clips every command to `rect` (ImGui's display coordinates, whole pixels) for as long as it
/// lives; the destructor restores the clip rectangles. A command clipped to nothing is skipped by
/// the backend; a view's callback then draws nothing. Clip rectangles are first snapped to the
/// whole pixels the OpenGL backend's scissor would use, so a region drawn alone has exactly the
/// pixels it has in a whole-window draw (use it for those too, with the whole window as `rect`).
class ClipDrawData {
 public:
  ClipDrawData(ImDrawData& data, const Rect& rect);
  ~ClipDrawData();
  ClipDrawData(const ClipDrawData&) = delete;
  ClipDrawData& operator=(const ClipDrawData&) = delete;

 private:
  ImDrawData& data_;
  std::vector<ImVec4> saved_;
};

}  // namespace epochscope::ui
