#include "epochscope/ui/file_browser.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "epochscope/core/matrix.hpp"
#include "epochscope/core/paths.hpp"

namespace epochscope::ui {

DirListing list_directory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  DirListing out;
  out.dir = fs::absolute(dir.empty() ? fs::path(".") : dir, ec).lexically_normal();
  if (out.dir.has_filename() == false && out.dir.has_parent_path() && out.dir != out.dir.root_path()) {
    out.dir = out.dir.parent_path();  // "a/b/" -> "a/b"
  }
  fs::directory_iterator it(out.dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw Error("cannot read " + out.dir.string() + ": " + ec.message());
  for (const auto& e : it) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    DirEntry d;
    d.name = name;
    d.directory = e.is_directory(ec);
    if (!d.directory) {
      d.bytes = e.file_size(ec);
      d.session = e.path().extension() == ".epochscope";
    }
    out.entries.push_back(std::move(d));
  }
  std::sort(out.entries.begin(), out.entries.end(), [](const DirEntry& a, const DirEntry& b) {
    if (a.directory != b.directory) return a.directory;
    return a.name < b.name;
  });
  return out;
}

std::filesystem::path recent_files_path() { return config_home() / "recent.json"; }

std::vector<std::string> load_recent(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return {};
  try {
    const auto j = nlohmann::json::parse(in);
    std::vector<std::string> out;
    for (const auto& v : j) {
      if (v.is_string() && out.size() < kMaxRecent) out.push_back(v.get<std::string>());
    }
    return out;
  } catch (const std::exception&) {
    return {};
  }
}

bool save_recent(const std::filesystem::path& file, const std::vector<std::string>& recent) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const auto tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << nlohmann::json(recent).dump(1) << "\n";
    if (!out) return false;
  }
  std::filesystem::rename(tmp, file, ec);
  return !ec;
}

std::vector<std::string> add_recent(std::vector<std::string> recent, const std::filesystem::path& path) {
  std::error_code ec;
  const std::string p = std::filesystem::absolute(path, ec).lexically_normal().string();
  std::erase(recent, p);
  recent.insert(recent.begin(), p);
  if (recent.size() > kMaxRecent) recent.resize(kMaxRecent);
  return recent;
}

}  // namespace epochscope::ui
