// Contract: the window's preferences that persist between runs (window size, views and their
// method/layer, drawing options), as JSON in config_home()/gui.json. Loading never fails: a
// missing or damaged file gives the defaults (and a damaged one a one-line warning); unknown keys
// are ignored. ImGui's own layout file lives beside it (imgui_ini_path), never in the working dir.
#pragma once

#include <filesystem>
#include <string>

#include "epochscope/ui/ui_state.hpp"

namespace epochscope::ui {

struct GuiSettings {
  int window_width = 0;   ///< 0 = choose from the screen size
  int window_height = 0;
  int view_count = 4;
  std::array<ViewConfig, kMaxViews> views = UiState{}.views;
  bool images = false;
  float point_size = 4.5f;
  DensityMode density = DensityMode::automatic;
  float play_speed = 2.0f;
  bool show_edges = true;
  float ui_scale = 1.0f;  ///< text and widget size (presentation: 1.5 to 2)
  bool light = false;     ///< the high-contrast light theme
};

std::filesystem::path settings_path();   ///< config_home()/gui.json
std::filesystem::path imgui_ini_path();  ///< config_home()/imgui.ini

/// Reads settings; `warning` gets a line when the file exists but could not be used.
GuiSettings load_settings(const std::filesystem::path& path, std::string* warning = nullptr);
/// Writes settings (creating the directory). Returns false when it could not.
bool save_settings(const std::filesystem::path& path, const GuiSettings& settings);

void apply_settings(const GuiSettings& settings, UiState& state);
void capture_settings(const UiState& state, GuiSettings& settings);

}  // namespace epochscope::ui
