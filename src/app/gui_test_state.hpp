// Contract: the --test-state hook. After each drawn frame the window writes one JSON object (to a
// temporary file renamed over the target, so readers never see half of it): frames, the frame
// shown, playback, hover, tooltip, highlight, selection, per view its method, layer, status,
// canvas rectangle, layout frame, traces and a few isolated points with their window positions,
// the rectangles of key widgets, the window size, the last screenshot and frame-time percentiles.
// GUI tests read it to know where to move the mouse and to check what happened.
#pragma once

#include <filesystem>

#include "epochscope/ui/context.hpp"
#include "epochscope/ui/frame_stats.hpp"
#include "epochscope/ui/ui_state.hpp"
#include "epochscope/ui/workspace.hpp"

namespace epochscope::app {

void write_test_state(const std::filesystem::path& path, const ui::UiContext& ctx, const ui::UiState& state,
                      ui::Workspace& workspace, int width, int height, const ui::FrameStats& stats);

}  // namespace epochscope::app
