// Contract: the panels of the window, one per file in src/ui, each a function that draws into the
// current ImGui window/child and returns early when it has nothing to show. They read UiContext,
// edit the linked UiState and leave requests in UiContext; none blocks or touches GL directly.
#pragma once

#include <imgui.h>

#include <span>

#include "epochscope/ui/context.hpp"
#include "epochscope/ui/ui_state.hpp"

namespace epochscope::ui {

/// Training: source, state, progress (epoch, batch, images/s, ETA), start/pause/resume/stop/restart, options.
void draw_control_panel(UiContext& ctx, UiState& state);
/// Opens the "Open session" dialog on the next frame: to show a session, or (`compare`) to compare
/// with the one shown; it starts in `start` the first time, then where it was last.
void open_session_dialog(UiContext& ctx, bool compare, const std::filesystem::path& start);
/// The dialog, while open (draw every frame); choosing sets ctx.open_request.
void draw_open_dialog(UiContext& ctx);
/// Training and held-out loss and accuracy per epoch, with the current frame marked.
void draw_metrics_panel(UiContext& ctx, UiState& state);
/// The current frame's held-out confusion matrix as a heat map; clicking a cell selects its points.
void draw_confusion_panel(UiContext& ctx, UiState& state);
/// t-SNE's options for every t-SNE view (applied through the pool) and the KL divergence.
void draw_tsne_panel(UiContext& ctx, UiState& state);
/// The run's path in parameter space on two of its top 12 principal components.
void draw_trajectory_panel(UiContext& ctx, UiState& state);
/// Frame slider over every frame so far, play/pause, speed, stepping.
void draw_epoch_bar(UiContext& ctx, UiState& state);
/// Class legend (hover highlights, click pins), split filter, misclassified toggle, drawing options.
void draw_legend_panel(UiContext& ctx, UiState& state);
/// The split filter, misclassified points, digit images, point size, view count, screenshot.
void draw_display_options(UiContext& ctx, UiState& state);
/// The selected point: image, class probabilities as a star chart, p(true class) over the epochs.
void draw_inspector_panel(UiContext& ctx, UiState& state);
/// The guide (docs/guide.md) in a window of its own while state.show_help.
void draw_help_window(UiContext& ctx, UiState& state);

/// The tooltip of a hovered point: enlarged image, true/predicted class, confidence, split.
void draw_point_tooltip(UiContext& ctx, const UiState& state, int point);

/// One line of a chart.
struct ChartSeries {
  std::span<const float> values;
  ImU32 color;
  const char* label;
};
/// A line chart over the frames: its title and the series' legend above the plot, values on a y axis with round
/// ticks in [y_min, y_max], frame numbers along the x axis, a marker at frame `marker` (-1: none);
/// the first series is drawn last (on top). Hovering shows every series' value at the frame under
/// the cursor in `y_format`. `size` is the whole chart's. Returns the hovered frame or -1.
int draw_chart(const UiContext& ctx, const char* id, const char* title, std::span<const ChartSeries> series, ImVec2 size,
               float y_min, float y_max, int marker, const char* y_format);

/// The digit image of a point, `size` pixels square (nearest filtering: crisp when enlarged).
void draw_point_image(const UiContext& ctx, int point, float size);

/// Conditions on the points (true and predicted class, right or wrong, confidence, changed since a
/// frame, first right at an epoch, an index): select what matches, or grey out the rest.
void draw_filter_panel(UiContext& ctx, UiState& state);

/// The first convolution's filters at the epoch bar's frame (Frame::filters) as a grid of small
/// images (ui/filter_images.hpp), or their change since frame 0; each filter's index, norm and
/// weights on hover; one line saying why when the session's frames hold none.
void draw_filters_panel(UiContext& ctx, UiState& state);

/// `text` cut to at most `bytes` bytes at a UTF-8 character boundary, with "..." when cut.
std::string shortened_text(const std::string& text, std::size_t bytes);

}  // namespace epochscope::ui
