#include "epochscope/ui/traces.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace epochscope::ui {

float ease(float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  return t * t * (3.0f - 2.0f * t);
}

void interpolate(const Matrix& a, const Matrix* b, float t, std::vector<float>& out, int dims) {
  dims = std::clamp(dims, 2, 3);
  const auto n = static_cast<std::size_t>(a.rows());
  const auto d = static_cast<std::size_t>(dims);
  out.assign(d * n, 0.0f);
  const bool blend = b != nullptr && b->rows() == a.rows() && b->cols() >= std::min<Eigen::Index>(a.cols(), dims) && t > 0.0f;
  if (a.cols() < 2) return;
  const auto cols = std::min<Eigen::Index>(a.cols(), dims);
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = static_cast<Eigen::Index>(i);
    for (Eigen::Index c = 0; c < cols; ++c) {
      float v = a(r, c);
      if (blend) v += ((*b)(r, c) - v) * t;
      out[d * i + static_cast<std::size_t>(c)] = v;
    }
  }
}

std::vector<TracePoint> assemble_trace(std::span<const Matrix* const> layouts, std::size_t index) {
  std::vector<TracePoint> trace;
  trace.reserve(layouts.size());
  for (std::size_t f = 0; f < layouts.size(); ++f) {
    const Matrix* m = layouts[f];
    if (m == nullptr || static_cast<std::size_t>(m->rows()) <= index || m->cols() < 2) continue;
    const auto r = static_cast<Eigen::Index>(index);
    trace.push_back({static_cast<int>(f), {(*m)(r, 0), (*m)(r, 1)}, m->cols() >= 3 ? (*m)(r, 2) : 0.0f});
  }
  return trace;
}

Vec2 trace_position_at(std::span<const TracePoint> trace, float f) {
  constexpr float nan = std::numeric_limits<float>::quiet_NaN();
  if (trace.empty()) return {nan, nan};
  if (f <= static_cast<float>(trace.front().frame)) return trace.front().position;
  if (f >= static_cast<float>(trace.back().frame)) return trace.back().position;
  for (std::size_t k = 1; k < trace.size(); ++k) {
    const auto& b = trace[k];
    if (static_cast<float>(b.frame) >= f) {
      const auto& a = trace[k - 1];
      const float t = (f - static_cast<float>(a.frame)) / static_cast<float>(std::max(1, b.frame - a.frame));
      return {a.position.x + (b.position.x - a.position.x) * t, a.position.y + (b.position.y - a.position.y) * t};
    }
  }
  return trace.back().position;
}

}  // namespace epochscope::ui
