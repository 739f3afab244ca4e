// Contract: the whole window's content: the training panel on the left (controls, metrics,
// confusion matrix), 1, 2 or 4 projection views in the middle, the legend and the inspector on the
// right, the epoch bar along the bottom. Owns the views and the GL objects they share (renderers,
// the per-point style buffer, rebuilt only when highlight, filter, frame or data change). Keys:
// Left/Right step frames, Space plays, Esc clears the selection. One view draws its point layer
// again per frame (two while playing, when every view moves every frame), the one under the cursor
// first, then those waiting longest; the others show their previous picture a frame longer. A new epoch changing every view
// at once then costs a few short frames instead of one long one (under llvmpipe a 10,000-point
// layer is most of a frame). Needs a current GL context.
#pragma once

#include <array>
#include <filesystem>
#include <memory>

#include "epochscope/render/point_renderer.hpp"
#include "epochscope/ui/context.hpp"
#include "epochscope/ui/neighbours_panel.hpp"
#include "epochscope/ui/neurons_panel.hpp"
#include "epochscope/ui/selection_panel.hpp"
#include "epochscope/ui/depth_strip.hpp"
#include "epochscope/ui/projection_view.hpp"
#include "epochscope/ui/ui_state.hpp"

namespace epochscope::ui {

class Workspace {
 public:
  static constexpr int kLayerRedrawsPerFrame = 1;
  static constexpr int kLayerRedrawsPerFramePlaying = 2;
  explicit Workspace(const std::filesystem::path& shader_dir);
  ~Workspace();
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  /// A new data source (store + pool in ctx): every view re-requests its chain.
  void set_source(UiContext& ctx, const UiState& state);
  /// Releases the views' chains before the pool goes away.
  void release_source();
  /// The full window for this frame (call between ImGui::NewFrame and ImGui::Render).
  void draw(UiContext& ctx, UiState& state);
  /// Only view `slot`, filling the window, with a caption (none when empty) and, with `legend`, the
  /// classes shown and their colours (headless render, exports).
  void draw_single_view(UiContext& ctx, UiState& state, int slot, const std::string& caption, bool legend = false);
  /// The classes the points on show belong to, with their colours (greyed out but the highlighted one).
  static std::vector<std::pair<std::string, Rgba8>> legend_entries(const UiContext& ctx, const UiState& state);
  ProjectionView& view(int slot) { return *views_[static_cast<std::size_t>(slot)]; }
  /// The depth strip view `slot` showed at its last draw, or nullptr when it showed none.
  const DepthStrip* strip(int slot) const {
    return strip_shown_[static_cast<std::size_t>(slot)] ? strips_[static_cast<std::size_t>(slot)].get() : nullptr;
  }

 private:
  void update_styles(const UiContext& ctx, const UiState& state);
  void schedule_layer_redraws(UiContext& ctx, const UiState& state);
  void handle_keys(UiContext& ctx, UiState& state);
  void draw_views(UiContext& ctx, UiState& state, ImVec2 size);
  void draw_display_buttons(UiContext& ctx, UiState& state);
  void draw_empty(UiContext& ctx, ImVec2 size);
  void draw_left_panel(UiContext& ctx, UiState& state, ImVec2 size);
  void draw_class_legend(const UiContext& ctx, const UiState& state, const Rect& canvas);

  render::PointRenderer points_;
  render::LineRenderer lines_;
  render::Compositor compositor_;
  render::DensityRenderer density_;
  render::PointStyleBuffer styles_;
  NeuronsPanel neurons_;
  SelectionPanel selection_;
  NeighboursPanel neighbours_;
  std::array<std::unique_ptr<ProjectionView>, kMaxViews> views_;
  std::array<std::unique_ptr<DepthStrip>, kMaxViews> strips_;
  std::array<bool, kMaxViews> strip_shown_{};
  struct StyleKey {
    const void* frame = nullptr;
    const void* points = nullptr;
    int highlight = -2;
    bool misclassified = false;
    int filter = -1;
    const void* theme = nullptr;
    int unit = -1;           ///< colouring by a unit's activation
    const void* unit_values = nullptr;  ///< that unit's layer matrix in the frame
    PointFilter point_filter;  ///< greying out what the Filter panel does not keep
    bool filter_grey = false;
    bool operator==(const StyleKey&) const = default;
  } style_key_;
};

}  // namespace epochscope::ui
