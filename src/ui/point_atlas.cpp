#include "epochscope/ui/point_atlas.hpp"

#include "epochscope/store/thumbnails.hpp"

namespace epochscope::ui {

render::ImageAtlas make_point_atlas(const store::PointSet& points) {
  if (!points.signal) return render::ImageAtlas(points.images, points.size(), points.height, points.width);
  const auto plots = store::signal_thumbnails(points, 28);
  return render::ImageAtlas(plots, points.size(), 28, 28);
}

}  // namespace epochscope::ui
