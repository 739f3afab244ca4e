// Contract: a view's rank-quality figures (trustworthiness, continuity at k = 10, Spearman's rho of
// distances on 2,000 points; project/rank_quality.hpp) on demand: asked for when the user hovers
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
  /// Starts the figures for `positions` (the layout of `layer` at `frame`) unless they are known or
  /// under way; a different layout replaces the one before. `data_nn`: the layer's neighbour list
  /// when the layout pool has it (nullptr: the task makes one). The task uses every core.
  void request(jobs::TaskRunner& tasks, std::shared_ptr<const store::EpochStore> source, store::FramePtr frame,
               const std::string& layer, std::shared_ptr<const Matrix> positions,
               std::shared_ptr<const knn::NeighborList> data_nn = nullptr);
  /// Whether figures exist or are under way for exactly this layout.
  bool covers(const Matrix* positions) const { return positions != nullptr && positions == for_.get(); }
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
};

}  // namespace epochscope::ui
