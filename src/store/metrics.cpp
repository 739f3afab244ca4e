#include "epochscope/store/metrics.hpp"

#include <cmath>

namespace epochscope::store {

Matrix softmax(const Matrix& logits) {
  Matrix out(logits.rows(), logits.cols());
  for (Eigen::Index r = 0; r < logits.rows(); ++r) {
    const float mx = logits.row(r).maxCoeff();
    out.row(r) = (logits.row(r).array() - mx).exp();
    out.row(r) /= out.row(r).sum();
  }
  return out;
}

FrameMetrics compute_metrics(const PointSet& points, const Matrix& logits, std::vector<std::uint8_t>& predicted) {
  const int classes = points.class_count();
  if (logits.rows() != static_cast<Eigen::Index>(points.size()) || logits.cols() != classes) {
    throw Error("logits shape does not match the point set");
  }
  FrameMetrics m;
  m.confusion.assign(static_cast<std::size_t>(classes * classes), 0);
  std::vector<double> loss_sum(2, 0.0), correct(2, 0.0), count(2, 0.0);
  predicted.resize(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto row = logits.row(static_cast<Eigen::Index>(i));
    Eigen::Index arg = 0;
    const float mx = row.maxCoeff(&arg);
    const double lse = mx + std::log((row.array() - mx).exp().sum());
    const int label = points.labels[i];
    const int part = points.heldout[i] ? 1 : 0;
    loss_sum[part] += lse - row(label);
    correct[part] += arg == label ? 1.0 : 0.0;
    count[part] += 1.0;
    predicted[i] = static_cast<std::uint8_t>(arg);
    if (part == 1) m.confusion[static_cast<std::size_t>(label * classes + arg)]++;
  }
  m.train_loss = count[0] > 0 ? loss_sum[0] / count[0] : 0.0;
  m.train_accuracy = count[0] > 0 ? correct[0] / count[0] : 0.0;
  m.heldout_loss = count[1] > 0 ? loss_sum[1] / count[1] : 0.0;
  m.heldout_accuracy = count[1] > 0 ? correct[1] / count[1] : 0.0;
  m.per_class_accuracy.assign(static_cast<std::size_t>(classes), 0.0);
  for (int c = 0; c < classes; ++c) {
    double row_total = 0;
    for (int k = 0; k < classes; ++k) row_total += m.confusion[static_cast<std::size_t>(c * classes + k)];
    m.per_class_accuracy[static_cast<std::size_t>(c)] =
        row_total > 0 ? m.confusion[static_cast<std::size_t>(c * classes + c)] / row_total : 0.0;
  }
  return m;
}

}  // namespace epochscope::store
