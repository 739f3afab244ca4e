#include "epochscope/core/paths.hpp"

#include <cstdlib>

namespace epochscope {
namespace {

std::filesystem::path env_path(const char* name) {
  const char* value = std::getenv(name);
  return (value != nullptr && *value != '\0') ? std::filesystem::path(value) : std::filesystem::path();
}

std::filesystem::path home() {
  auto h = env_path("HOME");
  return h.empty() ? std::filesystem::temp_directory_path() : h;
}

}  // namespace

std::filesystem::path data_home() {
  if (auto p = env_path("EPOCHSCOPE_DATA_HOME"); !p.empty()) return p;
  if (auto p = env_path("XDG_DATA_HOME"); !p.empty()) return p / "epochscope";
  return home() / ".local" / "share" / "epochscope";
}

std::filesystem::path config_home() {
  if (auto p = env_path("XDG_CONFIG_HOME"); !p.empty()) return p / "epochscope";
  return home() / ".config" / "epochscope";
}

}  // namespace epochscope
