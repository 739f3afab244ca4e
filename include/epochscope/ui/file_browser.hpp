// Contract: what the in-app "Open session" browser knows without ImGui: a directory's entries
// (read on a worker: ui never waits on disk) and the recently opened files. Listings put folders
// first, then files, each by name, skip hidden entries, and mark session files (.epochscope).
// Recent files are a JSON array in config_home()/recent.json, newest first, at most kMaxRecent.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace epochscope::ui {

struct DirEntry {
  std::string name;
  bool directory = false;
  bool session = false;     ///< a file named *.epochscope
  std::uintmax_t bytes = 0;
};

struct DirListing {
  std::filesystem::path dir;  ///< absolute
  std::vector<DirEntry> entries;
};

/// Throws epochscope::Error "cannot read DIR: reason" when the directory cannot be listed.
DirListing list_directory(const std::filesystem::path& dir);

inline constexpr std::size_t kMaxRecent = 10;
std::filesystem::path recent_files_path();  ///< config_home()/recent.json
/// The recent files in `file` (missing or damaged: none).
std::vector<std::string> load_recent(const std::filesystem::path& file);
/// Writes them (creating the folder); false when it cannot.
bool save_recent(const std::filesystem::path& file, const std::vector<std::string>& recent);
/// `path` (made absolute) first, without its older mention, at most kMaxRecent.
std::vector<std::string> add_recent(std::vector<std::string> recent, const std::filesystem::path& path);

}  // namespace epochscope::ui
