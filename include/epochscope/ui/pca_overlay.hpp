// Contract: PCA of the input images shows its first components as images of their loadings down
// the right edge of the canvas (red: pixels that push a point along +PC, blue: along -PC, each image
// scaled to its largest magnitude), with the share of variance each explains. The colours are
// loading_colour() (ui/pca_images.hpp).
#pragma once

#include <imgui.h>

#include "epochscope/jobs/layout_pool.hpp"
#include "epochscope/ui/context.hpp"
#include "epochscope/ui/pca_images.hpp"

namespace epochscope::ui {

/// Draws up to four component images, as many as fit the canvas's height with their labels; returns
/// how many it drew (0 when the points are not images or the loadings do not match them).
int draw_pca_components(UiContext& ctx, const jobs::PcaComponents& components, const Rect& rect, int slot);

/// The width of the column the component images take at the right of `rect` (0 when none are
/// drawn), so the points can be fitted to the rest.
float pca_components_width(const UiContext& ctx, const jobs::PcaComponents& components, const Rect& rect);

}  // namespace epochscope::ui
