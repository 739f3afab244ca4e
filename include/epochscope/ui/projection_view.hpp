// Contract: one projection view: a method and a layer chosen in its header, its state in words with
// a small progress bar, and a canvas that shows every tracked point of the frame on the epoch bar
// (interpolated between frames while playing, animating intermediate layouts while a method
// converges). Pan with drag, zoom with the wheel around the cursor, double-click to fit. Hover,
// selection, traces and class highlight are linked through UiState. The points go to the GPU
// through render/ from an ImDrawList callback, kept in an offscreen layer that is drawn again only
// when they change.
//
// The view is a small core (this class: layouts, positions, the 2-D camera, picking, the header,
// the cached layer) with parts attached for what some methods add, one file each:
//   star_overlay      star coordinates' anchors, dragged to reshape the layout
//   pixel_explorer    the pixel explorer's axes and grids
//   pca_overlay       PCA of the input's component images
//   graph_overlay     the kNN graph's edges and the hovered point's neighbours
//   orbit_view        3-D views: orbit camera, fit, depth, front-most picking
//   change_overlay    colouring by neighbourhood change
//   trajectory_view   the trajectory of the parameters (the method "trajectory"), which draws no points
// Layouts come from the LayoutPool, except star coordinates and the pixel explorer, which the view
// makes itself on a worker (LocalLayouts). The view never waits: a frame whose layer must be read
// back from the session file, or whose layout is not computed yet, shows the newest one there is and
// says so ("loading frame 12 from the session...").
#pragma once

#include <imgui.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "epochscope/render/density.hpp"
#include "epochscope/render/layer_cache.hpp"
#include "epochscope/render/point_renderer.hpp"
#include "epochscope/ui/change_overlay.hpp"
#include "epochscope/ui/context.hpp"
#include "epochscope/ui/graph_overlay.hpp"
#include "epochscope/ui/local_layouts.hpp"
#include "epochscope/ui/orbit_view.hpp"
#include "epochscope/ui/picking.hpp"
#include "epochscope/ui/pixel_explorer.hpp"
#include "epochscope/ui/quality_probe.hpp"
#include "epochscope/ui/star_overlay.hpp"
#include "epochscope/ui/svg_export.hpp"
#include "epochscope/ui/trajectory_view.hpp"
#include "epochscope/ui/ui_state.hpp"

namespace epochscope::ui {

/// What a view shows, for the status line and the --test-state dump.
struct ViewReport {
  std::string method, layer, status;
  Rect canvas;
  Rect method_combo;
  int layout_frame = -1;  ///< frame whose layout is drawn (-1: none yet)
  bool final = false;
  bool loading = false;   ///< a layer is being read back from the session file for this view
  int chain_final = -1;   ///< frames of the view's pool chain with a final layout (-1: no chain)
  double recall = -1;
  int lasso_count = -1;
  int neighbour_rings = 0;  ///< the layer neighbours ringed at the last draw  ///< points inside the last lasso or rectangle, -1 before any
  double trustworthiness = -1, continuity = -1, distance_rho = -2;  ///< once asked for (hovering the readouts)
  double displacement = -1;  ///< mean displacement from the previous frame's layout (-1: unknown)
  bool color_change = false;  ///< points coloured by neighbourhood change instead of class
  int axis_x = -1, axis_y = -1;  ///< pixel explorer: the pixels (or dimensions) on x and y
  int component_images = 0;      ///< PCA of the input: component images drawn
  double mean_change = -1;    ///< mean neighbourhood change of the frame shown (-1: unknown)
  bool images = false;
  bool density = false;              ///< drawn as density (render/density.hpp), not sprites
  double coverage = 0;               ///< sprites per pixel of the canvas, on average (2-D views)
  int far_points = 0;                ///< points the camera's fit left out, far from the rest (Bounds::of_bulk)
  int dims = 2;                      ///< 3: a 3-D view
  bool depth_strip = false;          ///< the view shows its method on every layer (DepthStrip)
  int run = 0;                       ///< 0: the session, 1: the compared run
  float yaw = 0, pitch = 0;          ///< 3-D views: the orbit camera's angles (radians)
  float camera_distance = 0;         ///< 3-D views: the orbit camera's distance (fitted layout radius 1)
  int hovered_ring = -1;                        ///< point ringed in this view
  int hovered_edges = -1;                       ///< graph views: kNN edges emphasised at the hovered point
  std::vector<std::pair<int, Vec2>> samples;    ///< isolated visible points and their screen positions
  std::vector<float> screen;  ///< every point's screen x, y (2-D views of up to 2,000 points; else empty)
  std::vector<int> trace_lengths;               ///< per selected point: frames in its trace
  std::string badge;                            ///< the "older frame" badge drawn, or empty
  TrajectoryReport trajectory;                  ///< a trajectory view's plots, hover and marks
};

struct ViewRenderers {
  const render::PointStyleBuffer* styles = nullptr;
  const render::PointRenderer* points = nullptr;
  const render::LineRenderer* lines = nullptr;
  /// Non-null: each view keeps its points in an offscreen layer, redrawn only when they change.
  const render::Compositor* compositor = nullptr;
  /// Non-null: 2-D views may draw their points as density (UiState::density).
  const render::DensityRenderer* density = nullptr;
};

class ProjectionView {
 public:
  ProjectionView(int slot, ViewRenderers renderers);
  ~ProjectionView();
  ProjectionView(const ProjectionView&) = delete;
  ProjectionView& operator=(const ProjectionView&) = delete;

  /// Points the view at a (new) pool and store; requests its chain. nullptr: no source.
  void set_source(jobs::LayoutPool* pool);
  jobs::LayoutPool* source() const { return pool_; }
  /// Releases the pool chain (before the pool goes away).
  void release();
  /// Header (method, layer, state) + canvas, filling `size` at the cursor. `header` false: canvas
  /// only; `canvas` false: header only (a depth strip draws below it).
  void draw(UiContext& ctx, UiState& state, ImVec2 size, bool header = true, bool canvas = true);
  const ViewReport& report() const { return report_; }
  const ViewConfig& config() const { return config_; }
  void set_config(const ViewConfig& config);
  /// Whether the layout of `frame` is final (headless render waits for it; never blocks).
  bool final_layout_of(UiContext& ctx, int frame);
  /// What the canvas showed at its last draw, as vector shapes (view_export.cpp): points in their
  /// colours and drawing order, the traces, in canvas pixels. Empty for a 3-D view.
  SvgScene svg_scene(const UiContext& ctx, const UiState& state) const;
  bool is_3d() const { return shown_dims_ == 3; }
  /// The layout on the canvas now (null before the first).
  std::shared_ptr<const Matrix> shown_positions() const { return a_.positions; }

  // The cached point layer (view_layer.cpp).
  /// Called from the ImDrawList callback: draws the points with GL (from the view's cached layer
  /// when nothing they depend on changed), inside `scissor` (framebuffer pixels; the part of the
  /// window being drawn, see ui/damage.hpp).
  void render_gl(const render::Viewport& scissor) const;
  /// For the redraw damage: a token of everything render_gl draws (changes whenever its pixels do),
  /// for a draw command that is this view's callback; nothing for any other command.
  static std::optional<std::uint64_t> callback_token(const ImDrawCmd& cmd);
  int layer_redraws() const { return layer_redraws_; }  ///< times the cached layer was drawn again
  /// Whether the cached point layer no longer matches what the view should show.
  bool layer_stale() const;
  /// Frames the layer has been stale and deferred.
  int stale_frames() const { return stale_frames_; }
  /// Whether the cursor is over its canvas or dragging in it (its layer is drawn first).
  bool under_cursor() const { return under_cursor_; }
  /// Defer drawing the stale layer again (show the previous picture) this frame; returns false,
  /// deferring nothing, when there is no previous picture of the right size to show. (Each frame's
  /// canvas starts undeferred.)
  bool defer_layer();

 private:
  struct Shown {
    std::shared_ptr<const Matrix> positions;
    std::shared_ptr<const jobs::LayoutResult> result;  ///< pool result (null for local layouts)
  };
  // Layouts and positions (projection_view.cpp).
  /// Frame f's layout. The view's own layouts are made when `make` (else only what there is is
  /// returned), and `local` says how their making goes.
  Shown layout_of(UiContext& ctx, int frame, bool make, LocalLayouts::Lookup* local = nullptr);
  void update_local_recipe(const UiContext& ctx);
  void update_positions(UiContext& ctx, const UiState& state);
  void update_change(const UiContext& ctx, const UiState& state);
  jobs::LayoutKey key() const { return {config_.method, config_.layer, dims()}; }
  /// 3 for a 3-D view of a method that can lay out in 3-D, else 2.
  int dims() const { return config_.dims == 3 && !is_local() ? 3 : 2; }
  bool is_star() const { return config_.method == jobs::Method::star; }
  bool is_pixels() const { return config_.method == jobs::Method::pixels; }
  bool is_trajectory() const { return config_.method == jobs::Method::trajectory; }
  /// A trajectory view's header, status and canvas (no points: nothing of the rest applies).
  void draw_trajectory(UiContext& ctx, UiState& state, ImVec2 size, bool header, bool canvas);
  /// Laid out by the view itself (LocalLayouts), not the pool.
  bool is_local() const { return is_star() || is_pixels(); }
  bool image_mode(const UiState& state) const;
  // The header (view_header.cpp).
  void draw_header(UiContext& ctx, UiState& state);
  /// The state in words; `readouts` gets the trust figures (recall, moved, ...), `progress` the share done.
  std::string status_line(UiContext& ctx, const UiState& state, float& progress, std::string& readouts);
  void fill_report(const std::string& status);
  // The canvas (view_canvas.cpp).
  void draw_canvas(UiContext& ctx, UiState& state, ImVec2 size);
  void fit_camera(UiContext& ctx, const Rect& rect);
  void handle_input(UiContext& ctx, UiState& state, const Rect& rect, bool hovered, bool active);
  /// Ctrl + drag: grows the lasso while the button is down, selects what it holds on release
  /// (Shift adds, Alt takes away, else it replaces the selection). True while it has the mouse.
  bool handle_lasso(UiContext& ctx, UiState& state, const Rect& rect, bool active);
  void draw_lasso(UiContext& ctx, const UiState& state) const;
  void draw_rings(UiContext& ctx, const UiState& state, const Rect& rect);
  void draw_traces(UiContext& ctx, const UiState& state, const Rect& rect);
  void draw_frame_badge(const UiContext& ctx, const UiState& state, const Rect& rect);
  /// The view menu's "Export view..." dialog (view_export.cpp): size, 2x, legend, theme, SVG.
  void draw_export_dialog(UiContext& ctx, const UiState& state);
  void fill_samples(const UiContext& ctx, const UiState& state, const Rect& rect);
  int pick(const UiContext& ctx, const UiState& state, Vec2 mouse);
  Vec2 screen_of_point(std::size_t i, const Rect& rect) const;
  // The cached layer (view_layer.cpp).
  static ImDrawCallback render_callback();  ///< the ImDrawList callback that calls render_gl
  bool drawn_by_change() const;
  const render::PointCloud& drawn_cloud() const;
  const render::ImageAtlas* drawn_atlas() const;
  render::LayerKey layer_key() const;  ///< what the cached layer is drawn from, as of now
  /// Sprites or density this frame (after the camera and point size are set), by the state's mode and
  /// the coverage of the points inside the canvas (counted again only when the picture changed).
  void update_density(const UiState& state);

  int slot_;
  ViewRenderers renderers_;
  ViewConfig config_;
  jobs::LayoutPool* pool_ = nullptr;
  bool requested_ = false;
  std::optional<ViewConfig> pending_config_;  ///< applied at the start of the next draw()

  // What is shown.
  std::unique_ptr<render::PointCloud> cloud_;
  Shown a_, b_;                 ///< layouts of the frames around the display frame
  float t_ = -1;                ///< interpolation weight last uploaded
  int shown_frame_ = -1;        ///< frame whose layout a_ is
  QualityProbe quality_;        ///< trustworthiness, continuity, rho of a_, on demand
  double readouts_hovered_since_ = -1;  ///< ImGui time the cursor came to rest on the readouts (-1: not there)
  int shown_dims_ = 2;          ///< dims of the positions uploaded
  std::vector<float> xy_;       ///< 2-D: positions on the GPU, interleaved; 3-D: screen offsets (camera_ identity)
  std::vector<float> xyz_;      ///< 3-D: positions on the GPU, interleaved x y z
  Bounds bounds_;               ///< what the camera fits (Bounds::of_bulk)
  std::size_t far_points_ = 0;  ///< points left out of bounds_, far from the rest
  LocalLayouts local_;          ///< star and pixel explorer layouts
  bool loading_ = false;        ///< a layer shown is being read back from the session file
  std::string local_error_;     ///< why the local layout of the frame shown failed

  // The 2-D camera and picking.
  ViewTransform camera_;
  bool auto_fit_ = true;
  float fit_scale_ = 1;         ///< scale of the fitted camera (zoom = camera_.scale / fit_scale_)
  bool camera_valid_ = false;
  Rect canvas_;
  bool panning_ = false;
  bool grid_click_ = false;     ///< the press went to an axis grid, not to a point
  bool lassoing_ = false;       ///< Ctrl + drag: a lasso (or rectangle) is being drawn
  std::vector<Vec2> lasso_;     ///< its corners so far, on screen
  PointGrid grid_;
  bool grid_dirty_ = true;
  std::vector<std::uint8_t> visible_;  ///< filter mask used by picking
  int visible_filter_ = -1;

  // Parts.
  StarOverlay star_;
  PixelExplorer pixels_;
  GraphOverlay graph_;
  OrbitView orbit_;
  ChangeOverlay change_;
  TrajectoryView trajectory_;
  bool color_change_ = false;
  ExportRequest export_draft_;  ///< the export dialog's choices (kept between exports)
  bool open_export_ = false;    ///< open the export dialog this frame

  // What render_gl draws, as of this frame.
  render::ViewParams gl_params_;
  bool draw_images_ = false;
  const render::ImageAtlas* gl_atlas_ = nullptr;
  float gl_point_px_ = 4;
  bool draw_edges_ = false;
  bool gl_density_ = false;     ///< the points are drawn as density
  render::LayerKey coverage_key_;  ///< the picture report_.coverage was counted for
  std::vector<SvgTrace> trace_lines_;  ///< the traces as last drawn, in screen pixels
  ViewReport report_;
  // The points' offscreen layer (created on first use in render_gl, where the GL context is current).
  mutable std::unique_ptr<render::LayerCache> layer_;
  mutable bool layer_failed_ = false;
  mutable int layer_redraws_ = 0;
  bool layer_deferred_ = false;
  bool under_cursor_ = false;
  mutable int stale_frames_ = 0;
};

}  // namespace epochscope::ui
