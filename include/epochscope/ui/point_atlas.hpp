// Contract: the image atlas of a session's tracked points: their images, or for 1-D signals
// (MNIST-1D) their line plots as 28 x 28 thumbnails (store/thumbnails.hpp). Needs a current GL
// context; throws epochscope::Error when the atlas exceeds the driver's texture size.
#pragma once

#include "epochscope/render/atlas.hpp"
#include "epochscope/store/frame.hpp"

namespace epochscope::ui {

render::ImageAtlas make_point_atlas(const store::PointSet& points);

}  // namespace epochscope::ui
