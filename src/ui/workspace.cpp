#include "epochscope/ui/workspace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "epochscope/store/layers.hpp"
#include "epochscope/store/neurons.hpp"
#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

Workspace::Workspace(const std::filesystem::path& shader_dir)
    : points_(shader_dir), lines_(shader_dir), compositor_(shader_dir), density_(shader_dir) {
  for (int i = 0; i < kMaxViews; ++i) {
    const ViewRenderers renderers{&styles_, &points_, &lines_, &compositor_, &density_};
    views_[static_cast<std::size_t>(i)] = std::make_unique<ProjectionView>(i, renderers);
    strips_[static_cast<std::size_t>(i)] = std::make_unique<DepthStrip>(i, renderers);
  }
}

Workspace::~Workspace() { release_source(); }

void Workspace::release_source() {
  for (auto& v : views_) v->set_source(nullptr);
  for (auto& s : strips_) s->set_source(nullptr);
}

void Workspace::set_source(UiContext& ctx, const UiState& state) {
  for (int i = 0; i < kMaxViews; ++i) {
    auto& v = *views_[static_cast<std::size_t>(i)];
    v.set_source(nullptr);
    strips_[static_cast<std::size_t>(i)]->set_source(nullptr);
    v.set_config(state.views[static_cast<std::size_t>(i)]);
    // Only the views on screen ask the pool for work.
    v.set_source(i < state.view_count ? ctx.pool : nullptr);
  }
  style_key_ = {};
}

void Workspace::update_styles(const UiContext& ctx, const UiState& state) {
  const auto* points = ctx.points();
  if (points == nullptr) return;
  const store::Frame* frame = ctx.frames.empty() ? nullptr
      : ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))].get();
  // Colouring by a unit (the Neurons panel): its activations at this frame, scaled to their range.
  const Matrix* unit_values = frame != nullptr && state.unit >= 0 ? frame->layer(state.unit_layer) : nullptr;
  const int unit = unit_values != nullptr && state.unit < unit_values->cols() &&
                           unit_values->rows() == static_cast<Eigen::Index>(points->size()) ? state.unit : -1;
  const StyleKey key{frame, points, state.highlight_class(), state.show_misclassified, static_cast<int>(state.filter),
                     ctx.theme, unit, unit >= 0 ? unit_values : nullptr, state.point_filter,
                     state.filter_grey && state.point_filter.active()};
  float lo = 0, hi = 1;
  if (unit >= 0 && key != style_key_) std::tie(lo, hi) = store::activation_range(*unit_values, unit);
  const Theme& th = *ctx.theme;
  if (key == style_key_) return;
  style_key_ = key;
  const std::size_t n = points->size();
  std::vector<render::PointStyle> styles(n);
  std::vector<std::uint32_t> order, emphasised;
  order.reserve(n);
  const int highlight = key.highlight;
  const auto kept = key.filter_grey ? filter_mask(*points, ctx.frames, state.frame, key.point_filter) : std::vector<std::uint8_t>{};
  for (std::size_t i = 0; i < n; ++i) {
    const int label = points->labels[i];
    const bool wrong = frame != nullptr && i < frame->predicted.size() && frame->predicted[i] != label;
    auto [emphasis, dim] = state.point_look(label, wrong, highlight);
    if (!kept.empty() && kept[i] == 0) emphasis = false, dim = true;  // the Filter panel's "grey the rest"
    const Rgba8 c = dim ? th.dimmed
                    : unit >= 0 ? sequential_color(hi > lo ? ((*unit_values)(static_cast<Eigen::Index>(i), unit) - lo) / (hi - lo) : 0.0f)
                                : th.class_color(label);
    auto& s = styles[i];
    s.r = c.r;
    s.g = c.g;
    s.b = c.b;
    s.a = dim ? th.dimmed.a : 215;
    s.flags = static_cast<std::uint8_t>((points->heldout[i] != 0 ? render::kFlagHollow : 0) |
                                        (emphasis && state.show_misclassified ? render::kFlagLarge : 0) |
                                        (dim ? render::kFlagBehind : 0));
    if (!state.passes_filter(points->heldout[i] != 0)) continue;
    (emphasis ? emphasised : order).push_back(static_cast<std::uint32_t>(i));
  }
  const std::size_t emphasised_from = order.size();
  order.insert(order.end(), emphasised.begin(), emphasised.end());  // drawn last: on top
  styles_.set_styles(styles);
  styles_.set_order(order, emphasised_from);
}

void Workspace::handle_keys(UiContext& ctx, UiState& state) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  const int n = ctx.frame_count();
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) state.step(-1, n);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) state.step(+1, n);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) state.toggle_play(n);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Tab), false)) state.panels_hidden = !state.panels_hidden;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
    state.clear_selection();
    state.pinned_class = -1;
  }
}

// Top right of the left panel: "Aa" (text size and theme, for a lecture hall) and "?" (the guide).
void Workspace::draw_display_buttons(UiContext& ctx, UiState& state) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float w = ImGui::CalcTextSize("Aa").x + ImGui::CalcTextSize("?").x + 4 * st.FramePadding.x + st.ItemSpacing.x;
  ImGui::SameLine(std::max(0.0f, ImGui::GetWindowContentRegionMax().x - w));
  const auto hook = [&](const char* name) {
    ctx.hooks[name] = last_item_rect();
  };
  if (ImGui::SmallButton("Aa")) ImGui::OpenPopup("display");
  hook("display_button");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Text size and colours (Ctrl + plus / minus)");
  ImGui::SameLine();
  if (ImGui::SmallButton("?")) state.show_help = !state.show_help;
  hook("help_button");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("How to read the views (F1)");
  if (ImGui::BeginPopup("display")) {
    ImGui::TextDisabled("Text and widgets: %.0f%%", 100 * state.ui_scale);
    if (ImGui::Button("Smaller")) state.ui_scale -= 0.25f;
    hook("display_smaller");
    ImGui::SameLine();
    if (ImGui::Button("Larger")) state.ui_scale += 0.25f;
    hook("display_larger");
    ImGui::SameLine();
    if (ImGui::Button("100%")) state.ui_scale = 1.0f;
    if (ImGui::Button("Lecture hall: 175%, light")) {
      state.ui_scale = 1.75f;
      state.light = true;
    }
    hook("display_lecture");
    ImGui::Separator();
    if (ImGui::RadioButton("Dark", !state.light)) state.light = false;
    ImGui::SameLine();
    if (ImGui::RadioButton("Light, high contrast", state.light)) state.light = true;
    hook("display_light");
    ImGui::Separator();
    ImGui::Checkbox("Hide the side panels (Tab)", &state.panels_hidden);
    ImGui::EndPopup();
  }
}

// No data to show (the file given is not a session, the dataset is missing, or it is still being
// opened): one message where the views would be, not four empty ones.
void Workspace::draw_empty(UiContext& ctx, ImVec2 size) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), to_imu32(ctx.theme->view_bg), 4.0f);
  const float wrap = std::min(size.x * 0.8f, ImGui::GetFontSize() * 36);
  const std::string title = ctx.message_is_error ? "Nothing to show" : "Opening...";
  const std::string body = ctx.message;
  // What to do instead, one way per line, the command set apart from the words.
  constexpr const char* kWays[][2] = {{"Open a saved session:", "epochscope --session FILE"},
                                      {"Follow a run being written:", "epochscope --follow FILE"},
                                      {"Train a new run:", "epochscope, or Train a new run on the left"}};
  const ImVec2 ts = ImGui::CalcTextSize(body.c_str(), nullptr, false, wrap);
  const float extra = ctx.message_is_error ? ImGui::GetFontSize() + 3 * ImGui::GetTextLineHeightWithSpacing() : 0.0f;
  const float y = p0.y + std::max(10.0f, (size.y - ts.y - extra) / 2 - ImGui::GetFontSize() * 2);
  ImGui::SetCursorScreenPos(ImVec2(p0.x + (size.x - wrap) / 2, y));
  ImGui::TextColored(to_imvec4(ctx.theme->text), "%s", title.c_str());
  ImGui::SetCursorScreenPos(ImVec2(p0.x + (size.x - wrap) / 2, y + ImGui::GetFontSize() * 2));
  ImGui::PushTextWrapPos(ImGui::GetCursorPos().x + wrap);
  ImGui::TextColored(to_imvec4(ctx.message_is_error ? ctx.theme->bad : ctx.theme->text_dim), "%s", body.c_str());
  ImGui::PopTextWrapPos();
  if (ctx.message_is_error) {
    const float x = p0.x + (size.x - wrap) / 2;
    float label_w = 0;
    for (const auto& way : kWays) label_w = std::max(label_w, ImGui::CalcTextSize(way[0]).x);
    ImGui::SetCursorScreenPos(ImVec2(x, ImGui::GetCursorScreenPos().y + ImGui::GetFontSize()));
    for (const auto& way : kWays) {
      ImGui::SetCursorScreenPos(ImVec2(x, ImGui::GetCursorScreenPos().y));
      ImGui::TextColored(to_imvec4(ctx.theme->text_dim), "%s", way[0]);
      ImGui::SameLine(0, 0);
      ImGui::SetCursorScreenPos(ImVec2(x + label_w + ImGui::GetFontSize(), ImGui::GetCursorScreenPos().y));
      ImGui::TextColored(to_imvec4(ctx.theme->text), "%s", way[1]);
    }
  }
  ctx.hooks["empty_state"] = {{p0.x, p0.y}, {p0.x + size.x, p0.y + size.y}};
}

namespace {

// Swaps the compared run into ctx's store, pool and frames for the scope (when `on`).
struct CompareSwap {
  CompareSwap(UiContext& c, bool on) : ctx(c), active(on) { swap(); }
  ~CompareSwap() { swap(); }
  CompareSwap(const CompareSwap&) = delete;
  CompareSwap& operator=(const CompareSwap&) = delete;
  void swap() {
    if (!active) return;
    std::swap(ctx.store, ctx.compare.store);
    std::swap(ctx.pool, ctx.compare.pool);
    std::swap(ctx.frames, ctx.compare.frames);
  }
  UiContext& ctx;
  bool active;
};

}  // namespace

void Workspace::draw_views(UiContext& ctx, UiState& state, ImVec2 size) {
  if (ctx.store == nullptr) {
    draw_empty(ctx, size);
    return;
  }
  const int count = state.view_count == 1 || state.view_count == 2 ? state.view_count : 4;
  const int cols = count == 1 ? 1 : 2;
  const int rows = count == 4 ? 2 : 1;
  const float gap = 6;
  const ImVec2 cell((size.x - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols),
                    (size.y - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows));
  const ImVec2 origin = ImGui::GetCursorPos();
  for (int i = 0; i < kMaxViews; ++i) {
    auto& v = *views_[static_cast<std::size_t>(i)];
    auto& strip = *strips_[static_cast<std::size_t>(i)];
    const bool strip_on = i < count && v.config().depth_strip && jobs::is_computed(v.config().method);
    strip_shown_[static_cast<std::size_t>(i)] = strip_on;
    if (!strip_on) strip.set_source(nullptr);  // off, or off screen: release its panels' chains
    if (i >= count) {
      if (v.source() != nullptr) v.set_source(nullptr);  // off screen: stop asking for its layouts
      continue;
    }
    // A view of the compared run draws with that run's store, pool and frames in ctx.
    const bool other_run = v.config().run == 1 && ctx.compare.store != nullptr;
    CompareSwap swap(ctx, other_run);
    if (const auto* points = ctx.points(); points != nullptr && !store::is_layer_name(v.config().layer, points)) {
      // The other run has other layers (a cnn against an mlp): its deepest one that is not the output.
      ViewConfig c = v.config();
      c.layer = store::deepest_hidden_layer(*points);
      v.set_config(c);
      state.views[static_cast<std::size_t>(i)] = c;
    }
    if (v.source() != ctx.pool) v.set_source(ctx.pool);
    const int c = i % cols, r = i / cols;
    ImGui::SetCursorPos(ImVec2(origin.x + static_cast<float>(c) * (cell.x + gap), origin.y + static_cast<float>(r) * (cell.y + gap)));
    const char* ids[] = {"view0", "view1", "view2", "view3"};
    ImGui::BeginChild(ids[i], cell, true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    if (strip_on) {  // the view's header, then its method on every layer
      v.draw(ctx, state, ImGui::GetContentRegionAvail(), true, false);
      strip.set_source(ctx.pool);
      strip.draw(ctx, state, v.config(), ImGui::GetContentRegionAvail());
    } else {
      v.draw(ctx, state, ImGui::GetContentRegionAvail());
    }
    ImGui::EndChild();
  }
}

void Workspace::draw(UiContext& ctx, UiState& state) {
  state.begin_frame();
  state.hovered_class = -1;
  ctx.tooltip_shown = false;
  ctx.tooltip_point = -1;
  ctx.tooltip_text.clear();
  ctx.neurons_columns.clear();
  ctx.selection_rows.clear();
  ctx.neighbour_list.clear();
  ctx.neighbour_of = -1;
  ctx.filter_kept = -1;
  ctx.filters_drawn = -1;
  ctx.filters_frame = -1;
  ctx.hooks.clear();
  state.on_frames(ctx.frame_count());
  if (state.advance(ctx.dt, ctx.frame_count())) ctx.animating = true;
  handle_keys(ctx, state);
  if (ctx.pool != nullptr && !ctx.frames.empty()) ctx.pool->set_focus(state.frame);

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->Pos);
  ImGui::SetNextWindowSize(vp->Size);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse |
                                 // The clear colour is the window colour: not filling the whole window
                                 // again saves a full-screen blend per frame (llvmpipe draws on the CPU).
                                 ImGuiWindowFlags_NoBackground;
  ImGui::Begin("epochscope", nullptr, flags);
  // Side panels grow with the UI scale, but leave the views at least half the window; Tab hides them
  // (the views and the epoch bar alone, for a lecture).
  const bool panels = !state.panels_hidden;
  const float left_w = panels ? std::min(std::clamp(vp->Size.x * 0.21f, 250.0f * em(), 330.0f * em()), vp->Size.x * 0.28f) : 0.0f;
  const float right_w = panels ? std::min(std::clamp(vp->Size.x * 0.18f, 220.0f * em(), 280.0f * em()), vp->Size.x * 0.24f) : 0.0f;
  const float bar_h = ImGui::GetFrameHeight() + 18;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float body_h = avail.y - bar_h - 6;

  if (panels) draw_left_panel(ctx, state, ImVec2(left_w, body_h));
  const float center_w = avail.x - left_w - right_w - (panels ? 2 * ImGui::GetStyle().ItemSpacing.x : 0.0f);
  ImGui::BeginChild("center", ImVec2(center_w, body_h), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  if (!ctx.message.empty() && ctx.store != nullptr) {
    ImGui::PushTextWrapPos(0);
    const ImVec4 error = to_imvec4(ctx.theme->bad);
    const ImVec4 note = to_imvec4(ctx.theme->note);
    ImGui::TextColored(ctx.message_is_error ? error : note, "%s", ctx.message.c_str());
    ImGui::PopTextWrapPos();
  }
  draw_views(ctx, state, ImGui::GetContentRegionAvail());
  ImGui::EndChild();
  draw_open_dialog(ctx);

  if (panels) {
    ImGui::SameLine();
    // Its scrollbar always there: one that comes and goes changes the width, so the text wraps
    // differently, so the height changes, so the scrollbar goes again (a flickering panel).
    ImGui::BeginChild("side", ImVec2(right_w, body_h), true, ImGuiWindowFlags_AlwaysVerticalScrollbar);
    const ImVec2 side = ImGui::GetWindowPos();
    ctx.hooks["side_panel"] = {{side.x, side.y}, {side.x + ImGui::GetWindowWidth(), side.y + ImGui::GetWindowHeight()}};
    ImGui::TextUnformatted("Classes");
    ImGui::Separator();
    draw_legend_panel(ctx, state);
    ImGui::Spacing();
    if (ImGui::CollapsingHeader("Selected point", ImGuiTreeNodeFlags_DefaultOpen)) draw_inspector_panel(ctx, state);
    const bool neighbours_open = ImGui::CollapsingHeader("Neighbours in the layer");
    ctx.hooks["neighbours_header"] = last_item_rect();
    if (neighbours_open) neighbours_.draw(ctx, state);
    else state.layer_neighbours.clear();
    const bool filter_open = ImGui::CollapsingHeader("Filter");
    ctx.hooks["filter_header"] = last_item_rect();
    if (filter_open) draw_filter_panel(ctx, state);
    const bool selection_open = ImGui::CollapsingHeader("Selection");
    ctx.hooks["selection_header"] = last_item_rect();
    if (selection_open) {
      std::vector<LayoutColumns> layouts;  // what the views on screen show, for the CSV
      for (int i = 0; i < state.view_count; ++i) {
        const auto& v = *views_[static_cast<std::size_t>(i)];
        if (v.shown_positions()) {
          layouts.push_back({fmt::format("view{}_{}_{}", i + 1, jobs::method_name(v.config().method), v.config().layer),
                             v.shown_positions()});
        }
      }
      selection_.draw(ctx, state, layouts);
    }
    if (ImGui::CollapsingHeader("Options", ImGuiTreeNodeFlags_DefaultOpen)) draw_display_options(ctx, state);
    ImGui::EndChild();
  }

  ImGui::BeginChild("epochs", ImVec2(avail.x, bar_h), true, ImGuiWindowFlags_NoScrollbar);
  draw_epoch_bar(ctx, state);
  ImGui::EndChild();
  ImGui::End();

  draw_help_window(ctx, state);
  if (state.next_hovered >= 0) draw_point_tooltip(ctx, state, state.next_hovered);
  update_styles(ctx, state);
  schedule_layer_redraws(ctx, state);
}

// The training panel: controls, loss and accuracy, the confusion matrix, the neurons, the first
// layer's filters, the trajectory, t-SNE.
void Workspace::draw_left_panel(UiContext& ctx, UiState& state, ImVec2 size) {
  ImGui::BeginChild("training", size, true);
  ImGui::TextUnformatted("Training");
  draw_display_buttons(ctx, state);
  ImGui::Separator();
  draw_control_panel(ctx, state);
  ImGui::Spacing();
  if (ImGui::CollapsingHeader("Loss and accuracy", ImGuiTreeNodeFlags_DefaultOpen)) draw_metrics_panel(ctx, state);
  if (ImGui::CollapsingHeader("Confusion matrix", ImGuiTreeNodeFlags_DefaultOpen)) draw_confusion_panel(ctx, state);
  const bool neurons_open = ImGui::CollapsingHeader("Neurons");
  ctx.hooks["neurons_header"] = last_item_rect();
  if (neurons_open) neurons_.draw(ctx, state);
  const bool filters_open = ImGui::CollapsingHeader("Filters (first conv layer)");
  ctx.hooks["filters_header"] = last_item_rect();
  if (filters_open) draw_filters_panel(ctx, state);
  const bool trajectory_open = ImGui::CollapsingHeader("Parameter trajectory");
  ctx.hooks["trajectory_header"] = last_item_rect();
  if (trajectory_open) draw_trajectory_panel(ctx, state);
  const bool tsne_open = ImGui::CollapsingHeader("t-SNE settings");
  ctx.hooks["tsne_header"] = last_item_rect();
  if (tsne_open) draw_tsne_panel(ctx, state);
  ImGui::EndChild();
  ImGui::SameLine();
}

void Workspace::schedule_layer_redraws(UiContext& ctx, const UiState& state) {
  const auto budget = static_cast<std::size_t>(state.playing ? kLayerRedrawsPerFramePlaying : kLayerRedrawsPerFrame);
  std::vector<ProjectionView*> stale;
  for (std::size_t i = 0; i < views_.size(); ++i) {
    auto& v = views_[i];  // (a view showing a depth strip draws no canvas of its own)
    if (v->source() != nullptr && !strip_shown_[i] && v->layer_stale()) stale.push_back(v.get());
  }
  // The view being dragged or hovered first (panning and turning stay smooth), then the longest waiting.
  std::stable_sort(stale.begin(), stale.end(), [](const ProjectionView* a, const ProjectionView* b) {
    if (a->under_cursor() != b->under_cursor()) return a->under_cursor();
    return a->stale_frames() > b->stale_frames();
  });
  for (std::size_t i = 0; i < stale.size(); ++i) {
    if (i < budget || !stale[i]->defer_layer()) continue;
    ctx.animating = true;  // its turn comes in the next frame
  }
}

void Workspace::draw_single_view(UiContext& ctx, UiState& state, int slot, const std::string& caption, bool legend) {
  state.begin_frame();
  state.on_frames(ctx.frame_count());
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->Pos);
  ImGui::SetNextWindowSize(vp->Size);
  ImGui::Begin("render", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
  if (!caption.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(caption.c_str());
    ImGui::PopTextWrapPos();
  }
  auto& v = *views_[static_cast<std::size_t>(slot)];
  v.draw(ctx, state, ImGui::GetContentRegionAvail(), false);
  if (legend && jobs::is_computed(v.config().method)) draw_class_legend(ctx, state, v.report().canvas);  // a trajectory has its own
  ImGui::End();
  update_styles(ctx, state);
}

std::vector<std::pair<std::string, Rgba8>> Workspace::legend_entries(const UiContext& ctx, const UiState& state) {
  std::vector<std::pair<std::string, Rgba8>> out;
  const auto* points = ctx.points();
  if (points == nullptr) return out;
  std::vector<char> present(static_cast<std::size_t>(points->class_count()), 0);
  for (std::size_t i = 0; i < points->size(); ++i) {
    if (state.passes_filter(points->heldout[i] != 0) && points->labels[i] < present.size()) present[points->labels[i]] = 1;
  }
  const int highlight = state.highlight_class();
  for (int c = 0; c < points->class_count(); ++c) {
    if (!present[static_cast<std::size_t>(c)]) continue;
    out.emplace_back(points->class_names[static_cast<std::size_t>(c)], highlight >= 0 && c != highlight ? ctx.theme->dimmed
                                                                                                        : ctx.theme->class_color(c));
  }
  return out;
}

// The classes shown and their colours, in a box in the canvas's top-right corner.
void Workspace::draw_class_legend(const UiContext& ctx, const UiState& state, const Rect& canvas) {
  const auto entries = legend_entries(ctx, state);
  if (entries.empty()) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float row = ImGui::GetTextLineHeight() + 4 * em(), pad = 8 * em(), dot = 6 * em();
  float text_w = 0;
  for (const auto& [name, colour] : entries) text_w = std::max(text_w, ImGui::CalcTextSize(name.c_str()).x);
  const float w = pad * 2 + dot * 2 + 8 * em() + text_w, h = pad * 2 + row * static_cast<float>(entries.size());
  const ImVec2 min(canvas.max.x - w - 10 * em(), canvas.min.y + 10 * em());
  dl->AddRectFilled(min, ImVec2(min.x + w, min.y + h), to_imu32(ctx.theme->overlay_bg), 5.0f);
  dl->AddRect(min, ImVec2(min.x + w, min.y + h), to_imu32(ctx.theme->axis), 5.0f);
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const float y = min.y + pad + row * (static_cast<float>(k) + 0.5f);
    dl->AddCircleFilled(ImVec2(min.x + pad + dot, y), dot, to_imu32(entries[k].second), 16);
    dl->AddText(ImVec2(min.x + pad + dot * 2 + 8 * em(), y - ImGui::GetTextLineHeight() / 2), to_imu32(ctx.theme->text),
                entries[k].first.c_str());
  }
}

}  // namespace epochscope::ui
