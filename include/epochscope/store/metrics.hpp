// Contract: a frame's metrics from its logits: cross-entropy and accuracy on the training and the
// held-out points, per-class held-out accuracy and the held-out confusion matrix.
#pragma once

#include "epochscope/store/frame.hpp"

namespace epochscope::store {

/// logits: points x classes. predicted (out): argmax per point.
FrameMetrics compute_metrics(const PointSet& points, const Matrix& logits, std::vector<std::uint8_t>& predicted);

/// Row-wise softmax of logits (numerically stable).
Matrix softmax(const Matrix& logits);

}  // namespace epochscope::store
