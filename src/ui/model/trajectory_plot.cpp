#include "epochscope/ui/trajectory_plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace epochscope::ui {

std::vector<std::pair<int, int>> trajectory_pairs(int components, bool small_multiples, int pc_x, int pc_y) {
  std::vector<std::pair<int, int>> out;
  if (components < 2) return out;
  if (small_multiples) {
    for (const auto& [a, b] : kTrajectoryPairs) {
      if (b < components) out.emplace_back(a, b);
    }
    return out;
  }
  pc_x = std::clamp(pc_x, 0, components - 1);
  pc_y = std::clamp(pc_y, 0, components - 1);
  out.emplace_back(pc_x, pc_y);
  return out;
}

std::vector<Rect> trajectory_plot_rects(const Rect& area, int count, float gap) {
  std::vector<Rect> out;
  if (count <= 0) return out;
  if (count == 1) return {area};
  const int cols = 2;
  const int rows = (count + cols - 1) / cols;
  const float w = (area.width() - gap * (cols - 1)) / cols;
  const float h = (area.height() - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows);
  for (int i = 0; i < count; ++i) {
    const float x = area.min.x + static_cast<float>(i % cols) * (w + gap);
    const float y = area.min.y + static_cast<float>(i / cols) * (h + gap);
    out.push_back({{x, y}, {x + w, y + h}});
  }
  return out;
}

Vec2 AxisFit::to_screen(float x, float y) const {
  const float w = rect.width() - 2 * margin, h = rect.height() - 2 * margin;
  const float u = x1 > x0 ? (x - x0) / (x1 - x0) : 0.5f;
  const float v = y1 > y0 ? (y - y0) / (y1 - y0) : 0.5f;
  return {rect.min.x + margin + u * w, rect.max.y - margin - v * h};
}

AxisFit AxisFit::of(std::span<const float> xs, std::span<const float> ys, const Rect& rect, float margin) {
  AxisFit f;
  f.rect = rect;
  f.margin = margin;
  auto range = [](std::span<const float> v, float& lo, float& hi) {
    lo = std::numeric_limits<float>::infinity();
    hi = -lo;
    for (const float x : v) {
      if (!std::isfinite(x)) continue;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    if (lo > hi) lo = hi = 0;
  };
  range(xs, f.x0, f.x1);
  range(ys, f.y0, f.y1);
  return f;
}

float ColourScale::value(const store::TrajectoryPoint& p) const {
  if (by_epoch) return hi > lo ? (static_cast<float>(p.epoch) - lo) / (hi - lo) : 1.0f;
  if (!(p.loss > 0) || !std::isfinite(p.loss)) return std::numeric_limits<float>::quiet_NaN();
  return hi > lo ? 1.0f - (std::log(p.loss) - lo) / (hi - lo) : 0.5f;
}

ColourScale ColourScale::of(std::span<const std::vector<store::TrajectoryPoint>* const> runs, bool by_epoch) {
  ColourScale s;
  s.by_epoch = by_epoch;
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  for (const auto* run : runs) {
    for (const auto& p : *run) {
      float v = 0;
      if (by_epoch) {
        v = static_cast<float>(p.epoch);
      } else if (p.loss > 0 && std::isfinite(p.loss)) {
        v = std::log(p.loss);
      } else {
        continue;
      }
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (lo > hi) lo = hi = 0;
  if (by_epoch) lo = std::min(lo, 0.0f);
  s.lo = lo;
  s.hi = hi;
  return s;
}

int nearest_within(std::span<const Vec2> screen, Vec2 mouse, float radius) {
  int best = -1;
  float best_d2 = radius * radius;
  for (std::size_t i = 0; i < screen.size(); ++i) {
    const float dx = screen[i].x - mouse.x, dy = screen[i].y - mouse.y;
    const float d2 = dx * dx + dy * dy;
    if (d2 <= best_d2) {  // ties: the later step (drawn on top)
      best_d2 = d2;
      best = static_cast<int>(i);
    }
  }
  return best;
}

int snapshot_of_epoch(std::span<const store::TrajectoryPoint> points, int epoch) {
  int marked = -1;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].epoch <= epoch) marked = static_cast<int>(i);
  }
  return marked;
}

int frame_of_epoch(std::span<const int> frame_epochs, int epoch) {
  if (frame_epochs.empty()) return -1;
  for (std::size_t f = 0; f < frame_epochs.size(); ++f) {
    if (frame_epochs[f] >= epoch) return static_cast<int>(f);
  }
  return static_cast<int>(frame_epochs.size()) - 1;
}

std::vector<ContourSegment> contour_segments(std::span<const double> values, std::size_t cols, std::size_t rows,
                                             double level) {
  std::vector<ContourSegment> out;
  if (cols < 2 || rows < 2 || values.size() < cols * rows) return out;
  auto at = [&](std::size_t x, std::size_t y) { return values[y * cols + x]; };
  // Corners in order: (x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1); edge e joins corner e and e + 1.
  constexpr int kDx[4] = {0, 1, 1, 0}, kDy[4] = {0, 0, 1, 1};
  for (std::size_t y = 0; y + 1 < rows; ++y) {
    for (std::size_t x = 0; x + 1 < cols; ++x) {
      double v[4];
      bool finite = true;
      for (int c = 0; c < 4; ++c) {
        v[c] = at(x + static_cast<std::size_t>(kDx[c]), y + static_cast<std::size_t>(kDy[c]));
        finite = finite && std::isfinite(v[c]);
      }
      if (!finite) continue;
      Vec2 cross[4];
      bool has[4] = {false, false, false, false};
      int count = 0;
      for (int e = 0; e < 4; ++e) {
        const int c0 = e, c1 = (e + 1) % 4;
        if ((v[c0] > level) == (v[c1] > level)) continue;
        const double t = (level - v[c0]) / (v[c1] - v[c0]);
        cross[e] = {static_cast<float>(static_cast<double>(x) + kDx[c0] + t * (kDx[c1] - kDx[c0])),
                    static_cast<float>(static_cast<double>(y) + kDy[c0] + t * (kDy[c1] - kDy[c0]))};
        has[e] = true;
        ++count;
      }
      if (count == 2) {
        int e0 = -1, e1 = -1;
        for (int e = 0; e < 4; ++e) {
          if (!has[e]) continue;
          (e0 < 0 ? e0 : e1) = e;
        }
        out.push_back({cross[e0], cross[e1]});
      } else if (count == 4) {
        // A saddle: the corners on the other side of the level from the cell's mean are cut off alone,
        // each by the segment between its two edges (corner c lies between edges c - 1 and c).
        const bool centre_above = (v[0] + v[1] + v[2] + v[3]) / 4 > level;
        for (int c = 0; c < 4; ++c) {
          if ((v[c] > level) != centre_above) out.push_back({cross[(c + 3) % 4], cross[c]});
        }
      }
    }
  }
  return out;
}

}  // namespace epochscope::ui
