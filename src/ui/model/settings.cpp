#include "epochscope/ui/settings.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "epochscope/core/paths.hpp"
#include "epochscope/store/layers.hpp"

namespace epochscope::ui {

std::filesystem::path settings_path() { return config_home() / "gui.json"; }
std::filesystem::path imgui_ini_path() { return config_home() / "imgui.ini"; }

GuiSettings load_settings(const std::filesystem::path& path, std::string* warning) {
  GuiSettings s;
  std::ifstream in(path);
  if (!in) return s;
  try {
    const auto j = nlohmann::json::parse(in);
    s.window_width = std::clamp(j.value("window_width", 0), 0, 16384);
    s.window_height = std::clamp(j.value("window_height", 0), 0, 16384);
    s.view_count = j.value("view_count", 4);
    if (s.view_count != 1 && s.view_count != 2 && s.view_count != 4) s.view_count = 4;
    if (j.contains("views") && j["views"].is_array()) {
      for (std::size_t i = 0; i < std::min<std::size_t>(j["views"].size(), kMaxViews); ++i) {
        const auto& v = j["views"][i];
        if (auto m = jobs::parse_method(v.value("method", std::string{}))) s.views[i].method = *m;
        const auto layer = v.value("layer", std::string{"output"});
        if (store::is_layer_name(layer)) s.views[i].layer = layer;
        s.views[i].axis_x = std::clamp(v.value("axis_x", s.views[i].axis_x), 0, 1 << 20);
        s.views[i].axis_y = std::clamp(v.value("axis_y", s.views[i].axis_y), 0, 1 << 20);
        s.views[i].dims = v.value("dims", 2) == 3 ? 3 : 2;
        s.views[i].depth_strip = v.value("depth_strip", false);
        s.views[i].pc_x = std::clamp(v.value("pc_x", 0), 0, 11);
        s.views[i].pc_y = std::clamp(v.value("pc_y", 1), 0, 11);
        s.views[i].pc_pairs = v.value("pc_pairs", false);
        s.views[i].colour_by_epoch = v.value("trajectory_colour", std::string{"loss"}) == "epoch";
        s.views[i].landscape = v.value("landscape", false);
      }
    }
    s.images = j.value("images", false);
    s.point_size = std::clamp(j.value("point_size", 4.5f), 1.5f, 16.0f);
    s.density = parse_density_mode(j.value("density", std::string{"auto"})).value_or(DensityMode::automatic);
    s.play_speed = std::clamp(j.value("play_speed", 2.0f), 0.25f, 30.0f);
    s.show_edges = j.value("show_edges", true);
    s.ui_scale = std::clamp(j.value("ui_scale", 1.0f), 0.75f, 3.0f);
    s.light = j.value("theme", std::string{"dark"}) == "light";
  } catch (const std::exception& e) {
    if (warning != nullptr) *warning = "ignoring the damaged settings file " + path.string();
    return GuiSettings{};
  }
  return s;
}

bool save_settings(const std::filesystem::path& path, const GuiSettings& s) {
  nlohmann::json j;
  j["window_width"] = s.window_width;
  j["window_height"] = s.window_height;
  j["view_count"] = s.view_count;
  j["views"] = nlohmann::json::array();
  for (const auto& v : s.views) {
    j["views"].push_back({{"method", jobs::method_name(v.method)}, {"layer", v.layer}, {"axis_x", v.axis_x}, {"axis_y", v.axis_y}, {"dims", v.dims},
                                  {"depth_strip", v.depth_strip}, {"pc_x", v.pc_x}, {"pc_y", v.pc_y}, {"pc_pairs", v.pc_pairs},
                                  {"trajectory_colour", v.colour_by_epoch ? "epoch" : "loss"}, {"landscape", v.landscape}});
  }
  j["images"] = s.images;
  j["point_size"] = s.point_size;
  j["density"] = density_mode_name(s.density);
  j["play_speed"] = s.play_speed;
  j["show_edges"] = s.show_edges;
  j["ui_scale"] = s.ui_scale;
  j["theme"] = s.light ? "light" : "dark";
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << j.dump(2) << "\n";
    if (!out) return false;
  }
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

void apply_settings(const GuiSettings& s, UiState& state) {
  state.view_count = s.view_count;
  state.views = s.views;
  state.images = s.images;
  state.point_size = s.point_size;
  state.density = s.density;
  state.play_speed = s.play_speed;
  state.show_edges = s.show_edges;
  state.ui_scale = s.ui_scale;
  state.light = s.light;
}

void capture_settings(const UiState& state, GuiSettings& s) {
  s.view_count = state.view_count;
  s.views = state.views;
  s.images = state.images;
  s.point_size = state.point_size;
  s.density = state.density;
  s.play_speed = state.play_speed;
  s.show_edges = state.show_edges;
  s.ui_scale = state.ui_scale;
  s.light = state.light;
}

}  // namespace epochscope::ui
