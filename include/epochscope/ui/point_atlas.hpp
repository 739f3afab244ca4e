// Contract: the image atlas of a session's tracked points: their images (grey or colour), or for
// 1-D signals (MNIST-1D) their line plots as 28 x 28 thumbnails (store/thumbnails.hpp); nullptr for
// a session without images (texts only), which then draws discs. Needs a current GL context; throws
// epochscope::Error when the atlas exceeds the driver's texture size.
#pragma once

#include <memory>

#include "epochscope/render/atlas.hpp"
#include "epochscope/store/frame.hpp"

namespace epochscope::ui {

std::unique_ptr<render::ImageAtlas> make_point_atlas(const store::PointSet& points);

}  // namespace epochscope::ui
