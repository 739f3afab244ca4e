// Contract: a view's rank-quality figures (trustworthiness, continuity at k = 10, Spearman's rho of
// distances on 2,000 points; project/rank_quality.hpp) on demand, trustworthiness and continuity
// exact up to kRankPoints points and estimated on that many beyond (at 70,000 points the exact
// figures cost about 25 CPU-seconds per layout, the estimate a seventh): asked for when the user hovers
// the view's readouts, computed once per shown layout on the window's task runner (never on its
// thread), forgotten when the layout changes. No ImGui.
#pragma once

#include <memory>
#include <string>

#include "epochscope/jobs/tasks.hpp"
#include "epochscope/project/rank_quality.hpp"
#include "epochscope/store/epoch_store.hpp"

namespace epochscope::ui {

class QualityProbe {
 public:
  static constexpr int kRankPoints = 10000;

  /// Starts the figures for `positions` (the layout of `layer` at `frame`) unless they are known or
  /// under way; a different layout replaces the one before, but only once the one under way has
  /// finished (a task cannot be stopped, and a layout animating under a resting cursor would
  /// otherwise queue one full computation per step: at 70,000 points, seconds each). Until then the
  /// request is refused and waiting() is true: ask again. `data_nn`: the layer's neighbour list when
  /// the layout pool has it (nullptr: the task makes one). The task uses every core.
  void request(jobs::TaskRunner& tasks, std::shared_ptr<const store::EpochStore> source, store::FramePtr frame,
               const std::string& layer, std::shared_ptr<const Matrix> positions,
               std::shared_ptr<const knn::NeighborList> data_nn = nullptr);
  /// Whether figures exist or are under way for exactly this layout.
  bool covers(const Matrix* positions) const { return positions != nullptr && positions == for_.get(); }
  /// A request for another layout was refused while figures for an older one are computed.
  bool waiting() {
    poll();
    return waiting_ && task_ != nullptr;
  }
  /// "trustworthiness 0.912  continuity 0.975  distance rho 0.845 (k = 10, 2,000 points)", or
  /// "... computing", or why not; empty when nothing was asked for this layout.
  std::string line(const Matrix* positions);
  /// The figures, once known for this layout (else nullptr).
  const project::RankQuality* figures(const Matrix* positions);

 private:
  void poll();
  std::shared_ptr<const Matrix> for_;
  jobs::TaskPtr<project::RankQuality> task_;
  std::optional<project::RankQuality> value_;
  std::string error_;
  bool waiting_ = false;
};

}  // namespace epochscope::ui
