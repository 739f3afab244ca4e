#include "epochscope/ui/ui_state.hpp"

#include <algorithm>

namespace epochscope::ui {

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

void UiState::toggle_pin(int cls) { pinned_class = pinned_class == cls ? -1 : cls; }

void UiState::click_point(int point, bool additive) {
  if (point < 0) {
    if (!additive) selection.clear();
    return;
  }
  if (!additive) {
    selection.assign(1, point);
    return;
  }
  auto it = std::find(selection.begin(), selection.end(), point);
  if (it == selection.end()) {
    selection.push_back(point);
  } else {
    selection.erase(it);
  }
}

void UiState::select_points(std::span<const int> points, bool additive) {
  if (!additive) selection.clear();
  for (int p : points) {
    if (!is_selected(p)) selection.push_back(p);
  }
}

bool UiState::is_selected(int point) const {
  return std::find(selection.begin(), selection.end(), point) != selection.end();
}

}  // namespace epochscope::ui
