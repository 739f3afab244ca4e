// Contract: a one-line progress bar on stderr (epoch, batch, loss, accuracy, images/s, ETA),
// redrawn in place on a terminal and silent elsewhere (summary lines still print).
#pragma once

#include <cstdio>
#include <string>

#include "epochscope/train/trainer.hpp"

namespace epochscope::app {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  /// Redraws the bar; `eta_seconds` < 0 means unknown.
  void draw(const train::TrainProgress& p, double eta_seconds);
  /// Redraws a bar with free text and a fraction in 0..1.
  void draw_custom(const std::string& text, double fraction);
  /// Prints a whole line (clearing the bar first).
  void line(const std::string& text);
  void finish();

 private:
  bool enabled_;
  bool drawn_ = false;
};

std::string format_duration(double seconds);

}  // namespace epochscope::app
