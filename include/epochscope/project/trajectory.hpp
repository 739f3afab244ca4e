// Contract: the training trajectory's principal components. trajectory_pca() is an exact PCA of the
// parameter sketches (store/trajectory.hpp says what they are): through the S x S Gram matrix when
// there are fewer snapshots than dims, else the dims x dims covariance.
#pragma once

#include <vector>

#include "epochscope/core/matrix.hpp"

namespace epochscope::project {

struct TrajectoryPca {
  Matrix coordinates;                   ///< S x k: each snapshot on the top k components
  std::vector<double> explained_ratio;  ///< per component, of the total variance
};

/// PCA of S snapshots (rows of `sketches`, S >= 2). k is capped at min(S - 1, dims). Component
/// signs are chosen so the last snapshot's coordinate is >= 0 (training runs towards +). Throws
/// epochscope::Error on fewer than 2 rows, k < 1 or non-finite values.
TrajectoryPca trajectory_pca(const Matrix& sketches, int k = 12);

}  // namespace epochscope::project
