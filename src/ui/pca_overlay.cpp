#include "epochscope/ui/pca_overlay.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

namespace {

// Where the images go: a cell size, how many fit, and the column's width (the labels may be wider
// than the images).
struct ComponentColumn {
  int count = 0;
  float cell = 0, image_w = 0, image_h = 0, width = 0, label_h = 0;
};

ComponentColumn column_for(const UiContext& ctx, const jobs::PcaComponents& c, const Rect& rect) {
  const auto* points = ctx.points();
  if (points == nullptr || points->signal || points->height < 2) return {};
  if (c.loadings.rows() != static_cast<Eigen::Index>(points->image_size())) return {};
  ComponentColumn col;
  const int wanted = static_cast<int>(std::min<Eigen::Index>(c.loadings.cols(), 4));
  col.label_h = ImGui::GetTextLineHeight() + 4;
  const float h = static_cast<float>(points->height);
  col.cell = std::clamp((rect.height() - 20.0f) / static_cast<float>(std::max(wanted, 1)) / h * 0.75f, 1.0f, 2.5f * em());
  col.image_w = col.cell * static_cast<float>(points->width);
  col.image_h = col.cell * h;
  const float step = col.image_h + col.label_h + 8;
  col.count = std::min(wanted, static_cast<int>((rect.height() - 10.0f) / step));
  col.width = std::max(col.image_w, ImGui::CalcTextSize("PC4 99.9%").x);
  return col;
}

}  // namespace

float pca_components_width(const UiContext& ctx, const jobs::PcaComponents& c, const Rect& rect) {
  const ComponentColumn col = column_for(ctx, c, rect);
  return col.count > 0 ? col.width + 20 : 0.0f;
}

int draw_pca_components(UiContext& ctx, const jobs::PcaComponents& c, const Rect& rect, int slot) {
  const ComponentColumn layout = column_for(ctx, c, rect);
  if (layout.count <= 0) return 0;
  const auto* points = ctx.points();
  const auto w = points->width, h = points->height;
  const int count = layout.count;
  const float cell = layout.cell, tw = layout.image_w, th = layout.image_h;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float y = rect.min.y + 10;
  const float box_x = rect.max.x - layout.width - 10;  // the column; each image centred in it
  const float x = box_x + (layout.width - tw) / 2;
  int drawn = 0;
  for (int k = 0; k < count; ++k) {
    // A pixel's loading; colour images show the sum over its three channels (its net push).
    const auto col = c.loadings.col(k);
    const int ch = std::max(points->channels, 1);
    auto loading = [&](int pixel) {
      float sum = 0;
      for (int j = 0; j < ch; ++j) sum += col(pixel * ch + j);
      return sum;
    };
    float top = 1e-12f;
    for (int p = 0; p < w * h; ++p) top = std::max(top, std::fabs(loading(p)));
    dl->AddRectFilled(ImVec2(box_x - 3, y - 3), ImVec2(box_x + layout.width + 3, y + th + layout.label_h), to_imu32(ctx.theme->overlay_bg), 3.0f);
    for (int r = 0; r < h; ++r) {
      for (int q = 0; q < w; ++q) {
        const ImVec2 p(x + static_cast<float>(q) * cell, y + static_cast<float>(r) * cell);
        dl->AddRectFilled(p, ImVec2(p.x + cell, p.y + cell), to_imu32(loading_colour(loading(r * w + q) / top)));
      }
    }
    const double ratio = static_cast<std::size_t>(k) < c.explained_ratio.size() ? c.explained_ratio[static_cast<std::size_t>(k)] : 0.0;
    const std::string label = fmt::format("PC{} {:.1f}%", k + 1, 100 * ratio);
    dl->AddText(ImVec2(box_x + (layout.width - ImGui::CalcTextSize(label.c_str()).x) / 2, y + th + 2), to_imu32(ctx.theme->text), label.c_str());
    y += th + layout.label_h + 8;
    ++drawn;
  }
  if (ImGui::IsMouseHoveringRect(ImVec2(box_x - 3, rect.min.y + 7), ImVec2(box_x + layout.width + 3, y))) {
    ImGui::SetTooltip("The first principal components of the input pixels as images of their loadings:\n"
                      "red pixels push a point along +PC, blue along -PC; x is PC1, y is PC2%s.",
                      points->channels == 3 ? "\n(colour images: each pixel's three channels summed)" : "");
  }
  ctx.hooks[fmt::format("view{}_components", slot)] = {{box_x, rect.min.y + 10}, {box_x + layout.width, y}};
  return drawn;
}

}  // namespace epochscope::ui
