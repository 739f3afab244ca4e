// Contract: RAII ownership of OpenGL objects without exposing GL headers. A GlObject<K> owns one GL
// name of kind K: created by gl_create<K>() (a current GL context is required), deleted exactly once
// by its destructor, move-only. Every GL object epochscope makes lives in one of these, so nothing
// leaks when a view, a renderer or the window goes away. Only src/render includes GL headers.
#pragma once

#include <utility>

namespace epochscope::render {

enum class GlKind { buffer, vertex_array, texture, program, shader, framebuffer, renderbuffer };

/// Deletes a GL name of kind `kind` (no-op for 0).
void gl_delete(GlKind kind, unsigned id) noexcept;
/// Creates one GL name of kind `kind`; for shaders, `shader_type` is GL_VERTEX_SHADER etc.
unsigned gl_generate(GlKind kind, unsigned shader_type = 0);

template <GlKind K>
class GlObject {
 public:
  GlObject() = default;
  explicit GlObject(unsigned id) : id_(id) {}
  ~GlObject() { gl_delete(K, id_); }
  GlObject(const GlObject&) = delete;
  GlObject& operator=(const GlObject&) = delete;
  GlObject(GlObject&& o) noexcept : id_(std::exchange(o.id_, 0u)) {}
  GlObject& operator=(GlObject&& o) noexcept {
    if (this != &o) {
      gl_delete(K, id_);
      id_ = std::exchange(o.id_, 0u);
    }
    return *this;
  }
  unsigned id() const { return id_; }
  explicit operator bool() const { return id_ != 0; }

 private:
  unsigned id_ = 0;
};

template <GlKind K>
GlObject<K> gl_create(unsigned shader_type = 0) {
  return GlObject<K>(gl_generate(K, shader_type));
}

using GlBuffer = GlObject<GlKind::buffer>;
using GlVertexArray = GlObject<GlKind::vertex_array>;
using GlTexture = GlObject<GlKind::texture>;
using GlProgram = GlObject<GlKind::program>;
using GlShader = GlObject<GlKind::shader>;
using GlFramebuffer = GlObject<GlKind::framebuffer>;
using GlRenderbuffer = GlObject<GlKind::renderbuffer>;

/// A rectangle of the framebuffer in pixels, origin bottom-left (GL convention).
struct Viewport {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

using GlProc = void (*)();
using GlProcLoader = GlProc (*)(const char*);

/// Loads the GL 3.3 core entry points through `loader` (glfwGetProcAddress). Returns the GL version
/// as major*10+minor, or 0 when loading failed.
int load_gl(GlProcLoader loader);
/// "renderer / version" strings of the current context, for logs.
const char* gl_renderer();
const char* gl_version();

/// Clears the bound framebuffer to a colour (RGBA 0..1).
void clear(float r, float g, float b, float a = 1.0f);
/// Clears only `box` (framebuffer pixels, scissored) to a colour; leaves the scissor test off.
void clear_region(const Viewport& box, float r, float g, float b, float a = 1.0f);
/// Viewport covering the whole bound framebuffer of `width` x `height` pixels.
void set_viewport(int width, int height);
/// glFinish: waits until drawing is done (frame-time measurement).
void finish();

}  // namespace epochscope::render
