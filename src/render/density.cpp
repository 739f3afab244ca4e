#include "epochscope/render/density.hpp"

#include <glad/gl.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace epochscope::render {
namespace {

// The box filter's half-width for points of this diameter: two passes of width 2r + 1 make a tent
// 4r + 1 pixels wide, about the sprite's diameter.
int box_radius(float point_px) { return std::max(1, static_cast<int>(std::lround((point_px - 1.0f) / 4.0f))); }

// Two passes of a box filter of half-width r along each axis over an interleaved 4-channel plane
// (weight, r, g, b per pixel), in place; `tmp` is scratch of the same size. Each value spreads over
// its 2r + 1 neighbours; what falls past the edges is lost. Rows run over whole 4-float pixels and
// columns over whole rows, so both directions walk memory in order.
void tent_blur(std::vector<float>& plane, std::vector<float>& tmp, int width, int height, int r) {
  const auto w = static_cast<std::ptrdiff_t>(width), h = static_cast<std::ptrdiff_t>(height);
  const float inv = 1.0f / static_cast<float>(2 * r + 1);
  tmp.resize(plane.size());
  for (int pass = 0; pass < 2; ++pass) {
    // Along x: plane -> tmp.
    for (std::ptrdiff_t y = 0; y < h; ++y) {
      const float* in = plane.data() + 4 * y * w;
      float* out = tmp.data() + 4 * y * w;
      float acc[4] = {0, 0, 0, 0};
      const auto take = [&](std::ptrdiff_t x) { for (int k = 0; k < 4; ++k) acc[k] += in[4 * x + k]; };
      const auto drop = [&](std::ptrdiff_t x) { for (int k = 0; k < 4; ++k) acc[k] -= in[4 * x + k]; };
      const auto put = [&](std::ptrdiff_t x) { for (int k = 0; k < 4; ++k) out[4 * x + k] = acc[k] * inv; };
      for (std::ptrdiff_t x = 0; x < std::min<std::ptrdiff_t>(r, w); ++x) take(x);
      // The edges test both ends; the inside (most of the row) needs no test.
      const std::ptrdiff_t lo = std::min<std::ptrdiff_t>(r + 1, w), hi = std::max<std::ptrdiff_t>(lo, w - r);
      for (std::ptrdiff_t x = 0; x < lo; ++x) {
        if (x + r < w) take(x + r);
        put(x);
      }
      for (std::ptrdiff_t x = lo; x < hi; ++x) {
        take(x + r);
        drop(x - r - 1);
        put(x);
      }
      for (std::ptrdiff_t x = hi; x < w; ++x) {
        if (x + r < w) take(x + r);
        if (x - r - 1 >= 0) drop(x - r - 1);
        put(x);
      }
    }
    // Along y: tmp -> plane, a running sum of whole rows.
    const auto row = static_cast<std::size_t>(4 * w);
    std::vector<float> acc(row, 0.0f);
    const auto add_row = [&](std::ptrdiff_t y, float sign) {
      const float* in = tmp.data() + static_cast<std::size_t>(y) * row;
      for (std::size_t i = 0; i < row; ++i) acc[i] += sign * in[i];
    };
    for (std::ptrdiff_t y = 0; y < std::min<std::ptrdiff_t>(r, h); ++y) add_row(y, 1.0f);
    for (std::ptrdiff_t y = 0; y < h; ++y) {
      if (y + r < h) add_row(y + r, 1.0f);
      if (y - r - 1 >= 0) add_row(y - r - 1, -1.0f);
      float* out = plane.data() + static_cast<std::size_t>(y) * row;
      for (std::size_t i = 0; i < row; ++i) out[i] = acc[i] * inv;
    }
  }
}

}  // namespace

void aggregate_density(std::span<const float> xy, std::span<const PointStyle> styles,
                       std::span<const std::uint32_t> order, const float scale[2], const float offset[2],
                       int width, int height, float point_px, DensityImage& img) {
  img.points = 0;
  img.total = 0;
  img.width = std::max(width, 0);
  img.height = std::max(height, 0);
  const auto w = static_cast<std::size_t>(img.width), h = static_cast<std::size_t>(img.height);
  const int r = box_radius(point_px);
  img.lone_peak = 1.0f / static_cast<float>((2 * r + 1) * (2 * r + 1));
  std::vector<float>& plane = img.sums;
  plane.assign(w * h * 4, 0.0f);  // (reuses the image's storage: no page faults from the second call on)
  if (w == 0 || h == 0) return;
  const std::size_t n = std::min(xy.size() / 2, styles.size());
  const auto add = [&](std::ptrdiff_t x, std::ptrdiff_t y, float m, const float c[3]) {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    float* p = plane.data() + 4 * (static_cast<std::size_t>(y) * w + static_cast<std::size_t>(x));
    p[0] += m;
    p[1] += m * c[0];
    p[2] += m * c[1];
    p[3] += m * c[2];
  };
  for (const std::uint32_t i : order) {
    if (i >= n) continue;
    const float px = (xy[2 * i] * scale[0] + offset[0] + 1.0f) * 0.5f * static_cast<float>(w);
    const float py = (xy[2 * i + 1] * scale[1] + offset[1] + 1.0f) * 0.5f * static_cast<float>(h);
    if (!(px >= 0 && py >= 0 && px < static_cast<float>(w) && py < static_cast<float>(h))) continue;  // NaN too
    const PointStyle& s = styles[i];
    const float a = static_cast<float>(s.a) / 255.0f;
    if (a <= 0) continue;
    const float c[3] = {static_cast<float>(s.r) / 255.0f, static_cast<float>(s.g) / 255.0f, static_cast<float>(s.b) / 255.0f};
    ++img.points;
    // Bilinear: the weight goes to the four pixel centres around the point, in proportion.
    const float fx = px - 0.5f, fy = py - 0.5f;
    const float x0 = std::floor(fx), y0 = std::floor(fy);
    const float tx = fx - x0, ty = fy - y0;
    const auto ix = static_cast<std::ptrdiff_t>(x0), iy = static_cast<std::ptrdiff_t>(y0);
    add(ix, iy, a * (1 - tx) * (1 - ty), c);
    add(ix + 1, iy, a * tx * (1 - ty), c);
    add(ix, iy + 1, a * (1 - tx) * ty, c);
    add(ix + 1, iy + 1, a * tx * ty, c);
  }
  tent_blur(plane, img.scratch, img.width, img.height, r);
  double total = 0;
  for (std::size_t p = 0; p < w * h; ++p) total += plane[4 * p];
  img.total = total;
}

DensityImage aggregate_density(std::span<const float> xy, std::span<const PointStyle> styles,
                               std::span<const std::uint32_t> order, const float scale[2], const float offset[2],
                               int width, int height, float point_px) {
  DensityImage img;
  aggregate_density(xy, styles, order, scale, offset, width, height, point_px, img);
  return img;
}

std::vector<std::uint8_t> shade_density(const DensityImage& img, const DensityOptions& options) {
  std::vector<std::uint8_t> rgba;
  std::vector<float> covered;
  shade_density(img, options, rgba, covered);
  return rgba;
}

void shade_density(const DensityImage& img, const DensityOptions& options, std::vector<std::uint8_t>& rgba,
                   std::vector<float>& covered) {
  const std::size_t count = static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height);
  rgba.assign(count * 4, 0);
  covered.clear();
  if (count == 0 || img.lone_peak <= 0) return;
  // The weight of a lone, fully opaque point at its centre: the unit of density.
  const float unit = img.lone_peak;
  const float cut = 0.02f * unit;  // below this a pixel shows nothing (the tent's far rim)
  for (std::size_t p = 0; p < count; ++p) {
    if (img.sums[4 * p] > cut) covered.push_back(img.sums[4 * p]);
  }
  float hi = 2 * unit;
  if (!covered.empty()) {
    const auto q = static_cast<std::size_t>(std::clamp(options.percentile, 0.0f, 1.0f) * static_cast<float>(covered.size() - 1));
    std::nth_element(covered.begin(), covered.begin() + static_cast<std::ptrdiff_t>(q), covered.end());
    hi = std::max(hi, covered[q]);
  }
  const float span = std::log1p(hi / unit);
  const float floor = std::clamp(options.floor, 0.0f, 1.0f);
  // Opacity as a function of density, tabulated from 0 to `hi` (a log per pixel cost more than the
  // rest of the shading): a lone point's rim fades out; from its centre up, opacity follows the log
  // of the density.
  constexpr int kSteps = 4096;
  std::array<float, kSteps + 1> table{};
  for (int k = 0; k <= kSteps; ++k) {
    const float v = hi * static_cast<float>(k) / kSteps;
    const float t = std::min(1.0f, std::log1p(v / unit) / span);
    table[static_cast<std::size_t>(k)] = std::min(1.0f, v / unit) * (floor + (1 - floor) * t);
  }
  const float to_step = kSteps / hi;
  for (std::size_t p = 0; p < count; ++p) {
    const float* px = img.sums.data() + 4 * p;
    const float v = px[0];
    if (v <= cut) continue;
    const float alpha = v >= hi ? 1.0f : table[static_cast<std::size_t>(v * to_step + 0.5f)];
    const float scale = 255.0f * alpha / v;
    for (std::size_t k = 0; k < 3; ++k) {
      rgba[4 * p + k] = static_cast<std::uint8_t>(std::clamp(px[k + 1] * scale, 0.0f, 255.0f) + 0.5f);
    }
    rgba[4 * p + 3] = static_cast<std::uint8_t>(255.0f * alpha + 0.5f);
  }
}

double sprite_coverage(std::size_t visible_points, float point_px, int width, int height) {
  if (width <= 0 || height <= 0) return 0;
  const double r = 0.5 * std::max(point_px, 1.0f);
  return static_cast<double>(visible_points) * std::numbers::pi * r * r / (static_cast<double>(width) * height);
}

DensityRenderer::DensityRenderer(const std::filesystem::path& shader_dir)
    : compositor_(shader_dir), texture_(gl_create<GlKind::texture>()) {}

void DensityRenderer::draw(const PointCloud& cloud, const ViewParams& view, float point_px, std::size_t end,
                           const DensityOptions& options) const {
  const int w = std::max(view.viewport.width, 1), h = std::max(view.viewport.height, 1);
  const auto order = cloud.styles().cpu_order();
  const float scale[2] = {view.transform[0], view.transform[5]};
  const float offset[2] = {view.transform[12], view.transform[13]};
  aggregate_density(cloud.cpu_positions(), cloud.styles().cpu_styles(), order.first(std::min(end, order.size())),
                    scale, offset, w, h, point_px, image_);
  shade_density(image_, options, rgba_, covered_);
  const auto& rgba = rgba_;
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, texture_.id());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  if (w != width_ || h != height_) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    width_ = w;
    height_ = h;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  }
  compositor_.draw(texture_.id(), view.viewport, view.scissor);
}

}  // namespace epochscope::render
