// Contract: which parts of the window must be drawn again this frame. Under llvmpipe every pixel
// the window draws costs CPU time that training and the layout workers need, and most frames
// change little: a hover moves a ring and a tooltip, a progress tick changes a few glyphs. A frame
// is described as draw lists of primitives (a triangle, or a region a callback draws into), each
// with a hash of everything that decides its pixels and its screen bounds. Compared with the
// previous frame, the primitives that appeared or went away are the damage; inside it the whole
// frame is drawn again (clipped), outside it the window keeps last frame's pixels. Rounded out to a
// tile grid and merged into a few rectangles. Pure arithmetic: no GL, no ImGui.
//
// Correctness rests on two things the caller guarantees: the hash covers all a primitive's inputs
// (for a callback: a token that changes whenever what it draws changes), and a texture's content
// never changes under the same id.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

/// One primitive: a hash of what decides its pixels (vertices, clip, texture, or a callback's
/// token) and the screen rectangle it can touch (already clipped).
struct DrawPrim {
  std::uint64_t hash = 0;
  Rect bounds;
};

/// One draw list (an ImGui window's), identified across frames by `id`, primitives in draw order.
struct DrawListSig {
  std::uint64_t id = 0;
  std::vector<DrawPrim> prims;
};

/// A frame: the window's size (in the same units as the bounds) and its draw lists in order.
struct DrawSig {
  Vec2 size;
  std::vector<DrawListSig> lists;
};

struct DamageOptions {
  float tile = 16;              ///< damage is rounded out to this grid (pixels)
  int max_rects = 6;            ///< more regions are merged (least added area first) down to this
  float full_fraction = 0.55f;  ///< damage covering more of the window than this: draw it all
};

struct Damage {
  bool full = false;        ///< draw the whole window
  std::vector<Rect> rects;  ///< otherwise, these regions (may overlap); none: nothing changed
  bool none() const { return !full && rects.empty(); }
  /// Share of the window's area drawn (1 when full; overlaps counted twice).
  float fraction(Vec2 size) const;
};

/// A 64-bit hash of bytes for the primitives above (splitmix-style mixing; not cryptographic).
std::uint64_t hash_bytes(const void* data, std::size_t size, std::uint64_t seed = 0);

class DamageTracker {
 public:
  explicit DamageTracker(DamageOptions options = {}) : options_(options) {}
  /// Compares `frame` with the previous one and keeps it for the next call.
  Damage update(DrawSig frame);
  /// The next update draws the whole window (resized, exposed, or its pixels were lost).
  void invalidate() { previous_.reset(); }

 private:
  DamageOptions options_;
  std::optional<DrawSig> previous_;
};

/// The tile-rounded, merged rectangles covering `damage` inside a window of `size` (exposed for tests).
std::vector<Rect> coalesce(const std::vector<Rect>& damage, Vec2 size, const DamageOptions& options);

}  // namespace epochscope::ui
