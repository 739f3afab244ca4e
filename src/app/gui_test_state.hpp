// Contract: the --test-state hook. After each drawn frame the window writes one JSON object (to a
// temporary file renamed over the target, so readers never see half of it): frames, the frame
// shown, playback, hover, tooltip, highlight, selection, per view its method, layer, status,
// canvas rectangle, layout frame, traces and a few isolated points with their window positions,
// the rectangles of key widgets, the window's place and size, the screen's work area, the UI
// scale, theme and font size, the training options' dataset, the last screenshot and frame-time percentiles.
// GUI tests read it to know where to move the mouse and to check what happened.
#pragma once

#include <filesystem>

#include "epochscope/ui/context.hpp"
#include "epochscope/ui/frame_stats.hpp"
#include "epochscope/ui/ui_state.hpp"
#include "epochscope/ui/workspace.hpp"

namespace epochscope::app {

/// Where the window is, on which screen area, and the font it draws with.
struct WindowFacts {
  int x = 0, y = 0, width = 0, height = 0;
  int area_x = 0, area_y = 0, area_width = 0, area_height = 0;  ///< the monitor's work area
  float font_px = 0;                                           ///< the font's size at the UI scale
};

void write_test_state(const std::filesystem::path& path, const ui::UiContext& ctx, const ui::UiState& state,
                      ui::Workspace& workspace, const WindowFacts& window, const ui::FrameStats& stats);

}  // namespace epochscope::app
