// Contract: the pixel explorer, a view whose x and y are the values of two chosen input pixels (or
// two dimensions of a layer, e.g. p(3) against p(5)). On the input, two grids the size of an image
// show which pixels the axes are, over the hovered point's image or the mean image (computed on a
// worker), and a click on a cell picks that pixel; on a layer, two sliders in the header pick the
// dimensions. Its layouts are made by LocalLayouts from recipe(). The arithmetic (layouts, grid
// geometry, axis names) is in ui/pixel_axes.hpp.
#pragma once

#include <imgui.h>

#include <optional>
#include <string>
#include <vector>

#include "epochscope/ui/context.hpp"
#include "epochscope/ui/local_layouts.hpp"
#include "epochscope/ui/ui_state.hpp"

namespace epochscope::ui {

class PixelExplorer {
 public:
  /// A new source: the mean image is computed again.
  void restart();
  /// The axes clamped to what the view's layer offers.
  static std::pair<int, int> axes(const store::PointSet& points, const ViewConfig& config);
  /// Makes the layouts for the view's axes.
  static LocalLayouts::Recipe recipe(const store::PointSet& points, const ViewConfig& config);
  /// The status words; on a layer also the sliders (a change of axes goes to `pending`).
  std::string header(const UiContext& ctx, const ViewConfig& config, float width, std::optional<ViewConfig>& pending) const;
  /// A press at `mouse` on an axis grid picks that pixel (into `pending`); returns whether it did.
  bool press(const UiContext& ctx, const ViewConfig& config, const Rect& rect, Vec2 mouse,
             std::optional<ViewConfig>& pending) const;
  /// Where the points go on `rect`: clear of the grids on the input, all of it on a layer.
  Rect plot_rect(const UiContext& ctx, const ViewConfig& config, const Rect& rect) const;
  /// Whether `mouse` is over a grid (a press there picks a pixel, not a point).
  bool over_grid(const UiContext& ctx, const ViewConfig& config, const Rect& rect, Vec2 mouse) const;
  /// Axis names, and on the input the two grids.
  void draw(UiContext& ctx, const UiState& state, const ViewConfig& config, const Rect& rect, int slot);

 private:
  jobs::TaskPtr<std::vector<float>> mean_task_;
  std::vector<float> mean_;  ///< the mean input image (empty until computed)
};

}  // namespace epochscope::ui
