#include "epochscope/render/point_renderer.hpp"

#include <glad/gl.h>

#include <algorithm>

#include "epochscope/render/atlas.hpp"
#include "epochscope/render/shader.hpp"

namespace epochscope::render {
namespace {

// Replaces a buffer's contents; reallocates only when it grows (else uploads in place).
void upload(GLenum target, unsigned buffer, const void* data, std::size_t bytes, std::size_t& capacity) {
  glBindBuffer(target, buffer);
  if (bytes > capacity) {
    glBufferData(target, static_cast<GLsizeiptr>(bytes), data, GL_DYNAMIC_DRAW);
    capacity = bytes;
  } else if (bytes > 0) {
    glBufferSubData(target, 0, static_cast<GLsizeiptr>(bytes), data);
  }
}

void begin_view(const ViewParams& view) {
  glViewport(view.viewport.x, view.viewport.y, view.viewport.width, view.viewport.height);
  glEnable(GL_SCISSOR_TEST);
  const Viewport box = scissor_box(view.viewport, view.scissor);
  glScissor(box.x, box.y, box.width, box.height);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  if (view.depth) {
    glEnable(GL_DEPTH_TEST);
    glDepthFunc(GL_LEQUAL);
    glDepthMask(GL_TRUE);
  } else {
    glDisable(GL_DEPTH_TEST);
  }
}

// Leaves depth testing off for whatever draws next (ImGui).
void end_view(const ViewParams& view) {
  if (view.depth) glDisable(GL_DEPTH_TEST);
}

}  // namespace

void ViewParams::set_2d(const float scale[2], const float offset[2]) {
  const float m[16] = {scale[0], 0, 0, 0, 0, scale[1], 0, 0, 0, 0, 1, 0, offset[0], offset[1], 0, 1};
  std::copy(std::begin(m), std::end(m), std::begin(transform));
  depth = false;
  ref_depth = 1;
  fog_near = fog_far = 0;
}

Viewport scissor_box(const Viewport& v, const Viewport& s) {
  if (s.width <= 0 || s.height <= 0) return v;
  const int x0 = std::max(v.x, s.x), y0 = std::max(v.y, s.y);
  const int x1 = std::min(v.x + v.width, s.x + s.width), y1 = std::min(v.y + v.height, s.y + s.height);
  return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

void clear_depth(const ViewParams& view) {
  if (!view.depth) return;
  glEnable(GL_SCISSOR_TEST);
  const Viewport box = scissor_box(view.viewport, view.scissor);
  glScissor(box.x, box.y, box.width, box.height);
  glDepthMask(GL_TRUE);
  glClearDepth(1.0);
  glClear(GL_DEPTH_BUFFER_BIT);
}

PointStyleBuffer::PointStyleBuffer() : styles_(gl_create<GlKind::buffer>()), order_(gl_create<GlKind::buffer>()) {}

void PointStyleBuffer::set_styles(std::span<const PointStyle> styles) {
  glBindBuffer(GL_ARRAY_BUFFER, styles_.id());
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(styles.size_bytes()), styles.data(), GL_DYNAMIC_DRAW);
  cpu_styles_.assign(styles.begin(), styles.end());
  ++version_;
}

void PointStyleBuffer::set_order(std::span<const std::uint32_t> order, std::size_t emphasised_from) {
  // The element buffer is bound through a vertex array; use the array target to upload.
  glBindBuffer(GL_ARRAY_BUFFER, order_.id());
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(order.size_bytes()), order.data(), GL_DYNAMIC_DRAW);
  order_count_ = order.size();
  emphasised_from_ = std::min(emphasised_from, order.size());
  cpu_order_.assign(order.begin(), order.end());
  ++version_;
}

EdgeBuffer::EdgeBuffer() : indices_(gl_create<GlKind::buffer>()) {}

void EdgeBuffer::set_edges(std::span<const std::uint32_t> pairs) {
  glBindBuffer(GL_ARRAY_BUFFER, indices_.id());
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(pairs.size_bytes()), pairs.data(), GL_DYNAMIC_DRAW);
  count_ = pairs.size();
  ++version_;
}

PointCloud::PointCloud(const PointStyleBuffer& styles)
    : styles_(&styles), vao_(gl_create<GlKind::vertex_array>()), positions_(gl_create<GlKind::buffer>()) {
  glBindVertexArray(vao_.id());
  glBindBuffer(GL_ARRAY_BUFFER, positions_.id());
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), nullptr);  // z = 0 in the shader
  glBindBuffer(GL_ARRAY_BUFFER, styles.style_buffer());
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 4, GL_UNSIGNED_BYTE, GL_TRUE, sizeof(PointStyle), nullptr);
  glEnableVertexAttribArray(2);
  glVertexAttribIPointer(2, 1, GL_UNSIGNED_BYTE, sizeof(PointStyle), reinterpret_cast<const void*>(4));
  glBindVertexArray(0);
}

void PointCloud::set_positions(std::span<const float> xy, int dims) {
  dims = dims == 3 ? 3 : 2;
  upload(GL_ARRAY_BUFFER, positions_.id(), xy.data(), xy.size_bytes(), capacity_);
  cpu_positions_.assign(xy.begin(), xy.end());
  size_ = xy.size() / static_cast<std::size_t>(dims);
  ++version_;
  if (dims != dims_) {
    glBindVertexArray(vao_.id());
    glBindBuffer(GL_ARRAY_BUFFER, positions_.id());
    glVertexAttribPointer(0, dims, GL_FLOAT, GL_FALSE, dims * static_cast<GLsizei>(sizeof(float)), nullptr);
    glBindVertexArray(0);
    dims_ = dims;
  }
}

PointRenderer::Program PointRenderer::load(const std::filesystem::path& shader_dir, bool images) {
  Program p{load_program(shader_dir, "points.vert.glsl", "points.frag.glsl", images ? "#define IMAGES\n" : ""),
            0, 0, 0, 0, 0, 0, 0, 0};
  p.u_transform = uniform_location(p.program, "uTransform");
  p.u_ref_depth = uniform_location(p.program, "uRefDepth");
  p.u_fog = uniform_location(p.program, "uFog");
  p.u_depth = uniform_location(p.program, "uDepth");
  p.u_size = uniform_location(p.program, "uPointSize");
  p.u_atlas = uniform_location(p.program, "uAtlas");
  p.u_cols = uniform_location(p.program, "uAtlasCols");
  p.u_tile = uniform_location(p.program, "uAtlasTile");
  p.u_colour = uniform_location(p.program, "uAtlasColour");
  p.u_tile_pixels = uniform_location(p.program, "uAtlasTilePixels");
  return p;
}

PointRenderer::PointRenderer(const std::filesystem::path& shader_dir)
    : discs_(load(shader_dir, false)), images_(load(shader_dir, true)) {
  GLfloat range[2] = {1, 64};
  glGetFloatv(GL_POINT_SIZE_RANGE, range);
  max_point_size_ = range[1];
}

void PointRenderer::draw(const PointCloud& cloud, const ViewParams& view, float point_px, const ImageAtlas* atlas,
                         std::size_t first) const {
  const auto total = cloud.styles().order_count();
  if (first >= total || cloud.size() == 0) return;
  const auto count = total - first;
  begin_view(view);
  glEnable(GL_PROGRAM_POINT_SIZE);
  const Program& p = atlas != nullptr ? images_ : discs_;
  glUseProgram(p.program.id());
  glUniformMatrix4fv(p.u_transform, 1, GL_FALSE, view.transform);
  glUniform1f(p.u_ref_depth, view.ref_depth);
  glUniform2f(p.u_fog, view.fog_near, view.fog_far);
  glUniform1i(p.u_depth, view.depth ? 1 : 0);
  // Large points shrink the range a little so the 1.6x emphasis still fits the driver's maximum.
  glUniform1f(p.u_size, std::clamp(point_px, 1.0f, max_point_size_ / 1.6f));
  if (atlas != nullptr) {
    glActiveTexture(GL_TEXTURE0);
    glBindTexture(GL_TEXTURE_2D, atlas->texture());
    glUniform1i(p.u_atlas, 0);
    glUniform1i(p.u_cols, atlas->columns());
    glUniform2f(p.u_tile, atlas->tile_u(), atlas->tile_v());
    glUniform1i(p.u_colour, atlas->colour() ? 1 : 0);
    glUniform1f(p.u_tile_pixels, static_cast<float>(atlas->tile_pixels()));
  }
  glBindVertexArray(cloud.vertex_array());
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, cloud.styles().order_buffer());
  glDrawElements(GL_POINTS, static_cast<GLsizei>(count), GL_UNSIGNED_INT,
                 reinterpret_cast<const void*>(first * sizeof(std::uint32_t)));
  glBindVertexArray(0);
  end_view(view);
}

LineRenderer::LineRenderer(const std::filesystem::path& shader_dir)
    : program_(load_program(shader_dir, "lines.vert.glsl", "lines.frag.glsl")) {
  u_transform_ = uniform_location(program_, "uTransform");
  u_color_ = uniform_location(program_, "uColor");
}

void LineRenderer::draw(const PointCloud& cloud, const EdgeBuffer& edges, const ViewParams& view,
                        const float rgba[4]) const {
  if (edges.index_count() == 0 || cloud.size() == 0) return;
  begin_view(view);
  glDepthMask(GL_FALSE);  // faint edges never hide points
  glUseProgram(program_.id());
  glUniformMatrix4fv(u_transform_, 1, GL_FALSE, view.transform);
  glUniform4f(u_color_, rgba[0], rgba[1], rgba[2], rgba[3]);
  glBindVertexArray(cloud.vertex_array());
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, edges.buffer());
  glDrawElements(GL_LINES, static_cast<GLsizei>(edges.index_count()), GL_UNSIGNED_INT, nullptr);
  // Leave the points' order bound as the vertex array's element buffer.
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, cloud.styles().order_buffer());
  glBindVertexArray(0);
  glDepthMask(GL_TRUE);
  end_view(view);
}

}  // namespace epochscope::render
