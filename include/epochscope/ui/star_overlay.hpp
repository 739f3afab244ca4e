// Contract: what a star-coordinates view draws and handles besides its points: the unit circle and
// the spokes under the points, the anchors (one per dimension, class-coloured when the layer's
// dimensions are the classes) and their labels over them, and dragging an anchor, after which the
// layout follows (LocalLayouts recomputes it with the new anchors). The anchors themselves are a
// StarAnchors (ui/star_anchors.hpp).
#pragma once

#include <imgui.h>

#include "epochscope/store/frame.hpp"
#include "epochscope/ui/palette.hpp"
#include "epochscope/ui/star_anchors.hpp"

namespace epochscope::ui {

class StarOverlay {
 public:
  StarAnchors& anchors() { return anchors_; }
  const StarAnchors& anchors() const { return anchors_; }
  /// The circle and spokes, drawn before the points.
  void draw_under(ImDrawList* dl, const ViewTransform& camera, const Rect& rect, const Theme& theme) const;
  /// The anchors and labels, drawn after the points.
  void draw_over(ImDrawList* dl, const ViewTransform& camera, const Rect& rect, const store::PointSet* points,
                 const Theme& theme) const;
  /// A press at `mouse`: starts dragging the anchor there; returns whether it did.
  bool press(Vec2 mouse, const ViewTransform& camera, const Rect& rect);
  /// While dragging: the anchor follows the mouse. Returns whether an anchor moved.
  bool drag(Vec2 mouse, const ViewTransform& camera, const Rect& rect);
  void release() { dragging_ = -1; }
  bool dragging() const { return dragging_ >= 0; }
  /// The anchor under the cursor (for its tooltip), or -1.
  int hovered(Vec2 mouse, const ViewTransform& camera, const Rect& rect) const { return anchors_.hit(mouse, camera, rect); }

 private:
  StarAnchors anchors_;
  int dragging_ = -1;
};

}  // namespace epochscope::ui
