// Contract: the Neurons panel. For one frame layer (default: the layer view 1 shows) at the epoch
// bar's frame: the class x unit matrix of mean activations (store/neurons.hpp), each column scaled
// to its unit's own range so a column shows which classes move that unit; columns grouped by
// preferred class (most selective first) or by selectivity alone. Hover a cell: the mean, the unit's
// selectivity and preferred class. Click a column: every view colours its points by that unit's
// activation (UiState::unit), and the panel shows the colour scale with its range and the unit's 16
// top-activating tracked points (thumbnails; click one to select it). The table is remade only when
// the frame or the layer changes (a few ms at 10,000 points x 512 units).
#pragma once

#include <string>
#include <vector>

#include "epochscope/store/neurons.hpp"
#include "epochscope/ui/context.hpp"
#include "epochscope/ui/ui_state.hpp"

namespace epochscope::ui {

class NeuronsPanel {
 public:
  void draw(UiContext& ctx, UiState& state);

 private:
  void draw_matrix(UiContext& ctx, UiState& state, const store::PointSet& points, const std::string& layer);
  void draw_unit(UiContext& ctx, UiState& state, const store::PointSet& points, const Matrix& values);

  const void* frame_ = nullptr;  ///< what table_ was made of
  std::string layer_;
  bool by_selectivity_ = false;
  store::NeuronTable table_;
  std::vector<int> order_;
};

}  // namespace epochscope::ui
