#include "epochscope/ui/pixel_axes.hpp"

#include <algorithm>
#include <string>

#include "epochscope/core/random.hpp"

namespace epochscope::ui {

Matrix pixel_axes_layout(const store::PointSet& points, int ax, int ay) {
  const auto size = points.image_size();
  if (ax < 0 || ay < 0 || static_cast<std::size_t>(ax) >= size || static_cast<std::size_t>(ay) >= size) {
    throw Error("pixel explorer: pixels " + std::to_string(ax) + " and " + std::to_string(ay) + " are not both in images of " +
                std::to_string(size) + " pixels");
  }
  const auto n = static_cast<Eigen::Index>(points.size());
  Matrix m(n, 2);
  const float range = points.value_scale * 255.0f;
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto h = mix64(static_cast<std::uint64_t>(i) + 0x9e37u);
    const float jx = (static_cast<float>(h & 0xffffu) / 65535.0f - 0.5f) * kPixelJitter * range;
    const float jy = (static_cast<float>((h >> 16) & 0xffffu) / 65535.0f - 0.5f) * kPixelJitter * range;
    const auto row = static_cast<std::size_t>(i) * size;
    m(i, 0) = points.value_offset + points.value_scale * points.images[row + static_cast<std::size_t>(ax)] + jx;
    m(i, 1) = points.value_offset + points.value_scale * points.images[row + static_cast<std::size_t>(ay)] + jy;
  }
  return m;
}

int layer_width(const store::PointSet& points, const std::string& layer) {
  for (const auto& l : points.layers) {
    if (l.name == layer) return l.width;
  }
  return 0;
}

int axis_count(const store::PointSet& points, const std::string& layer) {
  return layer == "input" ? static_cast<int>(points.image_size()) : layer_width(points, layer);
}

std::string axis_name(const store::PointSet& points, const std::string& layer, int axis) {
  const auto n = std::to_string(axis);
  if (layer == "input") {
    if (points.signal || points.height == 1) return "sample " + n;
    const int ch = std::max(points.channels, 1), pixel = axis / ch;
    const std::string where = "pixel (row " + std::to_string(pixel / points.width) + ", col " + std::to_string(pixel % points.width) + ")";
    return ch == 3 ? where + " " + channel_name(axis % ch) : where;
  }
  if ((layer == "output" || layer == "logits") && axis >= 0 && axis < points.class_count()) {
    const auto& name = points.class_names[static_cast<std::size_t>(axis)];
    return layer == "output" ? "p(" + name + ")" : "logit " + name;
  }
  return "unit " + n;
}

const char* channel_name(int channel) {
  static constexpr const char* kNames[3] = {"red", "green", "blue"};
  return channel >= 0 && channel < 3 ? kNames[channel] : "?";
}

Matrix layer_axes_layout(const Matrix& layer, int ax, int ay) {
  if (ax < 0 || ay < 0 || ax >= layer.cols() || ay >= layer.cols()) {
    throw Error("pixel explorer: dimensions " + std::to_string(ax) + " and " + std::to_string(ay) +
                " are not both in a layer of " + std::to_string(layer.cols()));
  }
  Matrix m(layer.rows(), 2);
  m.col(0) = layer.col(ax);
  m.col(1) = layer.col(ay);
  return m;
}

std::vector<float> mean_image(const store::PointSet& points) {
  const std::size_t size = points.image_size();
  std::vector<float> mean(size, 0.0f);
  if (points.size() == 0 || points.images.size() < points.size() * size) return mean;
  for (std::size_t i = 0; i < points.size(); ++i) {
    for (std::size_t p = 0; p < size; ++p) mean[p] += points.images[i * size + p];
  }
  for (auto& v : mean) v /= static_cast<float>(points.size());
  return mean;
}

Rect axis_grid_rect(const Rect& canvas, int image_width, int image_height, bool x_axis, float line) {
  if (image_width <= 0 || image_height <= 0) return {};
  const float cell = std::clamp(90.0f / static_cast<float>(std::max(image_width, image_height)), 2.0f, 12.0f);
  const float w = cell * static_cast<float>(image_width);
  const float h = image_height == 1 ? 14.0f : cell * static_cast<float>(image_height);
  const Vec2 y_at{canvas.min.x + 12, canvas.min.y + line + 10};
  if (!x_axis) return {y_at, {y_at.x + w, y_at.y + h}};
  const bool column = canvas.max.y - 12 - h - line - 6 >= y_at.y + h + 16;  // room for both, one above the other
  const Vec2 at = column ? Vec2{y_at.x, canvas.max.y - h - 12} : Vec2{canvas.max.x - w - 12, canvas.max.y - h - 12};
  return {at, {at.x + w, at.y + h}};
}

Rect axis_plot_rect(const Rect& canvas, int image_width, int image_height, float box_width, float line) {
  const Rect gx = axis_grid_rect(canvas, image_width, image_height, true, line);
  const Rect gy = axis_grid_rect(canvas, image_width, image_height, false, line);
  if (gx.width() <= 0) return canvas;
  const bool column = gx.min.x == gy.min.x;
  const float left = gy.min.x + std::max(gy.width(), box_width) + 16;
  Rect plot{{left, canvas.min.y + 8}, {canvas.max.x - 8, canvas.max.y - 8}};
  if (!column) {  // x's grid at the bottom right: the points above it or left of its box, the larger
    const Rect above{plot.min, {plot.max.x, gx.min.y - line - 12}};
    const Rect beside{plot.min, {std::min(gx.min.x, gx.max.x - box_width) - 16, plot.max.y}};
    const auto area = [](const Rect& r) { return std::max(r.width(), 0.0f) * std::max(r.height(), 0.0f); };
    plot = area(above) >= area(beside) ? above : beside;
  }
  return plot.width() >= 40 && plot.height() >= 40 ? plot : canvas;
}

int axis_grid_cell(const Rect& grid, int image_width, int image_height, Vec2 mouse) {
  if (image_width <= 0 || image_height <= 0 || grid.width() <= 0 || grid.height() <= 0) return -1;
  if (mouse.x < grid.min.x || mouse.x >= grid.max.x || mouse.y < grid.min.y || mouse.y >= grid.max.y) return -1;
  const int col = std::clamp(static_cast<int>((mouse.x - grid.min.x) / grid.width() * static_cast<float>(image_width)), 0, image_width - 1);
  const int row = std::clamp(static_cast<int>((mouse.y - grid.min.y) / grid.height() * static_cast<float>(image_height)), 0, image_height - 1);
  return row * image_width + col;
}

}  // namespace epochscope::ui
