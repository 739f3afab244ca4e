// Contract: frame-time bookkeeping for --stats and the status line: a record of every frame's
// duration and percentiles over it. Pure arithmetic.
#pragma once

#include <string>
#include <vector>

namespace epochscope::ui {

class FrameStats {
 public:
  void add(double milliseconds) { samples_.push_back(milliseconds); }
  std::size_t count() const { return samples_.size(); }
  /// p in [0, 100]; 0 when empty. Nearest-rank percentile.
  double percentile(double p) const;
  double max() const;
  /// "frames N, p50 a ms, p95 b ms, p99 c ms, max d ms, over 100 ms: k".
  std::string summary() const;

 private:
  std::vector<double> samples_;
};

}  // namespace epochscope::ui
