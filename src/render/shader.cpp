#include "epochscope/render/shader.hpp"

#include <glad/gl.h>

#include <fstream>
#include <sstream>

#include "epochscope/core/matrix.hpp"

namespace epochscope::render {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read shader " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string one_line(std::string log) {
  for (auto& c : log) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!log.empty() && log.back() == ' ') log.pop_back();
  return log;
}

GlShader compile(const std::filesystem::path& path, unsigned type, const std::string& defines) {
  std::string source = read_text(path);
  if (!defines.empty()) {
    const auto eol = source.find('\n');
    if (eol != std::string::npos && source.compare(0, 8, "#version") == 0) source.insert(eol + 1, defines + "#line 2\n");
  }
  GlShader shader = gl_create<GlKind::shader>(type);
  const char* text = source.c_str();
  glShaderSource(shader.id(), 1, &text, nullptr);
  glCompileShader(shader.id());
  GLint ok = 0;
  glGetShaderiv(shader.id(), GL_COMPILE_STATUS, &ok);
  if (ok == 0) {
    GLint length = 0;
    glGetShaderiv(shader.id(), GL_INFO_LOG_LENGTH, &length);
    std::string log(static_cast<std::size_t>(std::max(length, 1)), '\0');
    glGetShaderInfoLog(shader.id(), length, nullptr, log.data());
    throw Error("shader " + path.string() + " does not compile: " + one_line(log.c_str()));
  }
  return shader;
}

}  // namespace

std::filesystem::path find_shader_dir(const std::filesystem::path& exe_dir) {
  const std::filesystem::path beside = exe_dir / "shaders";
  if (std::filesystem::exists(beside / "points.vert.glsl")) return beside;
  const std::filesystem::path source = EPOCHSCOPE_SHADER_SOURCE_DIR;
  if (std::filesystem::exists(source / "points.vert.glsl")) return source;
  throw Error("shaders not found in " + beside.string() + " nor in " + source.string());
}

GlProgram load_program(const std::filesystem::path& dir, const std::string& vertex, const std::string& fragment,
                       const std::string& defines) {
  GlShader vs = compile(dir / vertex, GL_VERTEX_SHADER, defines);
  GlShader fs = compile(dir / fragment, GL_FRAGMENT_SHADER, defines);
  GlProgram program = gl_create<GlKind::program>();
  glAttachShader(program.id(), vs.id());
  glAttachShader(program.id(), fs.id());
  glLinkProgram(program.id());
  GLint ok = 0;
  glGetProgramiv(program.id(), GL_LINK_STATUS, &ok);
  if (ok == 0) {
    GLint length = 0;
    glGetProgramiv(program.id(), GL_INFO_LOG_LENGTH, &length);
    std::string log(static_cast<std::size_t>(std::max(length, 1)), '\0');
    glGetProgramInfoLog(program.id(), length, nullptr, log.data());
    throw Error("shaders " + (dir / vertex).string() + " + " + fragment + " do not link: " + one_line(log.c_str()));
  }
  glDetachShader(program.id(), vs.id());
  glDetachShader(program.id(), fs.id());
  return program;
}

int uniform_location(const GlProgram& program, const char* name) { return glGetUniformLocation(program.id(), name); }

}  // namespace epochscope::render
