#include "epochscope/ui/point_atlas.hpp"

#include "epochscope/store/thumbnails.hpp"

namespace epochscope::ui {

std::unique_ptr<render::ImageAtlas> make_point_atlas(const store::PointSet& points) {
  if (!points.has_images()) return nullptr;
  if (!points.signal) {
    return std::make_unique<render::ImageAtlas>(points.images, points.size(), points.height, points.width, points.channels);
  }
  const auto plots = store::signal_thumbnails(points, 28);
  return std::make_unique<render::ImageAtlas>(plots, points.size(), 28, 28);
}

}  // namespace epochscope::ui
