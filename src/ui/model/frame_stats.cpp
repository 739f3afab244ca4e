#include "epochscope/ui/frame_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace epochscope::ui {

double FrameStats::percentile(double p) const {
  if (samples_.empty()) return 0;
  std::vector<double> sorted = samples_;
  std::sort(sorted.begin(), sorted.end());
  const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * static_cast<double>(sorted.size()));
  const auto idx = static_cast<std::size_t>(std::max(rank, 1.0)) - 1;
  return sorted[std::min(idx, sorted.size() - 1)];
}

double FrameStats::max() const { return samples_.empty() ? 0 : *std::max_element(samples_.begin(), samples_.end()); }

std::string FrameStats::summary() const {
  const auto over = this->over(100.0);
  char buf[200];
  std::snprintf(buf, sizeof buf, "frames %zu, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms, over 100 ms: %ld",
                samples_.size(), percentile(50), percentile(95), percentile(99), max(), static_cast<long>(over));
  return buf;
}

std::string FrameStats::redraw_summary() const {
  const auto& r = redraws_;
  char buf[200];
  std::snprintf(buf, sizeof buf, "redraws: full %zu, partial %zu (%.1f%% of the window on average), unchanged %zu (not drawn)",
                r.full, r.partial, r.partial > 0 ? 100.0 * r.partial_fraction / static_cast<double>(r.partial) : 0.0,
                r.unchanged);
  return buf;
}

std::size_t FrameStats::over(double milliseconds) const {
  return static_cast<std::size_t>(
      std::count_if(samples_.begin(), samples_.end(), [milliseconds](double v) { return v > milliseconds; }));
}

}  // namespace epochscope::ui
