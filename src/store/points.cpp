#include <algorithm>

#include "epochscope/store/frame.hpp"

namespace epochscope::store {

std::size_t PointSet::heldout_count() const {
  return static_cast<std::size_t>(std::count(heldout.begin(), heldout.end(), std::uint8_t{1}));
}

}  // namespace epochscope::store
