// ProjectionView as vector shapes, for `render --svg` and the view menu's export: the points as the
// canvas shows them (the same colours, highlight and drawing order as the point styles) and the
// traces, in the canvas's own pixels. And the view menu's export dialog.
#include <fmt/core.h>
#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "epochscope/ui/projection_view.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

SvgScene ProjectionView::svg_scene(const UiContext& ctx, const UiState& state) const {
  SvgScene scene;
  scene.width = canvas_.width();
  scene.height = canvas_.height();
  const Theme& th = *ctx.theme;
  scene.background = th.view_bg;
  scene.text = th.text;
  scene.outline = th.ring_shadow;
  scene.radius = 0.5f * gl_point_px_;
  const auto* points = ctx.points();
  if (points == nullptr || shown_dims_ == 3 || xy_.size() != 2 * points->size()) return scene;
  const int n_frames = ctx.frame_count();
  const store::Frame* frame = n_frames == 0 ? nullptr
      : ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, n_frames - 1))].get();
  const int highlight = state.highlight_class();
  std::vector<SvgPoint> back, front;
  for (std::size_t i = 0; i < points->size(); ++i) {
    if (!state.passes_filter(points->heldout[i] != 0)) continue;
    const int label = points->labels[i];
    const bool wrong = frame != nullptr && i < frame->predicted.size() && frame->predicted[i] != label;
    const auto [emphasis, dim] = state.point_look(label, wrong, highlight);
    Rgba8 c = dim ? th.dimmed : th.class_color(label);
    if (!dim) c.a = 215;
    const Vec2 s = camera_.to_screen({xy_[2 * i], xy_[2 * i + 1]}, canvas_);
    SvgPoint p{{s.x - canvas_.min.x, s.y - canvas_.min.y}, c, points->heldout[i] != 0};
    (emphasis ? front : back).push_back(p);
  }
  // Like the GL points: one colour's points together (a run per colour keeps the file small), the
  // emphasised ones last, on top.
  const auto by_colour = [](const SvgPoint& a, const SvgPoint& b) {
    return std::tie(a.colour.r, a.colour.g, a.colour.b, a.hollow) < std::tie(b.colour.r, b.colour.g, b.colour.b, b.hollow);
  };
  std::stable_sort(back.begin(), back.end(), by_colour);
  std::stable_sort(front.begin(), front.end(), by_colour);
  scene.points = std::move(back);
  scene.points.insert(scene.points.end(), front.begin(), front.end());
  for (auto t : trace_lines_) {
    for (auto& p : t.points) p = {p.x - canvas_.min.x, p.y - canvas_.min.y};
    scene.traces.push_back(std::move(t));
  }
  return scene;
}

void ProjectionView::draw_export_dialog(UiContext& ctx, const UiState& state) {
  const std::string id = fmt::format("Export view##{}", slot_);
  if (std::exchange(open_export_, false)) ImGui::OpenPopup(id.c_str());
  if (!ImGui::BeginPopupModal(id.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  const auto hook = [&](const std::string& name) {
    ctx.hooks[name] = last_item_rect();
  };
  auto& d = export_draft_;
  ImGui::Text("%s of the %s layer%s, frame %d", jobs::method_label(config_.method), config_.layer.c_str(),
              dims() == 3 ? " in 3-D" : "", shown_frame_);
  ImGui::TextDisabled("A PNG (and an SVG) with the method, layer, frame and epoch as a caption.");
  ImGui::Separator();
  constexpr std::array<std::array<int, 2>, 3> sizes = {{{1280, 720}, {1600, 1000}, {1920, 1080}}};
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Size");
  for (const auto& [w, h] : sizes) {
    ImGui::SameLine();
    if (ImGui::RadioButton(fmt::format("{} x {}", w, h).c_str(), d.width == w && d.height == h)) {
      d.width = w;
      d.height = h;
    }
  }
  bool twice = d.scale > 1.5f;
  if (ImGui::Checkbox("2x pixels (high-DPI slides)", &twice)) d.scale = twice ? 2.0f : 1.0f;
  hook("export_2x");
  ImGui::Checkbox("Legend of the classes shown", &d.legend);
  ImGui::Checkbox("Light theme (slides on white)", &d.light);
  if (dims() == 3) {
    d.svg = false;
    ImGui::BeginDisabled();
    ImGui::Checkbox("SVG as well (2-D views only)", &d.svg);
    ImGui::EndDisabled();
  } else {
    ImGui::Checkbox("SVG as well: points and traces as vector shapes", &d.svg);
  }
  hook("export_svg");
  ImGui::Separator();
  if (ImGui::Button("Export", ImVec2(110 * em(), 0))) {
    ExportRequest r = d;
    r.key = key();
    r.frame = shown_frame_;
    r.selection = state.selection;
    r.highlight = state.highlight_class();
    ctx.export_request = std::move(r);
    ImGui::CloseCurrentPopup();
  }
  hook("export_button");
  ImGui::SameLine();
  if (ImGui::Button("Cancel", ImVec2(110 * em(), 0)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace epochscope::ui
