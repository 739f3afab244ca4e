#include "epochscope/ui/workspace.hpp"

#include <algorithm>
#include <vector>

#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

Workspace::Workspace(const std::filesystem::path& shader_dir)
    : points_(shader_dir), lines_(shader_dir), compositor_(shader_dir) {
  for (int i = 0; i < kMaxViews; ++i) {
    views_[static_cast<std::size_t>(i)] = std::make_unique<ProjectionView>(i, ViewRenderers{&styles_, &points_, &lines_, &compositor_});
  }
}

Workspace::~Workspace() { release_source(); }

void Workspace::release_source() {
  for (auto& v : views_) v->set_source(nullptr);
}

void Workspace::set_source(UiContext& ctx, const UiState& state) {
  for (int i = 0; i < kMaxViews; ++i) {
    auto& v = *views_[static_cast<std::size_t>(i)];
    v.set_source(nullptr);
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
  const StyleKey key{frame, points, state.highlight_class(), state.show_misclassified, static_cast<int>(state.filter)};
  if (key == style_key_) return;
  style_key_ = key;
  const std::size_t n = points->size();
  std::vector<render::PointStyle> styles(n);
  std::vector<std::uint32_t> order, emphasised;
  order.reserve(n);
  const int highlight = key.highlight;
  for (std::size_t i = 0; i < n; ++i) {
    const int label = points->labels[i];
    const bool wrong = frame != nullptr && i < frame->predicted.size() && frame->predicted[i] != label;
    bool emphasis = false, dim = false;
    if (highlight >= 0) {
      emphasis = label == highlight && (!state.show_misclassified || wrong);
      dim = !emphasis;
    } else if (state.show_misclassified) {
      emphasis = wrong;
      dim = !wrong;
    }
    const Rgba8 c = dim ? kDimmed : class_color(label);
    auto& s = styles[i];
    s.r = c.r;
    s.g = c.g;
    s.b = c.b;
    s.a = dim ? kDimmed.a : 215;
    s.flags = static_cast<std::uint8_t>((points->heldout[i] != 0 ? render::kFlagHollow : 0) |
                                        (emphasis && state.show_misclassified ? render::kFlagLarge : 0) |
                                        (dim ? render::kFlagBehind : 0));
    if (!state.passes_filter(points->heldout[i] != 0)) continue;
    (emphasis ? emphasised : order).push_back(static_cast<std::uint32_t>(i));
  }
  order.insert(order.end(), emphasised.begin(), emphasised.end());  // drawn last: on top
  styles_.set_styles(styles);
  styles_.set_order(order);
}

void Workspace::handle_keys(UiContext& ctx, UiState& state) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;
  const int n = ctx.frame_count();
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) state.step(-1, n);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) state.step(+1, n);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) state.toggle_play(n);
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
    state.clear_selection();
    state.pinned_class = -1;
  }
}

void Workspace::draw_views(UiContext& ctx, UiState& state, ImVec2 size) {
  const int count = state.view_count == 1 || state.view_count == 2 ? state.view_count : 4;
  const int cols = count == 1 ? 1 : 2;
  const int rows = count == 4 ? 2 : 1;
  const float gap = 6;
  const ImVec2 cell((size.x - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols),
                    (size.y - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows));
  const ImVec2 origin = ImGui::GetCursorPos();
  for (int i = 0; i < kMaxViews; ++i) {
    auto& v = *views_[static_cast<std::size_t>(i)];
    if (i >= count) {
      if (v.source() != nullptr) v.set_source(nullptr);  // off screen: stop asking for its layouts
      continue;
    }
    if (v.source() != ctx.pool) v.set_source(ctx.pool);
    const int c = i % cols, r = i / cols;
    ImGui::SetCursorPos(ImVec2(origin.x + static_cast<float>(c) * (cell.x + gap), origin.y + static_cast<float>(r) * (cell.y + gap)));
    const char* ids[] = {"view0", "view1", "view2", "view3"};
    ImGui::BeginChild(ids[i], cell, true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    v.draw(ctx, state, ImGui::GetContentRegionAvail());
    ImGui::EndChild();
  }
}

void Workspace::draw(UiContext& ctx, UiState& state) {
  state.begin_frame();
  state.hovered_class = -1;
  ctx.tooltip_shown = false;
  ctx.tooltip_point = -1;
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
  const float left_w = std::clamp(vp->Size.x * 0.21f, 250.0f, 330.0f);
  const float right_w = std::clamp(vp->Size.x * 0.18f, 220.0f, 280.0f);
  const float bar_h = ImGui::GetFrameHeight() + 18;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float body_h = avail.y - bar_h - 6;

  ImGui::BeginChild("training", ImVec2(left_w, body_h), true);
  ImGui::TextUnformatted("Training");
  ImGui::Separator();
  draw_control_panel(ctx, state);
  ImGui::Spacing();
  if (ImGui::CollapsingHeader("Loss and accuracy", ImGuiTreeNodeFlags_DefaultOpen)) draw_metrics_panel(ctx, state);
  if (ImGui::CollapsingHeader("Confusion matrix", ImGuiTreeNodeFlags_DefaultOpen)) draw_confusion_panel(ctx, state);
  const bool trajectory_open = ImGui::CollapsingHeader("Parameter trajectory");
  ctx.hooks["trajectory_header"] = {{ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y},
                                    {ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}};
  if (trajectory_open) draw_trajectory_panel(ctx, state);
  const bool tsne_open = ImGui::CollapsingHeader("t-SNE settings");
  ctx.hooks["tsne_header"] = {{ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y},
                              {ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}};
  if (tsne_open) draw_tsne_panel(ctx, state);
  ImGui::EndChild();

  ImGui::SameLine();
  const float center_w = avail.x - left_w - right_w - 2 * ImGui::GetStyle().ItemSpacing.x;
  ImGui::BeginChild("center", ImVec2(center_w, body_h), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  if (!ctx.message.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ctx.message_is_error ? ImVec4(1.0f, 0.45f, 0.4f, 1) : ImVec4(0.95f, 0.8f, 0.4f, 1), "%s", ctx.message.c_str());
    ImGui::PopTextWrapPos();
  }
  draw_views(ctx, state, ImGui::GetContentRegionAvail());
  ImGui::EndChild();

  ImGui::SameLine();
  ImGui::BeginChild("side", ImVec2(right_w, body_h), true);
  ImGui::TextUnformatted("Classes");
  ImGui::Separator();
  draw_legend_panel(ctx, state);
  ImGui::Spacing();
  if (ImGui::CollapsingHeader("Selected point", ImGuiTreeNodeFlags_DefaultOpen)) draw_inspector_panel(ctx, state);
  ImGui::EndChild();

  ImGui::BeginChild("epochs", ImVec2(avail.x, bar_h), true, ImGuiWindowFlags_NoScrollbar);
  draw_epoch_bar(ctx, state);
  ImGui::EndChild();
  ImGui::End();

  if (state.next_hovered >= 0) draw_point_tooltip(ctx, state, state.next_hovered);
  update_styles(ctx, state);
  schedule_layer_redraws(ctx, state);
}

void Workspace::schedule_layer_redraws(UiContext& ctx, const UiState& state) {
  const auto budget = static_cast<std::size_t>(state.playing ? kLayerRedrawsPerFramePlaying : kLayerRedrawsPerFrame);
  std::vector<ProjectionView*> stale;
  for (auto& v : views_) {
    if (v->source() != nullptr && v->layer_stale()) stale.push_back(v.get());
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

void Workspace::draw_single_view(UiContext& ctx, UiState& state, int slot, const std::string& caption) {
  state.begin_frame();
  state.on_frames(ctx.frame_count());
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->Pos);
  ImGui::SetNextWindowSize(vp->Size);
  ImGui::Begin("render", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
  ImGui::TextUnformatted(caption.c_str());
  auto& v = *views_[static_cast<std::size_t>(slot)];
  v.draw(ctx, state, ImGui::GetContentRegionAvail(), false);
  ImGui::End();
  update_styles(ctx, state);
}

}  // namespace epochscope::ui
