// Contract: GLSL programs loaded from files at run time. Shaders live in shaders/ next to the
// executable (the build copies them there) or, failing that, in the source tree. A compile or link
// error throws epochscope::Error whose one-line message names the file and the driver's log.
#pragma once

#include <filesystem>
#include <string>

#include "epochscope/render/gl_object.hpp"

namespace epochscope::render {

/// The directory holding the shaders: `<exe_dir>/shaders`, else the source tree's shaders/.
/// Throws epochscope::Error naming both places when neither holds points.vert.glsl.
std::filesystem::path find_shader_dir(const std::filesystem::path& exe_dir);

/// Compiles `dir/vertex` and `dir/fragment` and links them. `defines` (e.g. "#define IMAGES\n") go
/// right after each file's #version line, line numbers in errors stay the file's. Throws epochscope::Error.
GlProgram load_program(const std::filesystem::path& dir, const std::string& vertex, const std::string& fragment,
                       const std::string& defines = "");

/// Location of a uniform (-1 if the program has none of that name).
int uniform_location(const GlProgram& program, const char* name);

}  // namespace epochscope::render
