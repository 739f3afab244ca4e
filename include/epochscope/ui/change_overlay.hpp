// Contract: the *change* colouring of a view: its points coloured by how much their neighbourhood
// in the layer changed since the previous frame (ui/change_colours.hpp), with their own style
// buffer and point cloud (the class-coloured ones stay as they are for the other views), and the
// colour scale drawn in a corner of the canvas. The mean change is taken once per layout.
#pragma once

#include <imgui.h>

#include <memory>
#include <span>
#include <vector>

#include "epochscope/render/point_renderer.hpp"
#include "epochscope/store/frame.hpp"
#include "epochscope/ui/palette.hpp"
#include "epochscope/ui/ui_state.hpp"
#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

using ChangeShares = std::shared_ptr<const std::vector<float>>;

class ChangeOverlay {
 public:
  /// The shares of the frame shown (null: unknown); takes their mean when they changed.
  void set_change(const ChangeShares& change, std::size_t points);
  /// -1 while unknown.
  double mean() const { return known_ ? mean_ : -1.0; }
  /// Colouring on: restyles when the shares, the filter or the points changed, and keeps the cloud's
  /// positions those of the view (xy or xyz, dims 2 or 3).
  void update(const store::PointSet& points, const UiState& state, std::span<const float> positions, int dims);
  /// Positions moved: the cloud follows.
  void set_positions(std::span<const float> positions, int dims);
  /// Restyle on the next update (the toggle was switched).
  void invalidate() { styled_ = false; }
  /// The cloud to draw when colouring, or null when it does not match the view's points.
  const render::PointCloud* cloud(std::size_t points) const;
  /// The colour scale, bottom left of the canvas.
  static void draw_legend(ImDrawList* dl, const Rect& rect, const Theme& theme);

 private:
  std::unique_ptr<render::PointStyleBuffer> styles_;
  std::unique_ptr<render::PointCloud> cloud_;
  ChangeShares change_;      ///< of the frame shown
  ChangeShares mean_of_;     ///< what mean_ was taken of
  double mean_ = -1;
  bool known_ = false;
  ChangeShares styled_by_;
  int styled_filter_ = -1;
  bool styled_ = false;
};

}  // namespace epochscope::ui
