#include "epochscope/ui/quality_probe.hpp"

#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "epochscope/store/layers.hpp"

namespace epochscope::ui {

void QualityProbe::request(jobs::TaskRunner& tasks, std::shared_ptr<const store::EpochStore> source, store::FramePtr frame,
                           const std::string& layer, std::shared_ptr<const Matrix> positions,
                           std::shared_ptr<const knn::NeighborList> data_nn) {
  if (positions == nullptr || frame == nullptr || source == nullptr || covers(positions.get())) return;
  poll();
  waiting_ = task_ != nullptr;  // one at a time: the older layout's figures finish first
  if (waiting_) return;
  for_ = positions;
  value_.reset();
  error_.clear();
  // The frame (or, for the input, the store with its points) stays shared with the task.
  const Matrix* values = frame->layer(layer);
  if (layer != store::kInputLayer && values == nullptr) {
    error_ = "the frame has no layer '" + layer + "'";
    task_.reset();
    return;
  }
  task_ = tasks.submit([source, frame, values, positions, data_nn] {
    const Matrix input = values == nullptr ? store::input_values(source->points()) : Matrix();
    const Matrix& data = values != nullptr ? *values : input;
    if (data.rows() != positions->rows()) throw Error("the layout and the layer hold different points");
    const int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    const bool cached = data_nn != nullptr && data_nn->n == static_cast<std::size_t>(data.rows());
    const auto own_nn = cached ? knn::NeighborList{} : knn::build_knn(data, {.k = 10, .threads = threads});
    const auto layout_nn = knn::build_knn(*positions, {.k = 10, .threads = threads});
    return project::rank_quality(data, *positions, cached ? *data_nn : own_nn, layout_nn,
                                 {.rank_points = QualityProbe::kRankPoints, .threads = threads});
  });
}

void QualityProbe::poll() {
  if (task_ == nullptr || !task_->ready()) return;
  if (task_->failed()) error_ = task_->error();
  else value_ = task_->value();
  task_.reset();
}

const project::RankQuality* QualityProbe::figures(const Matrix* positions) {
  poll();
  return covers(positions) && value_ ? &*value_ : nullptr;
}

std::string QualityProbe::line(const Matrix* positions) {
  poll();
  if (!covers(positions)) return waiting() ? "trustworthiness, continuity and distance rho: computing..." : std::string();
  if (!error_.empty()) return "trustworthiness and continuity: " + error_;
  if (!value_) return "trustworthiness, continuity and distance rho: computing...";
  std::string text = fmt::format("trustworthiness {:.3f}  continuity {:.3f}  distance rho {:.3f}", value_->trustworthiness,
                                 value_->continuity, value_->spearman);
  if (value_->ranked < static_cast<std::size_t>(for_->rows())) {
    text += fmt::format(" (trustworthiness and continuity estimated on {} of the {} points)", value_->ranked, for_->rows());
  }
  return text;
}

}  // namespace epochscope::ui
