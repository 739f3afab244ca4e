#include "epochscope/ui/pixel_explorer.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "epochscope/ui/pixel_axes.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

namespace {

// The words above a grid: which axis and which pixel (or sample), short enough for the grid's box.
std::string grid_label(const store::PointSet& points, bool x_axis, int axis) {
  const char* name = x_axis ? "x" : "y";
  if (points.signal || points.height == 1) return fmt::format("{}: sample {}", name, axis);
  const int ch = std::max(points.channels, 1), pixel = axis / ch;
  if (ch == 3) return fmt::format("{}: row {}, col {}, {}", name, pixel / points.width, pixel % points.width, channel_name(axis % ch));
  return fmt::format("{}: row {}, col {}", name, pixel / points.width, pixel % points.width);
}

// A box holds its label on the left and "mean" or the hovered point's number on the right; sized for
// the longest of those so the points' area does not move as the mouse does.
float grid_box_width(const store::PointSet& points, int ax, int ay) {
  const float hint = std::max(ImGui::CalcTextSize("mean").x, ImGui::CalcTextSize("#000000").x);
  const float label = std::max(ImGui::CalcTextSize(grid_label(points, true, ax).c_str()).x,
                               ImGui::CalcTextSize(grid_label(points, false, ay).c_str()).x);
  return label + hint + 10 * em();
}

}  // namespace

void PixelExplorer::restart() {
  mean_task_.reset();
  mean_.clear();
}

std::pair<int, int> PixelExplorer::axes(const store::PointSet& points, const ViewConfig& config) {
  const int last = std::max(axis_count(points, config.layer) - 1, 0);
  return {std::clamp(config.axis_x, 0, last), std::clamp(config.axis_y, 0, last)};
}

LocalLayouts::Recipe PixelExplorer::recipe(const store::PointSet& points, const ViewConfig& config) {
  const auto [ax, ay] = axes(points, config);
  return [ax, ay](const store::PointSet& ps, const Matrix* layer) {
    return layer == nullptr ? pixel_axes_layout(ps, ax, ay) : layer_axes_layout(*layer, ax, ay);
  };
}

std::string PixelExplorer::header(const UiContext& ctx, const ViewConfig& config, float width,
                                  std::optional<ViewConfig>& pending) const {
  const auto* points = ctx.points();
  if (points == nullptr) return {};
  const int count = axis_count(*points, config.layer);
  const auto [ax, ay] = axes(*points, config);
  std::string status = fmt::format("x: {}, y: {}", axis_name(*points, config.layer, ax), axis_name(*points, config.layer, ay));
  if (config.layer == "input") {
    status += points->channels == 3 ? "  |  click the grids to pick (again: next colour)" : "  |  click the grids to pick";
  } else if (count > 0) {  // no image to click: sliders over the layer's dimensions
    int x = ax, y = ay;
    ImGui::SetNextItemWidth(std::min(140.0f, width * 0.35f));
    const bool moved_x = ImGui::SliderInt("x##dim", &x, 0, count - 1);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(std::min(140.0f, width * 0.35f));
    const bool moved_y = ImGui::SliderInt("y##dim", &y, 0, count - 1);
    if (moved_x || moved_y) {
      ViewConfig next = config;
      next.axis_x = x;
      next.axis_y = y;
      pending = next;
    }
  }
  return status;
}

bool PixelExplorer::press(const UiContext& ctx, const ViewConfig& config, const Rect& rect, Vec2 mouse,
                          std::optional<ViewConfig>& pending) const {
  const auto* points = ctx.points();
  if (points == nullptr || config.layer != "input") return false;
  bool hit = false;
  for (const bool x_axis : {true, false}) {
    const int cell = axis_grid_cell(axis_grid_rect(rect, points->width, points->height, x_axis, ImGui::GetTextLineHeight()), points->width, points->height, mouse);
    if (cell < 0) continue;
    ViewConfig next = pending.value_or(config);
    int& axis = x_axis ? next.axis_x : next.axis_y;
    // Colour: an axis is one channel of a pixel; a click on the chosen pixel steps to its next channel.
    const int ch = std::max(points->channels, 1), channel = axis % ch;
    axis = cell * ch + (axis / ch == cell ? (channel + 1) % ch : channel);
    pending = next;
    hit = true;
  }
  return hit;
}

Rect PixelExplorer::plot_rect(const UiContext& ctx, const ViewConfig& config, const Rect& rect) const {
  const auto* points = ctx.points();
  if (points == nullptr || config.layer != "input" || points->size() == 0) return rect;
  const auto [ax, ay] = axes(*points, config);
  return axis_plot_rect(rect, points->width, points->height, grid_box_width(*points, ax, ay), ImGui::GetTextLineHeight());
}

bool PixelExplorer::over_grid(const UiContext& ctx, const ViewConfig& config, const Rect& rect, Vec2 mouse) const {
  const auto* points = ctx.points();
  if (points == nullptr || config.layer != "input") return false;
  for (const bool x_axis : {true, false}) {
    if (axis_grid_cell(axis_grid_rect(rect, points->width, points->height, x_axis, ImGui::GetTextLineHeight()), points->width, points->height, mouse) >= 0) {
      return true;
    }
  }
  return false;
}

// Axis names along the bottom and the left of the plot; on the input, a grid per axis showing which
// pixel it is (over the hovered point's image, or the mean image).
void PixelExplorer::draw(UiContext& ctx, const UiState& state, const ViewConfig& config, const Rect& rect, int slot) {
  const auto* points = ctx.points();
  if (points == nullptr || points->size() == 0 || axis_count(*points, config.layer) <= 0) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = *ctx.theme;
  const ImU32 text = to_imu32(th.text);
  const Rgba8 x_colour = th.class_color(0), y_colour = th.class_color(1);  // orange and sky blue
  const auto [ax, ay] = axes(*points, config);
  if (config.layer != "input") {  // axis names along the bottom and at the top left
    const std::string xl = "x: " + axis_name(*points, config.layer, ax), yl = "y: " + axis_name(*points, config.layer, ay);
    dl->AddText(ImVec2(rect.center().x - ImGui::CalcTextSize(xl.c_str()).x / 2, rect.max.y - 22), to_imu32(x_colour), xl.c_str());
    dl->AddText(ImVec2(rect.min.x + 10, rect.min.y + 8), to_imu32(y_colour), yl.c_str());
    return;
  }
  const std::size_t size = points->image_size();
  const auto channels = static_cast<std::size_t>(std::max(points->channels, 1));
  if (mean_.size() != size) {  // the mean image, once per source, off the window's thread
    if (!mean_task_ && ctx.tasks != nullptr && ctx.store) {
      mean_task_ = ctx.tasks->submit([store = ctx.store] { return mean_image(store->points()); });
    }
    if (mean_task_ && mean_task_->ready()) {
      if (!mean_task_->failed()) mean_ = mean_task_->value();
      mean_task_.reset();
    } else {
      ctx.animating = true;
    }
  }
  const int hovered = state.next_hovered >= 0 ? state.next_hovered : state.hovered;
  const bool show_point = hovered >= 0 && static_cast<std::size_t>(hovered) < points->size();
  const bool have_mean = mean_.size() == size;
  const float line = ImGui::GetTextLineHeight();
  const float box_w = grid_box_width(*points, ax, ay);
  const bool column = axis_grid_rect(rect, points->width, points->height, true, line).min.x ==
                      axis_grid_rect(rect, points->width, points->height, false, line).min.x;
  for (const bool x_axis : {true, false}) {
    const Rect r = axis_grid_rect(rect, points->width, points->height, x_axis, line);
    const float cw = r.width() / static_cast<float>(points->width), ch = r.height() / static_cast<float>(points->height);
    const int chosen = x_axis ? ax : ay;
    const std::string label = grid_label(*points, x_axis, chosen);
    const std::string hint = show_point ? fmt::format("#{}", hovered) : "mean";
    // The label left and the hint right above the grid, in a box wide enough for both even over a
    // grid narrower than they are (a 40-sample signal's); a box at the right edge grows leftwards.
    const bool grow_left = x_axis && !column;
    const float box_min = grow_left ? std::min(r.min.x, r.max.x - box_w) : r.min.x;
    const float box_max = grow_left ? r.max.x : std::max(r.max.x, r.min.x + box_w);
    dl->AddRectFilled(ImVec2(box_min - 4, r.min.y - line - 6), ImVec2(box_max + 4, r.max.y + 4), to_imu32(th.overlay_bg), 3.0f);
    if (show_point || have_mean) {
      for (int y = 0; y < points->height; ++y) {
        for (int x = 0; x < points->width; ++x) {
          const auto p = static_cast<std::size_t>(y * points->width + x) * channels;
          int rgb[3] = {0, 0, 0};
          for (std::size_t c = 0; c < 3; ++c) {
            const std::size_t at = p + std::min(c, channels - 1);  // grey: one value for all three
            const float v = show_point ? points->images[static_cast<std::size_t>(hovered) * size + at] : mean_[at];
            rgb[c] = static_cast<int>(std::clamp(v, 0.0f, 255.0f) * 0.85f);
          }
          const ImVec2 a(r.min.x + static_cast<float>(x) * cw, r.min.y + static_cast<float>(y) * ch);
          dl->AddRectFilled(a, ImVec2(a.x + cw, a.y + ch), IM_COL32(rgb[0], rgb[1], rgb[2], 255));
        }
      }
    }
    const int pixel = chosen / static_cast<int>(channels);
    const ImVec2 a(r.min.x + static_cast<float>(pixel % points->width) * cw, r.min.y + static_cast<float>(pixel / points->width) * ch);
    dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(a.x + cw + 1, a.y + ch + 1), to_imu32(x_axis ? x_colour : y_colour), 0, 0, 2.0f);
    dl->AddText(ImVec2(box_min, r.min.y - line - 3), to_imu32(x_axis ? x_colour : y_colour), label.c_str());
    dl->AddText(ImVec2(box_max - ImGui::CalcTextSize(hint.c_str()).x, r.min.y - line - 3), text, hint.c_str());
    ctx.hooks[fmt::format("view{}_{}grid", slot, x_axis ? "x" : "y")] = r;
  }
}

}  // namespace epochscope::ui
