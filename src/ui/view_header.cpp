// ProjectionView's header: the method and layer menus, the change and 3-D toggles, and the state in
// words with a thin progress bar ("t-SNE: 31/46 frames, animating frame 31, iteration 430/750 |
// recall@10 0.71").
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "epochscope/store/layers.hpp"
#include "epochscope/ui/projection_view.hpp"
#include "epochscope/ui/view_status.hpp"

namespace epochscope::ui {
namespace {

// A compact on/off button for a view's header (narrower than a checkbox with its label): filled with
// the accent colour when on.
bool toggle_chip(const char* label, bool* value) {
  const ImVec4 on = ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive);
  const ImVec4 off = ImGui::GetStyleColorVec4(ImGuiCol_FrameBg);
  ImGui::PushStyleColor(ImGuiCol_Button, *value ? on : off);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, *value ? on : ImGui::GetStyleColorVec4(ImGuiCol_FrameBgHovered));
  const bool pressed = ImGui::Button(label);
  ImGui::PopStyleColor(2);
  if (pressed) *value = !*value;
  return pressed;
}

float chip_width(const char* label) { return ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x; }

Rect item_rect() {
  return {{ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y}, {ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}};
}

}  // namespace

void ProjectionView::draw_header(UiContext& ctx, UiState& state) {
  const float w = ImGui::GetContentRegionAvail().x;
  ViewConfig next = config_;
  // The method combo gives way so the layer combo and the toggles fit on one line.
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const bool can_3d = !is_local();
  const float layer_w = std::min(96.0f, w * 0.28f);
  const float chips = (!is_pixels() ? chip_width("change") + spacing : 0.0f) + (can_3d ? chip_width("3-D") + spacing : 0.0f);
  ImGui::SetNextItemWidth(std::clamp(w - layer_w - chips - spacing, 90.0f, 170.0f));
  if (ImGui::BeginCombo("##method", jobs::method_label(config_.method))) {
    auto methods = jobs::all_methods();
    methods.push_back(jobs::Method::pixels);  // drawn here, not computed by the pool
    for (auto m : methods) {
      if (ImGui::Selectable(jobs::method_label(m), m == config_.method)) {
        next.method = m;
        if (m == jobs::Method::pixels && config_.method != m) next.layer = "input";  // what it is for
      }
      ctx.hooks[fmt::format("view{}_method_{}", slot_, jobs::method_name(m))] = item_rect();
    }
    ImGui::EndCombo();
  }
  report_.method_combo = item_rect();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(layer_w);
  if (ImGui::BeginCombo("##layer", config_.layer.c_str())) {
    const auto* points = ctx.points();
    const auto layers = points != nullptr ? store::layer_choices(*points) : store::standard_layer_names();
    for (const auto& layer : layers) {
      if (ImGui::Selectable(layer.c_str(), config_.layer == layer)) next.layer = layer;
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Layer: softmax output, logits, the 64-unit hidden layer, or the input pixels (the same in every frame: laid out once)");
  if (is_pixels()) {
    color_change_ = false;  // drawn from the data: no previous-frame neighbourhoods to compare
  } else {
    ImGui::SameLine();
    if (toggle_chip("change", &color_change_)) change_.invalidate();
    ctx.hooks[fmt::format("view{}_change", slot_)] = item_rect();
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Colour the points by how much their neighbourhood in the layer changed since the previous\n"
                        "frame: the share of each point's 10 nearest neighbours that are new (dark: the same, yellow:\n"
                        "all new). Grey while unknown (frame 0, or the layout is not final yet).");
    }
  }
  if (can_3d) {
    ImGui::SameLine();
    bool three = config_.dims == 3;
    if (toggle_chip("3-D", &three)) next.dims = three ? 3 : 2;
    ctx.hooks[fmt::format("view{}_3d", slot_)] = item_rect();
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Lay the points out in three dimensions: drag to turn, the wheel zooms, double-click fits.\n"
                        "Nearer points are drawn larger and brighter.");
    }
  }
  if (!(next == config_)) {
    set_config(next);
    state.views[static_cast<std::size_t>(slot_)] = next;
    update_positions(ctx, state);
  }

  float progress = 0;
  const std::string status = status_line(ctx, state, progress);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.70f, 0.73f, 0.78f, 1.0f));
  ImGui::TextUnformatted(status.c_str());
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered() && (report_.recall >= 0 || report_.displacement >= 0)) {
    ImGui::SetTooltip("recall@10: the share of each point's 10 nearest neighbours in the layer that are also\n"
                      "among its 10 nearest in this picture (1 = neighbourhoods kept).\n"
                      "moved: the mean distance the points moved since the previous frame's layout,\n"
                      "in units of the layout's RMS radius (0 = nothing moved).");
  }
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(0, 0));
  ImGui::ProgressBar(std::clamp(progress, 0.0f, 1.0f), ImVec2(-1, 3), "");
  ImGui::PopStyleVar();
  report_.status = status;
  report_.method = jobs::method_name(config_.method);
  report_.layer = config_.layer;
  report_.layout_frame = shown_frame_;
  report_.loading = loading_;
  report_.dims = dims();
  report_.yaw = dims() == 3 ? orbit_.camera().yaw : 0.0f;
  report_.pitch = dims() == 3 ? orbit_.camera().pitch : 0.0f;
  report_.camera_distance = dims() == 3 ? orbit_.camera().distance : 0.0f;
  // (Work in progress redraws when the pool publishes a slice: its version changes.)
}

// The state in words, e.g. "t-SNE: 31/46 frames, animating frame 31, iteration 430/750", then the
// trust readouts; `progress` gets the share done.
std::string ProjectionView::status_line(UiContext& ctx, const UiState& state, float& progress) {
  const int n = ctx.frame_count();
  const int wanted = std::clamp(state.frame, 0, std::max(n - 1, 0));
  std::string status;
  progress = 0;
  report_.recall = -1;
  report_.final = false;
  report_.axis_x = report_.axis_y = -1;
  report_.chain_final = pool_ != nullptr && requested_ ? pool_->status(key()).frames_final : -1;
  if (n == 0) return "waiting for the first frame";
  if (is_star()) {
    const int ready = local_.current_frames();
    const bool moved = star_.anchors().moved();
    status = fmt::format("Star: {}/{} frames{}", ready, n, moved ? ", anchors moved" : "");
    progress = static_cast<float>(ready) / static_cast<float>(n);
    report_.final = shown_frame_ >= 0;
    auto r = pool_ != nullptr && !moved ? pool_->get(key(), shown_frame_) : nullptr;
    if (r && std::isfinite(r->recall_at_10)) report_.recall = r->recall_at_10;
  } else if (is_pixels()) {
    status = pixels_.header(ctx, config_, ImGui::GetContentRegionAvail().x, pending_config_);
    progress = 1;
    report_.final = shown_frame_ >= 0;
    if (const auto* points = ctx.points()) std::tie(report_.axis_x, report_.axis_y) = PixelExplorer::axes(*points, config_);
  } else if (pool_ != nullptr) {
    const auto st = pool_->status(key());
    ShownLayout shown;
    shown.frame = shown_frame_;
    shown.final = !a_.result || a_.result->final;
    if (a_.result) {
      shown.iteration = a_.result->iteration;
      shown.total_iterations = a_.result->total_iterations;
    }
    status = chain_status(jobs::method_label(config_.method), st, shown, wanted);
    progress = chain_progress(st);
    report_.final = a_.result && a_.result->final && shown_frame_ == state.frame;
    if (a_.result && a_.result->final && std::isfinite(a_.result->recall_at_10)) report_.recall = a_.result->recall_at_10;
  }
  if (loading_) {
    status += fmt::format(", loading frame {} from the session...", wanted);
  } else if (!local_error_.empty()) {
    status += fmt::format(", frame {}: {}", wanted, local_error_);
  }
  report_.displacement = -1;
  const auto& r = a_.result;
  if (r && r->final && std::isfinite(r->displacement) && !(is_star() && star_.anchors().moved())) {
    report_.displacement = r->displacement;
  }
  Readouts readouts;
  if (config_.method == jobs::Method::tsne && r && r->cost_name == "KL divergence") readouts.kl = r->cost;
  readouts.recall = report_.recall;
  readouts.displacement = report_.displacement;
  readouts.mean_change = color_change_ ? report_.mean_change : -1;
  return status + readouts_text(readouts);
}

}  // namespace epochscope::ui
