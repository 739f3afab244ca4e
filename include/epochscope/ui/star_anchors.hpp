// Contract: star coordinates' anchors as a view edits them (no ImGui, no GL). One anchor per
// dimension of the layer, evenly round the unit circle to start with (project::default_star_anchors),
// dragged anywhere by the user; every change bumps generation(), so a layout made with older anchors
// is known to be stale. hit() finds the anchor under the cursor; anchor_label_position() puts an
// anchor's label beyond it along its spoke, so labels stay off the anchors and the circle.
#pragma once

#include <vector>

#include "epochscope/core/matrix.hpp"
#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

class StarAnchors {
 public:
  /// The default anchors for `dims` dimensions (at least 1); not moved.
  void reset(int dims);
  /// reset(dims) unless there are already `dims` anchors.
  void ensure(int dims);
  const Matrix& anchors() const { return anchors_; }  ///< dims x 2
  int dims() const { return static_cast<int>(anchors_.rows()); }
  bool moved() const { return moved_; }
  /// Increases on every change: layouts record the generation they were made with.
  unsigned generation() const { return generation_; }
  /// Anchor k to `data` (a drag).
  void move(int k, Vec2 data);
  /// The anchor within `radius_px` of `mouse` (the nearest), or -1.
  int hit(Vec2 mouse, const ViewTransform& camera, const Rect& rect, float radius_px = 9.0f) const;

 private:
  Matrix anchors_;
  bool moved_ = false;
  unsigned generation_ = 1;
};

/// Top-left corner of a label of size `text` for the anchor at `anchor` (screen pixels): beyond the
/// anchor along the spoke from `origin`, its near edge about `gap` pixels from the anchor, so a long
/// label never covers its anchor or the circle.
Vec2 anchor_label_position(Vec2 anchor, Vec2 origin, Vec2 text, float gap);

/// Whether any two of these label rectangles overlap (with `spacing` pixels between them at least):
/// star views then label the anchors with short names ("T-", "Tr", ...), full names on hover.
bool labels_overlap(const std::vector<Rect>& labels, float spacing);

}  // namespace epochscope::ui
