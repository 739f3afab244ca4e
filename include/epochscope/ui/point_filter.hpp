// Contract: which points a filter keeps (no ImGui). Every condition that is set must hold: the true
// class, the predicted class, right or wrong, the confidence of the prediction in [lo, hi], the
// prediction changed since frame N (a different class now than there), first classified correctly
// at epoch >= E (never counts as >= any E), and one point's index. The split filter stays where it
// was (UiState::filter). The Filter panel selects what matches, or greys out the rest in every view.
#pragma once

#include <vector>

#include "epochscope/store/frame.hpp"

namespace epochscope::ui {

struct PointFilter {
  int true_class = -1;        ///< -1: any
  int predicted_class = -1;   ///< -1: any
  int correct = 0;            ///< 0 any, 1 right, 2 wrong
  float confidence_lo = 0.0f, confidence_hi = 1.0f;
  int changed_since = -1;     ///< frame index; -1: not asked
  int first_correct_at_least = -1;  ///< epoch; -1: not asked
  int point = -1;             ///< one point's index; -1: any

  bool active() const {
    return true_class >= 0 || predicted_class >= 0 || correct != 0 || confidence_lo > 0.0f || confidence_hi < 1.0f ||
           changed_since >= 0 || first_correct_at_least >= 0 || point >= 0;
  }
  bool operator==(const PointFilter&) const = default;
};

/// One flag per point (1 = kept) at frame `frame` of `frames`. Conditions about predictions hold for
/// no point when the frames predict nothing (an imported embedding).
std::vector<std::uint8_t> filter_mask(const store::PointSet& points, const std::vector<store::FramePtr>& frames, int frame,
                                      const PointFilter& filter);

/// The indices the mask keeps.
std::vector<int> kept_points(const std::vector<std::uint8_t>& mask);

}  // namespace epochscope::ui
