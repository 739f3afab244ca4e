// Contract: motion over the epochs, pure arithmetic. interpolate() blends two frames' layouts for
// smooth playback (eased); assemble_trace() lists one point's positions across every frame that
// has a layout, in frame order, so a trace fills in as frames arrive. Layouts are N x (>=2)
// matrices, rows = points; a missing frame is a null pointer.
#pragma once

#include <span>
#include <vector>

#include "epochscope/core/matrix.hpp"
#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

/// Smoothstep easing of t in [0, 1] (clamped).
float ease(float t);

/// out = (1 - t) * a + t * b over the first `dims` (2 or 3) columns, interleaved x0 y0 [z0] x1 ...
/// (a column a layout lacks is 0). Both must have the same rows (else out is a's positions). b may
/// be null (out = a).
void interpolate(const Matrix& a, const Matrix* b, float t, std::vector<float>& out, int dims = 2);

struct TracePoint {
  int frame = 0;
  Vec2 position;
  float z = 0;  ///< third coordinate of a 3-D layout (0 for 2-D ones)
};

/// Point `index`'s position in every frame whose layout exists (and has that row), in frame order.
std::vector<TracePoint> assemble_trace(std::span<const Matrix* const> layouts, std::size_t index);

/// Where the trace is at display frame `f` (fractional when playing): the interpolated position
/// between the trace points around f; the nearest end outside the trace; {NaN, NaN} when empty.
Vec2 trace_position_at(std::span<const TracePoint> trace, float f);

}  // namespace epochscope::ui
