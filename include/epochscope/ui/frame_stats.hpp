// Contract: frame-time bookkeeping for --stats and the status line: a record of every frame's
// duration and percentiles over it. Pure arithmetic.
#pragma once

#include <string>
#include <vector>

namespace epochscope::ui {

/// How frames were drawn (see ui/damage.hpp): the whole window, some regions, or nothing.
struct RedrawCounts {
  std::size_t full = 0;
  std::size_t partial = 0;
  std::size_t unchanged = 0;      ///< frames whose picture did not change: not drawn
  double partial_fraction = 0;    ///< summed share of the window the partial frames drew
  long checked_pixels_differing = -1;  ///< test mode: last partial frame vs the whole window drawn (-1: none)
  std::size_t checks = 0;
};

class FrameStats {
 public:
  /// A drawn frame's duration (the percentiles are over drawn frames only).
  void add(double milliseconds) { samples_.push_back(milliseconds); }
  RedrawCounts& redraws() { return redraws_; }
  const RedrawCounts& redraws() const { return redraws_; }
  /// "redraws: full F, partial P (x% of the window on average), unchanged U (not drawn)".
  std::string redraw_summary() const;
  std::size_t count() const { return samples_.size(); }
  /// p in [0, 100]; 0 when empty. Nearest-rank percentile.
  double percentile(double p) const;
  double max() const;
  /// Drawn frames that took longer than `milliseconds`.
  std::size_t over(double milliseconds) const;
  /// "frames N, p50 a ms, p95 b ms, p99 c ms, max d ms, over 100 ms: k".
  std::string summary() const;

 private:
  std::vector<double> samples_;
  RedrawCounts redraws_;
};

}  // namespace epochscope::ui
