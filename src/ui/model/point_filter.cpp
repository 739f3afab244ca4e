#include "epochscope/ui/point_filter.hpp"

#include <algorithm>

namespace epochscope::ui {

std::vector<std::uint8_t> filter_mask(const store::PointSet& points, const std::vector<store::FramePtr>& frames, int frame,
                                      const PointFilter& filter) {
  const std::size_t n = points.size();
  std::vector<std::uint8_t> keep(n, 1);
  if (!filter.active()) return keep;
  const store::Frame* now = frames.empty() ? nullptr : frames[static_cast<std::size_t>(std::clamp(frame, 0, static_cast<int>(frames.size()) - 1))].get();
  const bool predictions = now != nullptr && now->metrics.known() && now->predicted.size() == n;
  const Matrix* out = now != nullptr ? now->layer("output") : nullptr;
  const store::Frame* then = filter.changed_since >= 0 && filter.changed_since < static_cast<int>(frames.size())
                                 ? frames[static_cast<std::size_t>(filter.changed_since)].get() : nullptr;
  const bool asks_prediction = filter.predicted_class >= 0 || filter.correct != 0 || filter.confidence_lo > 0.0f ||
                               filter.confidence_hi < 1.0f || filter.changed_since >= 0 || filter.first_correct_at_least >= 0;
  for (std::size_t i = 0; i < n; ++i) {
    bool ok = true;
    const int label = points.labels[i];
    if (filter.point >= 0) ok = ok && static_cast<int>(i) == filter.point;
    if (filter.true_class >= 0) ok = ok && label == filter.true_class;
    if (ok && asks_prediction) {
      if (!predictions) {
        ok = false;
      } else {
        const int p = now->predicted[i];
        if (filter.predicted_class >= 0) ok = ok && p == filter.predicted_class;
        if (filter.correct == 1) ok = ok && p == label;
        if (filter.correct == 2) ok = ok && p != label;
        if (filter.confidence_lo > 0.0f || filter.confidence_hi < 1.0f) {
          const bool has = out != nullptr && static_cast<std::size_t>(out->rows()) == n && p < out->cols();
          const float c = has ? (*out)(static_cast<Eigen::Index>(i), p) : -1.0f;
          ok = ok && has && c >= filter.confidence_lo && c <= filter.confidence_hi;
        }
        if (filter.changed_since >= 0) {
          ok = ok && then != nullptr && then->metrics.known() && i < then->predicted.size() && then->predicted[i] != p;
        }
        if (filter.first_correct_at_least >= 0 && ok) {
          int first = -1;
          for (const auto& f : frames) {
            if (f->metrics.known() && i < f->predicted.size() && f->predicted[i] == label) {
              first = f->epoch;
              break;
            }
          }
          ok = first >= filter.first_correct_at_least;
        }
      }
    }
    keep[i] = ok ? 1 : 0;
  }
  return keep;
}

std::vector<int> kept_points(const std::vector<std::uint8_t>& mask) {
  std::vector<int> out;
  for (std::size_t i = 0; i < mask.size(); ++i) {
    if (mask[i] != 0) out.push_back(static_cast<int>(i));
  }
  return out;
}

}  // namespace epochscope::ui
