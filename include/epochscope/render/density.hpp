// Contract: a view's points drawn as density instead of sprites, for when many points share a
// pixel (70,000 points in a 700 x 400 canvas cover each pixel several times over, and sprites
// become grey sheets with the classes buried under whichever was drawn last).
//
// aggregate_density() splats every listed point's weight (its style's alpha) and its weighted
// straight colour bilinearly into the pixels of an image of the view's size, then widens each
// splat to about the points' diameter with two box filters per axis (a tent, mass preserved away
// from the image's edges). shade_density() turns that into premultiplied RGBA: the colour of a
// pixel is the weighted mean colour of the points there (a mixed border shows as a mix; a
// highlighted class outweighs the greyed rest, whose alpha is low), its opacity grows with the log
// of the density, from `floor` for a lone point to 1 at the `percentile`-th densest covered pixel,
// so the inside of a cluster shows where it is densest. Both are pure CPU code (tested without GL).
// DensityRenderer uploads the result as a texture and composites it over the view's viewport; the
// caller draws what must stay exact (the emphasised points) on top with the PointRenderer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "epochscope/render/gl_object.hpp"
#include "epochscope/render/layer_cache.hpp"
#include "epochscope/render/point_renderer.hpp"

namespace epochscope::render {

/// Per-pixel sums, rows from the bottom (GL's texture order).
struct DensityImage {
  int width = 0, height = 0;
  /// width x height x 4: per pixel the sum of the point weights reaching it, then the weighted sums
  /// of straight red, green and blue (0..1)
  std::vector<float> sums;
  float weight(std::size_t pixel) const { return sums[4 * pixel]; }
  double total = 0;           ///< sum of the weights over every pixel
  std::size_t points = 0;     ///< listed points whose centre fell inside the image
  float lone_peak = 0;        ///< the peak a single point of weight 1 leaves (the kernel's centre)
  std::vector<float> scratch; ///< the filter's working copy (kept to reuse its memory)
};

struct DensityOptions {
  float floor = 0.35f;         ///< opacity of a lone point's centre (the sparsest covered pixels)
  float percentile = 0.99f;    ///< covered pixels at this density and above are fully opaque
};

/// `xy`: 2-D positions, interleaved; `order`: the indices to draw (others are left out); a point's
/// pixel = (position * scale + offset + 1) / 2 * size (the 2-D map of ViewParams::set_2d), row 0 at
/// the bottom. `point_px`: the points' diameter, which sets the kernel's width.
DensityImage aggregate_density(std::span<const float> xy, std::span<const PointStyle> styles,
                               std::span<const std::uint32_t> order, const float scale[2], const float offset[2],
                               int width, int height, float point_px);
/// The same into `image`, reusing its memory.
void aggregate_density(std::span<const float> xy, std::span<const PointStyle> styles,
                       std::span<const std::uint32_t> order, const float scale[2], const float offset[2],
                       int width, int height, float point_px, DensityImage& image);

/// Premultiplied RGBA8, width x height, rows from the bottom.
std::vector<std::uint8_t> shade_density(const DensityImage& image, const DensityOptions& options = {});
/// The same into `rgba`, reusing its memory (and `scratch`'s).
void shade_density(const DensityImage& image, const DensityOptions& options, std::vector<std::uint8_t>& rgba,
                   std::vector<float>& scratch);

/// Mean number of sprites covering a pixel of a `width` x `height` canvas: visible points (those
/// inside it) times a sprite's area, over the canvas's area. Above about 2, density reads better.
double sprite_coverage(std::size_t visible_points, float point_px, int width, int height);

class DensityRenderer {
 public:
  explicit DensityRenderer(const std::filesystem::path& shader_dir);
  /// Draws the cloud's listed points before `end` in its style buffer's order (2-D clouds only) as
  /// density over the view's viewport. Needs the GL context current.
  void draw(const PointCloud& cloud, const ViewParams& view, float point_px, std::size_t end,
            const DensityOptions& options = {}) const;

 private:
  Compositor compositor_;
  GlTexture texture_;  // scratch: each draw fills it and composites it at once
  mutable int width_ = 0, height_ = 0;
  // The CPU side's memory, kept between draws (a 700 x 400 view's sums are 4.5 MB).
  mutable DensityImage image_;
  mutable std::vector<std::uint8_t> rgba_;
  mutable std::vector<float> covered_;
};

}  // namespace epochscope::render
