// Contract: the colours of PCA component images (no ImGui, no GL): a pixel's loading relative to the
// component's largest magnitude (-1..1) as red for +, blue for -, fading to black at 0.
#pragma once

#include "epochscope/ui/palette.hpp"

namespace epochscope::ui {

Rgba8 loading_colour(float relative);

}  // namespace epochscope::ui
