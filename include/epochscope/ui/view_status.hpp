// Contract: a view's state in words, for its status line (no ImGui): what a chain of the layout
// pool is doing ("t-SNE: 31/46 frames, animating frame 31, iteration 430/750"), how far along it is,
// and the trust readouts (KL, recall@10, moved, changed) that follow it. Pure string building, so
// every wording is unit-tested.
#pragma once

#include <limits>
#include <string>
#include <string_view>

#include "epochscope/jobs/layout_pool.hpp"

namespace epochscope::ui {

/// The layout a view shows of a pool chain.
struct ShownLayout {
  int frame = -1;          ///< -1: none yet
  bool final = false;
  int iteration = 0, total_iterations = 0;
};

/// "{label}: F/A frames", then why it stopped, what it animates or computes, and which frame it
/// shows while the wanted one is not ready.
std::string chain_status(std::string_view label, const jobs::ChainStatus& st, const ShownLayout& shown, int wanted_frame);
/// Share of the chain's frames done, counting the working frame's iterations; in [0, 1].
float chain_progress(const jobs::ChainStatus& st);

struct Readouts {
  double kl = std::numeric_limits<double>::quiet_NaN();  ///< t-SNE's KL divergence, when known
  double recall = -1;                                    ///< recall@10, -1 unknown
  double displacement = -1;                              ///< "moved", -1 unknown
  double mean_change = -1;                               ///< "changed", -1 unknown or not shown
};

/// "  |  KL 1.23  |  recall@10 0.71  |  moved 0.05  |  changed 12%", the known ones only.
std::string readouts_text(const Readouts& r);

}  // namespace epochscope::ui
