#include "epochscope/render/gl_object.hpp"

#include <glad/gl.h>

namespace epochscope::render {

void gl_delete(GlKind kind, unsigned id) noexcept {
  if (id == 0) return;
  switch (kind) {
    case GlKind::buffer: glDeleteBuffers(1, &id); break;
    case GlKind::vertex_array: glDeleteVertexArrays(1, &id); break;
    case GlKind::texture: glDeleteTextures(1, &id); break;
    case GlKind::program: glDeleteProgram(id); break;
    case GlKind::shader: glDeleteShader(id); break;
    case GlKind::framebuffer: glDeleteFramebuffers(1, &id); break;
    case GlKind::renderbuffer: glDeleteRenderbuffers(1, &id); break;
  }
}

unsigned gl_generate(GlKind kind, unsigned shader_type) {
  GLuint id = 0;
  switch (kind) {
    case GlKind::buffer: glGenBuffers(1, &id); break;
    case GlKind::vertex_array: glGenVertexArrays(1, &id); break;
    case GlKind::texture: glGenTextures(1, &id); break;
    case GlKind::program: id = glCreateProgram(); break;
    case GlKind::shader: id = glCreateShader(shader_type); break;
    case GlKind::framebuffer: glGenFramebuffers(1, &id); break;
    case GlKind::renderbuffer: glGenRenderbuffers(1, &id); break;
  }
  return id;
}

int load_gl(GlProcLoader loader) {
  const int version = gladLoadGL(reinterpret_cast<GLADloadfunc>(loader));
  return version == 0 ? 0 : GLAD_VERSION_MAJOR(version) * 10 + GLAD_VERSION_MINOR(version);
}

const char* gl_renderer() { return reinterpret_cast<const char*>(glGetString(GL_RENDERER)); }
const char* gl_version() { return reinterpret_cast<const char*>(glGetString(GL_VERSION)); }

void clear(float r, float g, float b, float a) {
  glDisable(GL_SCISSOR_TEST);
  glClearColor(r, g, b, a);
  glClear(GL_COLOR_BUFFER_BIT);
}

void clear_region(const Viewport& box, float r, float g, float b, float a) {
  glEnable(GL_SCISSOR_TEST);
  glScissor(box.x, box.y, box.width, box.height);
  glClearColor(r, g, b, a);
  glClear(GL_COLOR_BUFFER_BIT);
  glDisable(GL_SCISSOR_TEST);
}

void finish() { glFinish(); }

void set_viewport(int width, int height) { glViewport(0, 0, width, height); }

}  // namespace epochscope::render
