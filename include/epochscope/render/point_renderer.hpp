// Contract: the GPU side of a projection view. A PointCloud holds one view's 2-D or 3-D positions
// (one buffer, re-uploaded in place when the layout moves); a PointStyleBuffer holds every point's colour
// and flags plus the draw order (an index list: filtered points left out, emphasised points last so
// they are drawn on top), shared by all views; an EdgeBuffer holds index pairs for graph edges.
// PointRenderer draws all listed points of a view in ONE glDrawElements(GL_POINTS) call as round,
// anti-aliased sprites (held-out points as rings), or as their digit images from an ImageAtlas.
// LineRenderer draws edges between a cloud's points in one call. Positions map to clip space by a
// 4x4 matrix (ViewParams::transform; set_2d() makes the 2-D map ndc = position * scale + offset).
// A 3-D view turns on depth testing (cleared inside its viewport only), sizes points by perspective
// and dims the far ones, so depth reads at a glance. All calls need the GL context current on the
// calling thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "epochscope/render/gl_object.hpp"

namespace epochscope::render {

class ImageAtlas;

/// Per-point style: straight RGBA8 colour and flags (see kFlag*).
struct PointStyle {
  std::uint8_t r = 255, g = 255, b = 255, a = 255;
  std::uint8_t flags = 0;
  std::uint8_t pad[3] = {0, 0, 0};
};
inline constexpr std::uint8_t kFlagHollow = 1;  ///< drawn as a ring (held-out points)
inline constexpr std::uint8_t kFlagLarge = 2;   ///< drawn 1.6x larger (emphasised)
/// Greyed-out context (another class is highlighted): in 3-D, drawn at the far plane so it never
/// hides the highlighted points in front of which it happens to lie.
inline constexpr std::uint8_t kFlagBehind = 4;

class PointStyleBuffer {
 public:
  PointStyleBuffer();
  void set_styles(std::span<const PointStyle> styles);
  /// Indices of the points to draw, in drawing order; those from `emphasised_from` on (default: none)
  /// are emphasised, drawn last and as sprites even when the rest is drawn as density.
  void set_order(std::span<const std::uint32_t> order, std::size_t emphasised_from = SIZE_MAX);
  std::size_t order_count() const { return order_count_; }
  std::size_t emphasised_from() const { return emphasised_from_; }
  /// The CPU copies of what was uploaded (the density renderer aggregates from them).
  std::span<const PointStyle> cpu_styles() const { return cpu_styles_; }
  std::span<const std::uint32_t> cpu_order() const { return cpu_order_; }
  unsigned style_buffer() const { return styles_.id(); }
  unsigned order_buffer() const { return order_.id(); }
  /// Increases with every upload (for caches of what was drawn with these styles).
  std::uint64_t version() const { return version_; }

 private:
  GlBuffer styles_;
  GlBuffer order_;
  std::size_t order_count_ = 0;
  std::size_t emphasised_from_ = 0;
  std::vector<PointStyle> cpu_styles_;
  std::vector<std::uint32_t> cpu_order_;
  std::uint64_t version_ = 0;
};

class EdgeBuffer {
 public:
  EdgeBuffer();
  /// Pairs of point indices (i, j), flattened.
  void set_edges(std::span<const std::uint32_t> pairs);
  std::size_t index_count() const { return count_; }
  unsigned buffer() const { return indices_.id(); }
  std::uint64_t version() const { return version_; }  ///< increases with every upload

 private:
  GlBuffer indices_;
  std::size_t count_ = 0;
  std::uint64_t version_ = 0;
};

class PointCloud {
 public:
  /// `styles` must outlive the cloud (its buffer is bound into the cloud's vertex array).
  explicit PointCloud(const PointStyleBuffer& styles);
  /// n points of `dims` (2 or 3) coordinates, interleaved x0 y0 [z0] x1 ... (n must equal the style
  /// buffer's point count).
  void set_positions(std::span<const float> xy, int dims = 2);
  int dims() const { return dims_; }
  /// The CPU copy of the positions last uploaded.
  std::span<const float> cpu_positions() const { return cpu_positions_; }
  std::uint64_t version() const { return version_; }  ///< increases with every upload
  std::size_t size() const { return size_; }
  unsigned vertex_array() const { return vao_.id(); }
  const PointStyleBuffer& styles() const { return *styles_; }

 private:
  const PointStyleBuffer* styles_;
  GlVertexArray vao_;
  GlBuffer positions_;
  std::vector<float> cpu_positions_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  int dims_ = 2;
  std::uint64_t version_ = 0;
};

/// Where and how a view draws: viewport in framebuffer pixels, data -> clip space mapping.
struct ViewParams {
  Viewport viewport;
  Viewport scissor;         ///< the part of the viewport drawn into (framebuffer pixels); empty: all of it
  float transform[16] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};  ///< column-major
  bool depth = false;       ///< 3-D: depth test (the viewport's depth is cleared first)
  float ref_depth = 1;      ///< 3-D: points at this clip w have the nominal size (nearer: larger)
  float fog_near = 0, fog_far = 0;  ///< 3-D: clip w from which points dim, and where they are dimmest
  /// The 2-D map ndc = position * scale + offset, no depth.
  void set_2d(const float scale[2], const float offset[2]);
};

/// `viewport` intersected with `scissor` (when one is set: not empty).
Viewport scissor_box(const Viewport& viewport, const Viewport& scissor);

/// 3-D views: clears the depth buffer inside the view's viewport (scissored), before its draws.
void clear_depth(const ViewParams& view);

class PointRenderer {
 public:
  explicit PointRenderer(const std::filesystem::path& shader_dir);
  /// Draws the cloud's listed points. point_px: diameter in pixels (clamped to the driver's maximum);
  /// atlas non-null: draw digit images of that size instead of discs. `first`: draw the listed points
  /// from this one in the order on (the emphasised ones: the style buffer's emphasised_from()).
  void draw(const PointCloud& cloud, const ViewParams& view, float point_px, const ImageAtlas* atlas = nullptr,
            std::size_t first = 0) const;
  float max_point_size() const { return max_point_size_; }

 private:
  // Two builds of the same shaders: discs, and digit images (IMAGES defined). One shader with both
  // paths costs llvmpipe the texture path's code on every fragment: 10,000 discs drew ~1.7x slower.
  struct Program {
    GlProgram program;
    int u_transform, u_ref_depth, u_fog, u_depth, u_size, u_atlas, u_cols, u_tile, u_colour, u_tile_pixels;
  };
  static Program load(const std::filesystem::path& shader_dir, bool images);
  Program discs_, images_;
  float max_point_size_ = 64;
};

class LineRenderer {
 public:
  explicit LineRenderer(const std::filesystem::path& shader_dir);
  /// Draws the edges between the cloud's points in one call, colour RGBA 0..1.
  void draw(const PointCloud& cloud, const EdgeBuffer& edges, const ViewParams& view, const float rgba[4]) const;

 private:
  GlProgram program_;
  int u_transform_, u_color_;
};

}  // namespace epochscope::render
