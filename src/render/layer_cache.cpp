#include "epochscope/render/layer_cache.hpp"

#include <glad/gl.h>

#include <algorithm>
#include <cstring>

#include "epochscope/core/matrix.hpp"
#include "epochscope/render/shader.hpp"

namespace epochscope::render {

void describe(const ViewParams& view, float point_px, LayerKey& key) {
  auto& p = key.params;
  std::memcpy(p.data(), view.transform, sizeof(view.transform));
  p[16] = static_cast<float>(view.viewport.width);
  p[17] = static_cast<float>(view.viewport.height);
  p[18] = point_px;
  p[19] = view.depth ? 1.0f : 0.0f;
  p[20] = view.ref_depth;
  p[21] = view.fog_near;
  p[22] = view.fog_far;
}

Compositor::Compositor(const std::filesystem::path& shader_dir)
    : program_(load_program(shader_dir, "composite.vert.glsl", "composite.frag.glsl")),
      empty_(gl_create<GlKind::vertex_array>()) {
  u_texture_ = uniform_location(program_, "uLayer");
}

void Compositor::draw(unsigned texture, const Viewport& viewport, const Viewport& scissor) const {
  const Viewport box = scissor_box(viewport, scissor);
  if (box.width <= 0 || box.height <= 0) return;
  glViewport(viewport.x, viewport.y, viewport.width, viewport.height);
  glEnable(GL_SCISSOR_TEST);
  glScissor(box.x, box.y, box.width, box.height);
  glDisable(GL_DEPTH_TEST);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFunc(GL_ONE, GL_ONE_MINUS_SRC_ALPHA);  // the layer is premultiplied
  glUseProgram(program_.id());
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, texture);
  glUniform1i(u_texture_, 0);
  glBindVertexArray(empty_.id());
  glDrawArrays(GL_TRIANGLES, 0, 6);
  glBindVertexArray(0);
}

LayerCache::LayerCache()
    : framebuffer_(gl_create<GlKind::framebuffer>()), color_(gl_create<GlKind::texture>()),
      depth_(gl_create<GlKind::renderbuffer>()) {}

bool LayerCache::valid(const LayerKey& key, const Viewport& viewport) const {
  return drawn_ && key == key_ && viewport.width == width_ && viewport.height == height_;
}

void LayerCache::begin(const LayerKey& key, const Viewport& viewport) {
  GLint fb = 0, vp[4] = {0, 0, 0, 0};
  glGetIntegerv(GL_DRAW_FRAMEBUFFER_BINDING, &fb);
  glGetIntegerv(GL_VIEWPORT, vp);
  previous_framebuffer_ = fb;
  previous_viewport_ = {vp[0], vp[1], vp[2], vp[3]};
  const int w = std::max(viewport.width, 1), h = std::max(viewport.height, 1);
  if (w != width_ || h != height_) {
    glBindTexture(GL_TEXTURE_2D, color_.id());
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);  // one texel per pixel
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glBindRenderbuffer(GL_RENDERBUFFER, depth_.id());
    glRenderbufferStorage(GL_RENDERBUFFER, GL_DEPTH_COMPONENT24, w, h);
    glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_.id());
    glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, color_.id(), 0);
    glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_DEPTH_ATTACHMENT, GL_RENDERBUFFER, depth_.id());
    if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
      glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(previous_framebuffer_));
      width_ = height_ = 0;
      throw Error("cannot create a view's offscreen layer");
    }
    width_ = w;
    height_ = h;
  }
  glBindFramebuffer(GL_FRAMEBUFFER, framebuffer_.id());
  glViewport(0, 0, w, h);
  glDisable(GL_SCISSOR_TEST);
  glClearColor(0, 0, 0, 0);
  glClearDepth(1.0);
  glDepthMask(GL_TRUE);
  glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
  key_ = key;
  drawn_ = true;
}

void LayerCache::end() {
  glBindFramebuffer(GL_FRAMEBUFFER, static_cast<GLuint>(previous_framebuffer_));
  glViewport(previous_viewport_.x, previous_viewport_.y, previous_viewport_.width, previous_viewport_.height);
}

ViewParams LayerCache::layer_params(const ViewParams& view) {
  ViewParams p = view;
  p.viewport.x = 0;
  p.viewport.y = 0;
  return p;
}

}  // namespace epochscope::render
