// Contract: a final layout as a session file keeps it (io writes and reads these records; jobs turns
// them into the layout pool's results and back). Plain data: the method and layer are names, so a
// record names what the session says exists, checked by whoever reads it.
#pragma once

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "epochscope/core/matrix.hpp"

namespace epochscope::store {

/// One final layout of one frame, saved so reopening a session does not compute it again.
struct LayoutRecord {
  std::string method;  ///< "tsne", "umap", ...
  std::string layer;   ///< "output", "logits", "hidden", "input"
  int dims = 2;
  int frame = 0;
  Matrix positions;    ///< N x dims (stored within 1e-3, see codec.hpp)
  double recall_at_10 = std::numeric_limits<double>::quiet_NaN();
  double knn_accuracy = std::numeric_limits<double>::quiet_NaN();
  double displacement = std::numeric_limits<double>::quiet_NaN();
  std::string cost_name;
  double cost = std::numeric_limits<double>::quiet_NaN();
  double seconds = 0;
  std::vector<std::pair<int, int>> edges;  ///< kNN graph layouts only
};

}  // namespace epochscope::store
