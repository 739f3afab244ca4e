// ProjectionView's header: the method and layer menus, the change and 3-D toggles, and the state in
// words with a thin progress bar ("t-SNE: 31/46 frames, animating frame 31, iteration 430/750 |
// recall@10 0.71").
#include <fmt/core.h>

#include <algorithm>
#include <tuple>
#include <cmath>

#include "epochscope/store/layers.hpp"
#include "epochscope/ui/projection_view.hpp"
#include "epochscope/ui/style.hpp"
#include "epochscope/ui/view_status.hpp"

namespace epochscope::ui {
namespace {

constexpr double kReadoutsRest = 0.4;  ///< seconds the cursor rests on the readouts before their figures are asked for

// `text` on one line in `width` pixels: shortened with "..." when longer, whole in the tooltip (with
// `explanation` below it, when given).
void fitted_text(const std::string& text, float width, const char* explanation = nullptr) {
  std::string shown = text;
  if (ImGui::CalcTextSize(text.c_str()).x > width) {
    while (!shown.empty() && ImGui::CalcTextSize((shown + "...").c_str()).x > width) shown.pop_back();
    shown += "...";
  }
  ImGui::TextUnformatted(shown.c_str());
  if (ImGui::IsItemHovered() && (shown != text || explanation != nullptr)) {
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(text.c_str());
    if (explanation != nullptr) {
      ImGui::Separator();
      ImGui::TextUnformatted(explanation);
    }
    ImGui::EndTooltip();
  }
}

// The method menu's items: every method the pool computes, then the two views drawn from the data.
void method_menu_items(UiContext& ctx, const ViewConfig& config, ViewConfig& next, int slot) {
  auto methods = jobs::all_methods();
  methods.push_back(jobs::Method::pixels);      // drawn by the view, not computed by the pool
  methods.push_back(jobs::Method::trajectory);  // the parameters' path, not the points
  for (auto m : methods) {
    if (m == jobs::Method::trajectory) ImGui::Separator();
    if (ImGui::Selectable(jobs::method_label(m), m == config.method)) {
      next.method = m;
      if (m == jobs::Method::pixels && config.method != m) next.layer = "input";  // what it is for
    }
    ctx.hooks[fmt::format("view{}_method_{}", slot, jobs::method_name(m))] = last_item_rect();
    if (m == jobs::Method::trajectory && ImGui::IsItemHovered()) {
      ImGui::SetTooltip("The path of the network's parameters during training, on principal components,\n"
                        "coloured by batch loss (not a layout of the points)");
    }
  }
}

}  // namespace

// A trajectory view: the method menu and the trajectory's controls (on a second row when the view is
// narrow), its state in words, then its canvas.
void ProjectionView::draw_trajectory(UiContext& ctx, UiState& state, ImVec2 size, bool header, bool canvas) {
  ImGui::PushID(slot_);
  const ImVec2 start = ImGui::GetCursorPos();
  const float w = ImGui::GetContentRegionAvail().x;
  if (header) {
    ViewConfig next = config_;
    const float arrow = ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().FramePadding.x;
    const float method_w = ImGui::CalcTextSize(jobs::method_label(jobs::Method::star)).x + arrow;
    ImGui::SetNextItemWidth(std::min(method_w, w));
    if (ImGui::BeginCombo("##method", jobs::method_label(config_.method))) {
      method_menu_items(ctx, config_, next, slot_);
      ImGui::EndCombo();
    }
    report_.method_combo = last_item_rect();
    trajectory_.controls(ctx, config_, next, slot_);  // after it on the row, wrapping where narrow
    if (!(next == config_)) {
      set_config(next);
      if (slot_ < kMaxViews) state.views[static_cast<std::size_t>(slot_)] = next;
    }
  }
  const std::string status = config_.method == jobs::Method::trajectory ? trajectory_.status(ctx, config_) : "";
  if (header) {
    ImGui::PushStyleColor(ImGuiCol_Text, to_imvec4(ctx.theme->text_dim));
    fitted_text(status, w);
    ImGui::PopStyleColor();
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(0, 0));
    ImGui::ProgressBar(1.0f, ImVec2(-1, 3), "");
    ImGui::PopStyleVar();
  }
  fill_report(status);
  report_.recall = -1;
  report_.badge.clear();
  if (canvas && config_.method == jobs::Method::trajectory) {
    const float used = ImGui::GetCursorPos().y - start.y;
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const Rect rect{{p0.x, p0.y}, {p0.x + size.x, p0.y + std::max(40.0f, size.y - used)}};
    canvas_ = rect;
    report_.canvas = rect;
    under_cursor_ = false;
    trajectory_.draw(ctx, state, config_, rect, slot_);
  }
  report_.trajectory = trajectory_.report();
  report_.final = config_.landscape ? report_.trajectory.total > 0 && report_.trajectory.evaluated == report_.trajectory.total
                                    : report_.trajectory.message.empty() && ctx.store != nullptr && ctx.store->trajectory().size() >= 3;
  ImGui::PopID();
}

void ProjectionView::draw_header(UiContext& ctx, UiState& state) {
  const float w = ImGui::GetContentRegionAvail().x;
  ViewConfig next = config_;
  // One row when the method menu (its longest name), the layer menu and the toggles fit; else a
  // single menu with all of them: no menu or toggle is ever cut.
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const bool can_3d = !is_local() && !config_.depth_strip;  // a depth strip's panels are 2-D
  const float arrow = ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().FramePadding.x;
  const float method_w = ImGui::CalcTextSize(jobs::method_label(jobs::Method::star)).x + arrow;
  const auto* points = ctx.points();
  const auto layers = points != nullptr ? store::layer_choices(*points) : store::standard_layer_names();
  float layer_text = ImGui::CalcTextSize(config_.layer.c_str()).x;
  for (const auto& l : layers) layer_text = std::max(layer_text, ImGui::CalcTextSize(l.c_str()).x);
  // The layer menu, and a step button either side of it: shallower, deeper (Page Up / Page Down).
  const float step_w = ImGui::GetFrameHeight();
  const float layer_w = std::min(layer_text + arrow, 160.0f * em()) + 2 * (step_w + spacing);
  const bool comparing = ctx.compare.store != nullptr;  // another run is open: a chip picks which one
  const float chips = (!is_pixels() ? chip_width("change") + chip_width("depth") + 2 * spacing : 0.0f) +
                      (can_3d ? chip_width("3-D") + spacing : 0.0f) + (comparing ? chip_width("run B") + spacing : 0.0f);
  const std::string run_tip = fmt::format("Which run the view shows: A ({}) or, when on, B ({}).\n"
                                          "Hover, selection, traces and the epoch bar are linked by point and epoch.",
                                          ctx.session_file.filename().string(), ctx.compare.label);
  const auto run_chip = [&] {
    bool b = config_.run == 1;
    ImGui::SameLine();
    if (toggle_chip("run B", &b)) next.run = b ? 1 : 0;
    ctx.hooks[fmt::format("view{}_run", slot_)] = last_item_rect();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", run_tip.c_str());
  };
  const bool one_row = method_w + spacing + layer_w + chips <= w;
  const auto step_layer = [&](int step) {
    if (points != nullptr) next.layer = store::neighbour_layer(*points, config_.layer, step);
  };
  if (under_cursor_ && points != nullptr && !ImGui::GetIO().WantTextInput) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageUp))) step_layer(-1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageDown))) step_layer(+1);
  }
  // Two small arrows after the layer menu: one layer shallower, one deeper.
  const auto layer_steps = [&] {
    for (const auto& [dir, step, id, tip] : {std::tuple{ImGuiDir_Left, -1, "up", "One layer shallower (Page Up)"},
                                             std::tuple{ImGuiDir_Right, +1, "down", "One layer deeper (Page Down)"}}) {
      ImGui::SameLine(0, spacing);
      if (ImGui::ArrowButton(fmt::format("##layer_{}", id).c_str(), dir)) step_layer(step);
      ctx.hooks[fmt::format("view{}_layer_{}", slot_, id)] = last_item_rect();
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
    }
  };
  const std::string layer_tip =
      (points != nullptr ? store::layer_label(*points, config_.layer) : config_.layer) +
      "\nThe layers in depth order, the input first (the same in every frame: laid out once).\n"
      "Page Up / Page Down (over the view) or the arrows step through them, keeping the method;\n"
      "each layer's layout starts from its neighbour's, so the points move instead of jumping.";
  const auto method_items = [&] { method_menu_items(ctx, config_, next, slot_); };
  const auto layer_items = [&] {
    for (const auto& layer : layers) {
      const std::string label = points != nullptr ? store::layer_label(*points, layer) : layer;
      if (ImGui::Selectable(label.c_str(), config_.layer == layer)) next.layer = layer;
      ctx.hooks[fmt::format("view{}_layer_{}", slot_, layer)] = last_item_rect();
    }
  };
  const char* change_tip = "Colour the points by how much their neighbourhood in the layer changed since the previous\n"
                           "frame: the share of each point's 10 nearest neighbours that are new (dark: the same, yellow:\n"
                           "all new). Grey while unknown (frame 0).";
  const char* depth_tip = "Depth strip: this method on every layer of the frame shown, side by side, input first;\n"
                          "hover and selection are linked with the other views. Scrub the epoch bar to watch the\n"
                          "classes separate layer by layer and epoch by epoch. The view's own layer is outlined.";
  const char* three_tip = "Lay the points out in three dimensions: drag to turn, the wheel zooms, double-click fits.\n"
                          "Nearer points are drawn larger and brighter.";
  if (!one_row) {
    // A narrow view (a large UI scale, four views on a small screen): one menu holds the method, the
    // layer and the toggles, and its label says what the view shows.
    std::string label = fmt::format("{}{} \xc2\xb7 {}", comparing ? (config_.run == 1 ? "B: " : "A: ") : "",
                                    jobs::method_label(config_.method), config_.layer);
    if (color_change_) label += " \xc2\xb7 change";
    if (config_.depth_strip && !is_pixels()) label += " \xc2\xb7 depth";
    if (config_.dims == 3 && can_3d) label += " \xc2\xb7 3-D";
    ImGui::SetNextItemWidth(std::max(w - 2 * (step_w + spacing), 4 * step_w));
    if (ImGui::BeginCombo("##view", label.c_str(), ImGuiComboFlags_HeightLargest)) {  // every item in sight: no scrolling to the toggles
      ImGui::TextDisabled("method");
      method_items();
      ImGui::Separator();
      ImGui::TextDisabled("layer");
      layer_items();
      if (!is_pixels()) {
        ImGui::Separator();
        if (ImGui::Checkbox("colour by change", &color_change_)) change_.invalidate();
        ctx.hooks[fmt::format("view{}_change", slot_)] = last_item_rect();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", change_tip);
        if (comparing) {
          bool b = config_.run == 1;
          if (ImGui::Checkbox(fmt::format("run B ({})", ctx.compare.label).c_str(), &b)) next.run = b ? 1 : 0;
          ctx.hooks[fmt::format("view{}_run", slot_)] = last_item_rect();
          if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", run_tip.c_str());
        }
        ImGui::Checkbox("every layer (depth strip)", &next.depth_strip);
        ctx.hooks[fmt::format("view{}_depth", slot_)] = last_item_rect();
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", depth_tip);
        if (can_3d) {
          bool three = config_.dims == 3;
          if (ImGui::Checkbox("3-D", &three)) next.dims = three ? 3 : 2;
          ctx.hooks[fmt::format("view{}_3d", slot_)] = last_item_rect();
          if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", three_tip);
        }
      }
      ImGui::EndCombo();
    }
    report_.method_combo = last_item_rect();
    ctx.hooks[fmt::format("view{}_layer", slot_)] = last_item_rect();
    layer_steps();
    if (is_pixels()) color_change_ = false;
  } else {
    ImGui::SetNextItemWidth(std::min(w - layer_w - chips - spacing, 170.0f * em()));
    if (ImGui::BeginCombo("##method", jobs::method_label(config_.method))) {
      method_items();
      ImGui::EndCombo();
    }
    report_.method_combo = last_item_rect();
    ImGui::SameLine();
    ImGui::SetNextItemWidth(layer_w - 2 * (step_w + spacing));
    if (ImGui::BeginCombo("##layer", config_.layer.c_str(), ImGuiComboFlags_HeightLarge)) {
      layer_items();
      ImGui::EndCombo();
    }
    ctx.hooks[fmt::format("view{}_layer", slot_)] = last_item_rect();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", layer_tip.c_str());
    layer_steps();
    if (is_pixels()) {
      color_change_ = false;  // drawn from the data: no previous-frame neighbourhoods to compare
    } else {
      ImGui::SameLine();
      if (toggle_chip("change", &color_change_)) change_.invalidate();
      ctx.hooks[fmt::format("view{}_change", slot_)] = last_item_rect();
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", change_tip);
      ImGui::SameLine();
      toggle_chip("depth", &next.depth_strip);
      ctx.hooks[fmt::format("view{}_depth", slot_)] = last_item_rect();
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", depth_tip);
    }
    if (can_3d) {
      ImGui::SameLine();
      bool three = config_.dims == 3;
      if (toggle_chip("3-D", &three)) next.dims = three ? 3 : 2;
      ctx.hooks[fmt::format("view{}_3d", slot_)] = last_item_rect();
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", three_tip);
    }
    if (comparing) run_chip();
  }
  if (!(next == config_)) {
    set_config(next);
    if (slot_ < kMaxViews) state.views[static_cast<std::size_t>(slot_)] = next;
    update_positions(ctx, state);
  }

  float progress = 0;
  std::string readouts;
  const std::string run = !comparing ? "" : config_.run == 1 ? "run B (" + ctx.compare.label + ") \xc2\xb7 "
                                                              : "run A (" + ctx.session_file.filename().string() + ") \xc2\xb7 ";
  const std::string status = run + status_line(ctx, state, progress, readouts);
  // The state on one line, the trust readouts on the next; each shortened to the view's width
  // (whole in the tooltip), never cut off mid-word at the edge.
  ImGui::PushStyleColor(ImGuiCol_Text, to_imvec4(ctx.theme->text_dim));
  fitted_text(status, w);
  ImGui::PopStyleColor();
  if (!readouts.empty()) {
    // Hovering the readouts asks for the rank figures of the layout shown (made off this thread).
    const Matrix* shown = a_.positions.get();
    // Asked for once the cursor rests on the line (a pointer passing over asks nothing) and only
    // for a settled layout: at 70,000 points each set of figures costs seconds of a core, and an
    // animating layout's would be stale before they arrive.
    const bool settled = !a_.result || a_.result->final;
    std::string probe = quality_.line(shown);
    if (probe.empty() && !settled) probe = "trustworthiness, continuity and distance rho: once the layout settles";
    const std::string explanation =
        (probe.empty() ? std::string() : probe + "\n\n") +
        "recall@10: the share of each point's 10 nearest neighbours in the layer that are also\n"
        "among its 10 nearest in this picture (1 = neighbourhoods kept).\n"
        "moved: the mean distance the points moved since the previous frame's layout,\n"
        "in units of the layout's RMS radius (0 = nothing moved).\n"
        "changed: the share of the points' 10 nearest neighbours in the layer that are new.\n"
        "trustworthiness: 1 when no point's 10 nearest in the picture are far in the layer\n"
        "(Venna and Kaski); continuity: 1 when no 10 nearest in the layer are torn apart in the\n"
        "picture; about 0.5 for a random picture. distance rho: Spearman's correlation of the\n"
        "distances in the layer and in the picture over 2,000 points.";
    fitted_text(readouts, w, explanation.c_str());
    ctx.hooks[fmt::format("view{}_readouts", slot_)] = last_item_rect();
    const bool hovered = ImGui::IsItemHovered();
    if (!hovered) readouts_hovered_since_ = -1;
    else if (readouts_hovered_since_ < 0) readouts_hovered_since_ = ImGui::GetTime();
    const bool rested = hovered && ImGui::GetTime() - readouts_hovered_since_ >= kReadoutsRest;
    if (hovered && !rested) ctx.animating = true;  // a frame when the rest is long enough
    if (rested && settled && ctx.tasks != nullptr && shown_frame_ >= 0 && shown_frame_ < ctx.frame_count() && !is_pixels()) {
      if (!quality_.covers(a_.positions.get())) {  // the layer's neighbours, when the pool has them
        auto data_nn = ctx.pool != nullptr ? ctx.pool->cached_neighbors(config_.layer, shown_frame_, 10) : nullptr;
        quality_.request(*ctx.tasks, ctx.store, ctx.frames[static_cast<std::size_t>(shown_frame_)], config_.layer,
                         a_.positions, std::move(data_nn));
      }
    }
    if (quality_.covers(shown)) ctx.animating = ctx.animating || quality_.figures(shown) == nullptr;
    else if (quality_.waiting()) ctx.animating = true;  // ask again once the older layout's are done
    if (const auto* q = quality_.figures(shown)) {
      report_.trustworthiness = q->trustworthiness;
      report_.continuity = q->continuity;
      report_.distance_rho = q->spearman;
    }
  }
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(0, 0));
  ImGui::ProgressBar(std::clamp(progress, 0.0f, 1.0f), ImVec2(-1, 3), "");
  ImGui::PopStyleVar();
  fill_report(readouts.empty() ? status : status + "  |  " + readouts);
}

// What the view shows, for the caller (a depth strip's panel, tests): its state line and setup.
void ProjectionView::fill_report(const std::string& status) {
  report_.status = status;
  report_.method = jobs::method_name(config_.method);
  report_.layer = config_.layer;
  report_.layout_frame = shown_frame_;
  report_.depth_strip = config_.depth_strip;
  report_.run = config_.run;
  report_.loading = loading_;
  report_.dims = dims();
  report_.yaw = dims() == 3 ? orbit_.camera().yaw : 0.0f;
  report_.pitch = dims() == 3 ? orbit_.camera().pitch : 0.0f;
  report_.camera_distance = dims() == 3 ? orbit_.camera().distance : 0.0f;
  // (Work in progress redraws when the pool publishes a slice: its version changes.)
}

// The state in words, e.g. "t-SNE: 31/46 frames, animating frame 31, iteration 430/750", then the
// trust readouts; `progress` gets the share done.
std::string ProjectionView::status_line(UiContext& ctx, const UiState& state, float& progress, std::string& readouts_out) {
  readouts_out.clear();
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
    // Star layouts are made for the frames a user looks at (in milliseconds), not for all of them
    // ahead: the status says so rather than counting the few made.
    const bool moved = star_.anchors().moved();
    status = fmt::format("Star: {} frames, each laid out when shown{}", n, moved ? "; anchors moved" : "");
    progress = shown_frame_ == wanted ? 1.0f : 0.0f;
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
  readouts_out = readouts_text(readouts);
  if (readouts_out.rfind("  |  ", 0) == 0) readouts_out.erase(0, 5);
  return status;
}

}  // namespace epochscope::ui
