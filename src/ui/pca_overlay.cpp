#include "epochscope/ui/pca_overlay.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

int draw_pca_components(UiContext& ctx, const jobs::PcaComponents& c, const Rect& rect, int slot) {
  const auto* points = ctx.points();
  if (points == nullptr || points->signal || points->height < 2) return 0;
  const auto w = points->width, h = points->height;
  if (c.loadings.rows() != static_cast<Eigen::Index>(points->image_size())) return 0;
  const int count = static_cast<int>(std::min<Eigen::Index>(c.loadings.cols(), 4));
  const float cell = std::clamp((rect.height() - 40.0f) / static_cast<float>(count) / static_cast<float>(h + 7), 1.0f, 2.5f);
  const float tw = cell * static_cast<float>(w), th = cell * static_cast<float>(h);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float y = rect.min.y + 10;
  const float x = rect.max.x - tw - 10;
  int drawn = 0;
  for (int k = 0; k < count; ++k) {
    const auto col = c.loadings.col(k);
    const float top = std::max(col.cwiseAbs().maxCoeff(), 1e-12f);
    dl->AddRectFilled(ImVec2(x - 3, y - 3), ImVec2(x + tw + 3, y + th + 17), to_imu32(ctx.theme->overlay_bg), 3.0f);
    for (int r = 0; r < h; ++r) {
      for (int q = 0; q < w; ++q) {
        const ImVec2 p(x + static_cast<float>(q) * cell, y + static_cast<float>(r) * cell);
        dl->AddRectFilled(p, ImVec2(p.x + cell, p.y + cell), to_imu32(loading_colour(col(r * w + q) / top)));
      }
    }
    const double ratio = static_cast<std::size_t>(k) < c.explained_ratio.size() ? c.explained_ratio[static_cast<std::size_t>(k)] : 0.0;
    const std::string label = fmt::format("PC{} {:.1f}%", k + 1, 100 * ratio);
    dl->AddText(ImVec2(x, y + th + 2), to_imu32(ctx.theme->text), label.c_str());
    y += th + 24;
    ++drawn;
  }
  if (ImGui::IsMouseHoveringRect(ImVec2(x - 3, rect.min.y + 7), ImVec2(x + tw + 3, y))) {
    ImGui::SetTooltip("The first principal components of the input pixels as images of their loadings:\n"
                      "red pixels push a point along +PC, blue along -PC; x is PC1, y is PC2.");
  }
  ctx.hooks[fmt::format("view{}_components", slot)] = {{x, rect.min.y + 10}, {x + tw, y}};
  return drawn;
}

}  // namespace epochscope::ui
