// Contract: the "Neighbours in the layer" panel (right column): for the hovered point, else the
// inspected selected one, its 10 nearest neighbours in the layer itself (not in any picture) at the
// epoch bar's frame, exact (knn::neighbors_of), with thumbnails, classes and distances, and which are
// new since the previous frame. UiState::layer_neighbours gets them, so every view rings them and a
// user sees at once whether the picture keeps them together. Recomputed only when the point, the
// frame or the layer changes (under a millisecond at 10,000 x 64; a few at the 784 input pixels).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "epochscope/ui/context.hpp"
#include "epochscope/ui/ui_state.hpp"

namespace epochscope::ui {

class NeighboursPanel {
 public:
  void draw(UiContext& ctx, UiState& state);

 private:
  int point_ = -1;
  const void* frame_ = nullptr;
  std::string layer_;
  std::vector<std::pair<std::int32_t, float>> now_;
  std::vector<char> is_new_;
  int previous_frame_ = -1;  ///< the frame compared with, -1 when there is none
};

}  // namespace epochscope::ui
