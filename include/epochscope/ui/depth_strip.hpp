// Contract: a depth strip, one view's method on every layer of the session (the input first, then
// the layers in depth order) at the frame shown, as a grid of small canvases under the view's
// header. Each panel is a ProjectionView without a header on its own (method, layer) chain of the
// pool, so hover, selection, traces and the epoch bar are shared with every other view through
// UiState. The view's own layer is outlined. Panels are made when the method, the layers or the
// source change, and release their chains when the strip is turned off (set_source(nullptr)).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "epochscope/ui/context.hpp"
#include "epochscope/ui/projection_view.hpp"
#include "epochscope/ui/ui_state.hpp"

namespace epochscope::ui {

class DepthStrip {
 public:
  /// `slot`: the view slot the strip belongs to (its panels' ImGui ids and hooks derive from it).
  DepthStrip(int slot, ViewRenderers renderers);
  ~DepthStrip();
  DepthStrip(const DepthStrip&) = delete;
  DepthStrip& operator=(const DepthStrip&) = delete;

  /// nullptr: drop the panels and release their chains.
  void set_source(jobs::LayoutPool* pool);
  /// Panels for `config`'s method on every layer, filling `size` at the cursor.
  void draw(UiContext& ctx, UiState& state, const ViewConfig& config, ImVec2 size);

  struct Panel {
    std::string layer;
    const ViewReport* report = nullptr;
  };
  /// What each panel showed at its last draw (for --test-state).
  std::vector<Panel> panels() const;

 private:
  int slot_;
  ViewRenderers renderers_;
  jobs::LayoutPool* pool_ = nullptr;
  jobs::Method method_ = jobs::Method::pca;
  std::vector<std::string> layers_;
  std::vector<std::unique_ptr<ProjectionView>> views_;
};

}  // namespace epochscope::ui
