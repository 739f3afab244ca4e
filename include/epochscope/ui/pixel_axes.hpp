// Contract: the pixel explorer's pure parts (no ImGui, no GL). Its layout puts every point at the
// values of two chosen input pixels (or samples of a 1-D signal), with a small deterministic jitter
// so the many equal byte values do not hide each other; its axis grids map a canvas rectangle to the
// image's cells and back. The view (projection_view) draws them and handles the clicks.
#pragma once

#include <string>
#include <vector>

#include "epochscope/core/matrix.hpp"
#include "epochscope/store/frame.hpp"
#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

/// Jitter, as a share of the value range (255 * value_scale): each coordinate moves by at most
/// half of it.
inline constexpr float kPixelJitter = 0.024f;

/// N x 2: point i at (value of pixel ax, value of pixel ay), values as the points' byte map says
/// (images: byte / 255), plus the jitter (seeded by the point index: the same every time).
/// Throws epochscope::Error when ax or ay is not a pixel of the images.
Matrix pixel_axes_layout(const store::PointSet& points, int ax, int ay);

/// Width of a frame layer the session records (0 for "input" or a layer it lacks).
int layer_width(const store::PointSet& points, const std::string& layer);
/// What the axes can pick from: the pixels (or samples) of an input image, else the layer's units.
int axis_count(const store::PointSet& points, const std::string& layer);
/// An axis in words: "pixel (row 9, col 14)", "sample 39", "p(3)", "logit 3", "unit 12".
std::string axis_name(const store::PointSet& points, const std::string& layer, int axis);
/// "red", "green" or "blue" for channel 0, 1 or 2 of a colour pixel.
const char* channel_name(int channel);
/// Columns ax and ay of a layer (N x 2), for the pixel explorer on a layer. Throws
/// epochscope::Error when either is not a column.
Matrix layer_axes_layout(const Matrix& layer, int ax, int ay);
/// The mean input image (image_size() values, in stored bytes), over every point.
std::vector<float> mean_image(const store::PointSet& points);

/// Where an axis grid lies on the canvas, each under a label line `line` high: both in a column on
/// the left (y's at the top, x's at the bottom) where the canvas is tall enough for both, else the
/// x axis's at the bottom right. Cells of 2..12 pixels (a 28 x 28 image: about 90 pixels a side; a
/// 1-D signal: one row).
Rect axis_grid_rect(const Rect& canvas, int image_width, int image_height, bool x_axis, float line = 18);

/// The part of the canvas the pixel explorer's points may use: right of the grids' column (each
/// grid's box, label included, `box_width` wide at least) and, when the x grid sits bottom right,
/// above it, so no point hides under a grid or its label. The whole canvas when that would leave
/// less than 40 pixels either way.
Rect axis_plot_rect(const Rect& canvas, int image_width, int image_height, float box_width, float line = 18);

/// The pixel (row * width + column) under `mouse` in a grid rectangle, or -1 outside it.
int axis_grid_cell(const Rect& grid, int image_width, int image_height, Vec2 mouse);

}  // namespace epochscope::ui
