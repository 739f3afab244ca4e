// Contract: the trajectory view's arithmetic (ui/trajectory_view.hpp), no ImGui and no GL: where its
// plots go, how each fits its two components, the value a snapshot's dot is coloured by, the step
// under the cursor, and which snapshot belongs to a frame and which frame to a snapshot.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "epochscope/store/trajectory.hpp"
#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

/// The small multiples' pairs of components (0-based), as in Lorch's figures: (1,2), (1,3), (2,3), (3,4).
inline constexpr std::array<std::pair<int, int>, 4> kTrajectoryPairs{{{0, 1}, {0, 2}, {1, 2}, {2, 3}}};

/// The pairs a view draws: (pc_x, pc_y) alone, or the small multiples' pairs whose components exist
/// among the `components` fitted (all four from 4 components on). pc_x and pc_y are clamped to them.
std::vector<std::pair<int, int>> trajectory_pairs(int components, bool small_multiples, int pc_x, int pc_y);

/// `count` plot rectangles filling `area`: one, or rows of two (2 x 2 for four), `gap` pixels apart.
std::vector<Rect> trajectory_plot_rects(const Rect& area, int count, float gap);

/// Maps a pair of components onto a plot's rectangle: each axis fitted to its own range (the
/// explained-variance bars say how much each axis holds), `margin` pixels inside, y up. A range of
/// zero width is centred.
struct AxisFit {
  float x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  Rect rect;
  float margin = 0;
  Vec2 to_screen(float x, float y) const;
  static AxisFit of(std::span<const float> xs, std::span<const float> ys, const Rect& rect, float margin);
};

/// The value in [0, 1] each dot is coloured by (palette's sequential_color: 1 = bright), one scale for
/// every run drawn: by batch loss, 1 at the lowest loss of all runs and 0 at the highest, on a log
/// scale (a loss that is not positive and finite: NaN, drawn grey); by epoch, epoch / the last epoch.
struct ColourScale {
  bool by_epoch = false;
  float lo = 0, hi = 0;  ///< log loss, or epochs
  float value(const store::TrajectoryPoint& p) const;
  static ColourScale of(std::span<const std::vector<store::TrajectoryPoint>* const> runs, bool by_epoch);
};

/// The index of the point of `screen` nearest to `mouse` within `radius` pixels; -1 when none is.
int nearest_within(std::span<const Vec2> screen, Vec2 mouse, float radius);

/// The snapshot that shows the state of a frame of epoch `epoch` (the state after that epoch's last
/// step): the last snapshot of an epoch <= `epoch`; -1 when there is none.
int snapshot_of_epoch(std::span<const store::TrajectoryPoint> points, int epoch);

/// The frame that shows a snapshot taken during epoch `epoch`: the first frame whose epoch is at
/// least that (`frame_epochs` ascending, one per frame), else the last frame; -1 without frames.
int frame_of_epoch(std::span<const int> frame_epochs, int epoch);

/// A piece of a contour line, in grid units (x: the column, y: the row, fractional).
struct ContourSegment {
  Vec2 p, q;
};

/// The contour line of `values` (rows x cols, row-major) at `level`, by marching squares: each cell's
/// crossings interpolated linearly along its edges, a saddle resolved by the cell's mean. Cells with a
/// value that is not finite are left out (a landscape still being computed).
std::vector<ContourSegment> contour_segments(std::span<const double> values, std::size_t cols, std::size_t rows,
                                             double level);

}  // namespace epochscope::ui
