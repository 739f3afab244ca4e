#include <algorithm>
#include <string>

#include "epochscope/store/frame.hpp"

namespace epochscope::store {

std::size_t PointSet::heldout_count() const {
  return static_cast<std::size_t>(std::count(heldout.begin(), heldout.end(), std::uint8_t{1}));
}

std::string why_points_differ(const PointSet& a, const PointSet& b) {
  if (a.dataset != b.dataset) return "one run is on " + a.dataset + ", the other on " + b.dataset;
  if (a.size() != b.size()) {
    return "one run tracks " + std::to_string(a.size()) + " points, the other " + std::to_string(b.size());
  }
  if (a.image_size() != b.image_size()) return "the runs' inputs differ in size";
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool same = a.labels[i] == b.labels[i] && a.heldout[i] == b.heldout[i] &&
                      (i >= a.source_index.size() || i >= b.source_index.size() || a.source_index[i] == b.source_index[i]);
    if (!same) return "point " + std::to_string(i) + " is a different image in each run (track the same points: same seed and --tracked)";
  }
  return {};
}

}  // namespace epochscope::store
