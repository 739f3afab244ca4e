#include "epochscope/ui/ui_state.hpp"

#include <algorithm>
#include <tuple>

#include "epochscope/store/layers.hpp"

namespace epochscope::ui {

const char* density_mode_name(DensityMode mode) {
  return mode == DensityMode::on ? "on" : mode == DensityMode::off ? "off" : "auto";
}

std::optional<DensityMode> parse_density_mode(std::string_view name) {
  for (const auto m : {DensityMode::automatic, DensityMode::on, DensityMode::off}) {
    if (name == density_mode_name(m)) return m;
  }
  return std::nullopt;
}

void UiState::on_frames(int count) {
  if (count <= 0) {
    frame = 0;
    phase = 0;
    return;
  }
  if (follow_latest && !playing) {
    frame = count - 1;
    phase = 0;
  }
  frame = std::clamp(frame, 0, count - 1);
  if (frame == count - 1) phase = 0;
}

void UiState::set_frame(int f, int count) {
  if (count <= 0) return;
  frame = std::clamp(f, 0, count - 1);
  phase = 0;
  follow_latest = frame == count - 1;
}

void UiState::step(int delta, int count) {
  playing = false;
  set_frame(frame + delta, count);
}

void UiState::toggle_play(int count) {
  if (playing) {
    playing = false;
    phase = 0;
    follow_latest = count > 0 && frame == count - 1;
    return;
  }
  if (count < 2) return;
  if (frame >= count - 1) frame = 0;
  phase = 0;
  playing = true;
  follow_latest = false;
}

bool UiState::advance(double dt, int count) {
  if (!playing) return false;
  if (count < 2) {
    playing = false;
    return false;
  }
  phase += static_cast<float>(dt) * play_speed;
  while (phase >= 1.0f) {
    phase -= 1.0f;
    ++frame;
    if (frame >= count - 1) {
      frame = count - 1;
      phase = 0;
      playing = false;
      follow_latest = true;
      return true;
    }
  }
  return true;
}

void UiState::begin_frame() {
  hovered = next_hovered;
  next_hovered = -1;
}

std::pair<int, int> default_pixel_axes(int width, int height, int channels) {
  if (height <= 1) return {width / 4, width * 3 / 4};
  const int ch = std::max(channels, 1);
  return {((height / 2) * width + width / 3) * ch, ((height / 3) * width + width / 2) * ch + (ch > 1 ? 1 : 0)};
}

std::string UiState::fit_views(const store::PointSet& points) {
  std::string changed;
  const int pixels = static_cast<int>(points.image_size());
  for (auto& v : views) {
    if (!store::is_layer_name(v.layer, &points)) {
      const std::string fallback = store::deepest_hidden_layer(points);
      if (changed.empty()) changed = "views set for another session: layer '" + v.layer + "' shows '" + fallback + "'";
      v.layer = fallback;
    }
    if (v.axis_x >= pixels || v.axis_y >= pixels || v.axis_x < 0 || v.axis_y < 0) {
      std::tie(v.axis_x, v.axis_y) = default_pixel_axes(points.width, points.height, points.channels);
    }
  }
  return changed;
}

void UiState::toggle_pin(int cls) { pinned_class = pinned_class == cls ? -1 : cls; }

void UiState::click_point(int point, bool additive) {
  if (point < 0) {
    if (!additive) selection.clear();
    return;
  }
  if (!additive) {
    selection.assign(1, point);
    inspected = 0;
    return;
  }
  auto it = std::find(selection.begin(), selection.end(), point);
  if (it == selection.end()) {
    selection.push_back(point);
    inspected = static_cast<int>(selection.size()) - 1;  // the inspector shows the one just added
  } else {
    selection.erase(it);
    inspected = std::max(0, static_cast<int>(selection.size()) - 1);
  }
}

void UiState::select_points(std::span<const int> points, bool additive) {
  if (!additive) selection.clear();
  inspected = static_cast<int>(selection.size());  // the first of the new ones
  // A mask, not a search per point: a lasso may add thousands to thousands.
  int top = 0;
  for (int p : selection) top = std::max(top, p);
  for (int p : points) top = std::max(top, p);
  std::vector<char> in(static_cast<std::size_t>(top) + 1, 0);
  for (int p : selection) in[static_cast<std::size_t>(p)] = 1;
  for (int p : points) {
    if (p < 0 || in[static_cast<std::size_t>(p)] != 0) continue;
    in[static_cast<std::size_t>(p)] = 1;
    selection.push_back(p);
  }
  if (inspected >= static_cast<int>(selection.size())) inspected = std::max(0, static_cast<int>(selection.size()) - 1);
}

void UiState::deselect_points(std::span<const int> points) {
  if (points.empty() || selection.empty()) return;
  int top = 0;
  for (int p : points) top = std::max(top, p);
  std::vector<char> out(static_cast<std::size_t>(top) + 1, 0);
  for (int p : points) {
    if (p >= 0) out[static_cast<std::size_t>(p)] = 1;
  }
  std::erase_if(selection, [&](int p) { return p >= 0 && p <= top && out[static_cast<std::size_t>(p)] != 0; });
  inspected = std::clamp(inspected, 0, std::max(0, static_cast<int>(selection.size()) - 1));
}

bool UiState::is_selected(int point) const {
  return std::find(selection.begin(), selection.end(), point) != selection.end();
}

}  // namespace epochscope::ui
