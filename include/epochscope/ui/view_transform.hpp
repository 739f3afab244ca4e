// Contract: the 2-D camera of a projection view, pure arithmetic (no ImGui, no GL). Screen
// coordinates are pixels with y down inside a view rectangle; data coordinates have y up. The
// camera maps the data point `center` to the middle of the rectangle at `scale` pixels per data
// unit. zoom_at keeps the data point under the cursor fixed; fit frames a bounding box with a margin.
#pragma once

#include <span>

namespace epochscope::ui {

struct Vec2 {
  float x = 0;
  float y = 0;
};

struct Rect {
  Vec2 min, max;
  float width() const { return max.x - min.x; }
  float height() const { return max.y - min.y; }
  Vec2 center() const { return {0.5f * (min.x + max.x), 0.5f * (min.y + max.y)}; }
  bool contains(Vec2 p) const { return p.x >= min.x && p.x < max.x && p.y >= min.y && p.y < max.y; }
};

/// Axis-aligned bounds of a point set; valid() is false for an empty or non-finite set.
struct Bounds {
  Vec2 min{1, 1}, max{-1, -1};
  bool valid() const { return min.x <= max.x && min.y <= max.y; }
  void extend(Vec2 p);
  /// Bounds of n interleaved points (x0 y0 x1 y1 ...), skipping non-finite ones.
  static Bounds of(std::span<const float> xy);
  /// The bounds a camera should fit: those of every point, unless a few lie far from the rest (a
  /// UMAP of 70,000 softmax outputs flung 11 points 50 times farther out than the other 69,989,
  /// which left the picture a dot). From 1,000 points on, a point counts as far when it lies
  /// outside the box of the central 99.8% on either axis widened by half its size on every side;
  /// then the bounds are those of the points that are not far, and `far` (when given) gets their
  /// count (else 0).
  static Bounds of_bulk(std::span<const float> xy, std::size_t* far = nullptr);
};

struct ViewTransform {
  Vec2 center{0, 0};
  float scale = 1;  ///< pixels per data unit, > 0

  Vec2 to_screen(Vec2 data, const Rect& rect) const;
  Vec2 to_data(Vec2 screen, const Rect& rect) const;
  /// Moves the picture by `delta` pixels.
  void pan(Vec2 delta);
  /// Multiplies the scale by `factor` (clamped to [1e-6, 1e9]) keeping the data under `cursor` fixed.
  void zoom_at(Vec2 cursor, const Rect& rect, float factor);
  /// The camera that shows `bounds` inside `rect` with `margin` pixels on every side.
  static ViewTransform fit(const Bounds& bounds, const Rect& rect, float margin);
  /// The GL mapping ndc = data * scale_out + offset_out for a viewport covering `rect`.
  void ndc(const Rect& rect, float scale_out[2], float offset_out[2]) const;
  /// Moves a fraction t of the way towards `target` (scale interpolated logarithmically).
  ViewTransform toward(const ViewTransform& target, float t) const;
  bool near(const ViewTransform& other, float pixel_tolerance, const Rect& rect) const;
};

}  // namespace epochscope::ui
