// Contract: the training trajectory as a view that any slot can show at full size (the method menu's
// "Trajectory"; the left panel's plot stays as an overview). It draws the path of the network's
// parameters, the sketched snapshots' PCA (project/trajectory.hpp; every overlaid run in one basis),
// on a chosen pair of the top 12 components, or as small multiples of the pairs (1,2), (1,3), (2,3),
// (3,4) as in Lorch's figures, each axis fitted to its range. Below, the share of the path's
// variance each component holds, as bars (the shown ones lit). Dots are coloured by batch loss (log
// scale, one scale over every run drawn) or by epoch, with a colour bar and a legend of the runs. The
// step of the frame on the epoch bar is ringed in every run and follows the bar; hovering a step
// names its run, step, epoch and batch loss, and clicking it moves the epoch bar to its frame.
#pragma once

#include <string>
#include <vector>

#include "epochscope/ui/context.hpp"
#include "epochscope/ui/ui_state.hpp"
#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

/// Fits the PCA of every run's snapshots (this session's, then the overlaid runs') into ctx.trajectory
/// when snapshots arrived (at most twice a second: an eigensolve of at most 256 x 256) or the runs
/// changed. Returns whether there is a fit to draw; if not, `why` (when given) says why in one line.
bool refresh_trajectory(UiContext& ctx, std::string* why = nullptr);

/// What the view drew, for the status line and --test-state.
struct TrajectoryReport {
  bool pairs = false;           ///< small multiples
  std::string colour = "loss";  ///< "loss" or "epoch"
  int pc_x = 0, pc_y = 1;       ///< the single plot's components (0-based)
  int snapshots = 0;            ///< of this run
  int runs = 0;                 ///< runs drawn (this one and the overlaid ones)
  int drawn = 0;                ///< dots drawn in the first plot, every run
  int marked = -1;              ///< this run's snapshot of the frame on the epoch bar
  int marked_step = -1;         ///< its step (landscape: its frame)
  int hovered = -1;             ///< the hovered snapshot's row over every run (-1: none)
  std::string hover;            ///< what the tooltip says of it
  int bars = 0;                 ///< explained-variance bars drawn
  std::vector<Rect> plots;      ///< each plot's rectangle
  Vec2 marked_at{-1, -1};       ///< where the marked step is drawn in the first plot
  Vec2 last_at{-1, -1};         ///< where this run's last step is drawn in the first plot
  std::string message;          ///< why nothing is drawn, or empty
  bool landscape = false;       ///< the landscape under the path is shown (ViewConfig::landscape)
  std::size_t evaluated = 0;    ///< landscape: losses computed so far
  std::size_t total = 0;        ///< landscape: losses in all
  std::size_t stride = 0;       ///< landscape: the finest complete level's stride (0 none yet, 1 every cell)
  int plane_frames = 0;         ///< landscape: frames the shown plane was fitted to
  int path_frames = 0;          ///< landscape: frames on its path
  int contours = 0;             ///< landscape: contour segments drawn
};

/// The landscape under the path (ctx.landscape) filling `rect`: the loss as shaded cells (log scale,
/// bright = low) with contour lines, the frames' exact projections joined by straight lines, the frame
/// on the epoch bar ringed, a colour bar and what the plane holds below. Hovering a frame or any grid
/// point names its loss; clicking a frame shows it on the epoch bar. (trajectory_landscape.cpp)
void draw_landscape(UiContext& ctx, UiState& state, const Rect& rect, TrajectoryReport& report, bool hovered,
                    bool clicked);
/// The landscape's state in words, for the view's status line.
std::string landscape_status(const UiContext& ctx);
/// While the grid fills coarse to fine: what its picture is drawn from ("7 x 7 computed, the rest
/// interpolated").
std::string coarse_grid(const LandscapeGrid& g);
/// The frames of g.path its plane was fitted to (the newer ones follow them).
std::size_t fitted_frames(const LandscapeGrid& g);

class TrajectoryView {
 public:
  /// The header's controls after the method menu: the components on x and y, the small-multiples chip
  /// and what colours the dots. Changes go to `next`.
  void controls(UiContext& ctx, const ViewConfig& config, ViewConfig& next, int slot) const;
  /// The state in words: snapshots, runs, the shown components' share of the variance.
  std::string status(UiContext& ctx, const ViewConfig& config);
  /// The canvas: fills `rect` (an item of its own, so hover and clicks go to it).
  void draw(UiContext& ctx, UiState& state, const ViewConfig& config, const Rect& rect, int slot);
  const TrajectoryReport& report() const { return report_; }

 private:
  TrajectoryReport report_;
};

}  // namespace epochscope::ui
