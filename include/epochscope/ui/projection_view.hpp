// Contract: one projection view: a method and a layer chosen in its header, its state in words with
// a small progress bar, and a canvas that shows every tracked point of the frame on the epoch bar
// (interpolated between frames while playing, animating intermediate layouts while a method
// converges). Pan with drag, zoom with the wheel around the cursor, double-click to fit. Hover,
// selection, traces and class highlight are linked through UiState. Star-coordinate views compute
// their layout here (Y = X A) so their anchors can be dragged; other methods come from the
// LayoutPool. The points go to the GPU through render/ in one draw call from an ImDrawList callback.
// A 3-D view (ViewConfig::dims 3; every pool method but star coordinates) shows the chain's 3-D
// layouts through an orbit camera: drag turns it, the wheel zooms, double-click fits; the GPU tests
// depth. Its points are also projected on the CPU each time the camera or the layout moves, so
// hover (the front-most point under the cursor), selection rings, traces and graph edges work in
// screen space exactly as in 2-D.
#pragma once

#include <imgui.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "epochscope/render/layer_cache.hpp"
#include "epochscope/render/point_renderer.hpp"
#include "epochscope/ui/context.hpp"
#include "epochscope/ui/orbit_camera.hpp"
#include "epochscope/ui/picking.hpp"
#include "epochscope/ui/traces.hpp"
#include "epochscope/ui/ui_state.hpp"

namespace epochscope::ui {

/// What a view shows, for the status line and the --test-state dump.
struct ViewReport {
  std::string method, layer, status;
  Rect canvas;
  Rect method_combo;
  int layout_frame = -1;  ///< frame whose layout is drawn (-1: none yet)
  bool final = false;
  double recall = -1;
  double displacement = -1;  ///< mean displacement from the previous frame's layout (-1: unknown)
  bool color_change = false;  ///< points coloured by neighbourhood change instead of class
  int axis_x = -1, axis_y = -1;  ///< pixel explorer: the pixels (or dimensions) on x and y
  int component_images = 0;      ///< PCA of the input: component images drawn
  double mean_change = -1;    ///< mean neighbourhood change of the frame shown (-1: unknown)
  bool images = false;
  int dims = 2;                      ///< 3: a 3-D view
  float yaw = 0, pitch = 0;          ///< 3-D views: the orbit camera's angles (radians)
  float camera_distance = 0;         ///< 3-D views: the orbit camera's distance (fitted layout radius 1)
  int hovered_ring = -1;                        ///< point ringed in this view
  int hovered_edges = -1;                       ///< graph views: kNN edges emphasised at the hovered point
  std::vector<std::pair<int, Vec2>> samples;    ///< isolated visible points and their screen positions
  std::vector<int> trace_lengths;               ///< per selected point: frames in its trace
};

/// 3-D views: the orbit camera's fitted distance (the layout fills about 85% of the canvas height).
inline constexpr float kOrbitDistance = 2.7f;

struct ViewRenderers {
  const render::PointStyleBuffer* styles = nullptr;
  const render::PointRenderer* points = nullptr;
  const render::LineRenderer* lines = nullptr;
  /// Non-null: each view keeps its points in an offscreen layer, redrawn only when they change.
  const render::Compositor* compositor = nullptr;
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
  /// Header (method, layer, state) + canvas, filling `size` at the cursor. `header` false: canvas only.
  void draw(UiContext& ctx, UiState& state, ImVec2 size, bool header = true);
  const ViewReport& report() const { return report_; }
  const ViewConfig& config() const { return config_; }
  void set_config(const ViewConfig& config);
  /// Whether the layout of `frame` is final (headless render waits for it).
  bool final_layout_of(const UiContext& ctx, int frame);
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
    std::shared_ptr<const jobs::LayoutResult> result;  ///< pool result (null for local star layouts)
  };
  Shown layout_of(const UiContext& ctx, int frame, bool compute_now);
  void update_positions(UiContext& ctx, const UiState& state);
  void draw_header(UiContext& ctx, UiState& state);
  void draw_canvas(UiContext& ctx, UiState& state, ImVec2 size);
  void handle_input(UiContext& ctx, UiState& state, const Rect& rect, bool hovered, bool active);
  void draw_overlays(UiContext& ctx, const UiState& state, const Rect& rect);
  void draw_traces(UiContext& ctx, const UiState& state, const Rect& rect);
  void draw_hovered_edges(const UiContext& ctx, const Rect& rect, std::size_t hovered);
  void update_change_styles(const UiContext& ctx, const UiState& state);
  void draw_change_legend(const Rect& rect) const;
  void draw_star_anchors(const UiContext& ctx, const Rect& rect, bool handles);
  void fill_samples(const UiContext& ctx, const UiState& state, const Rect& rect);
  int pick(const UiContext& ctx, const UiState& state, Vec2 mouse);
  int anchor_at(Vec2 mouse, const Rect& rect) const;
  jobs::LayoutKey key() const { return {config_.method, config_.layer, dims()}; }
  /// 3 for a 3-D view of a method that can lay out in 3-D, else 2.
  int dims() const { return config_.dims == 3 && !is_star() && !is_pixels() ? 3 : 2; }
  // 3-D views.
  void fit_orbit(UiContext& ctx);
  void project_points(const Rect& rect);
  float model_scale(const Rect& rect) const;
  Vec2 screen_of(float x, float y, float z, const Rect& rect) const;  ///< a 3-D data point on screen
  void draw_orbit_box(const Rect& rect) const;
  int nearest_at(Vec2 data, float radius) const;  ///< picking query (front-most under the cursor in 3-D)
  bool is_star() const { return config_.method == jobs::Method::star; }
  bool is_pixels() const { return config_.method == jobs::Method::pixels; }
  float point_pixels(const UiState& state) const;
  bool image_mode(const UiState& state) const;
  // Star coordinates, computed here.
  void reset_anchors(int dims);
  std::shared_ptr<const Matrix> star_layout_of(const UiContext& ctx, int frame, bool compute_now);
  std::optional<std::shared_ptr<const Matrix>> cached_local_layout(const UiContext& ctx, std::size_t i, bool compute_now);
  // Pixel explorer, computed here too (it shares the star views' per-frame cache).
  std::shared_ptr<const Matrix> pixels_layout_of(const UiContext& ctx, int frame, bool compute_now);
  int layer_width(const UiContext& ctx) const;  ///< the view's layer's width (0: input, or unknown)
  int axis_count(const UiContext& ctx) const;   ///< pixels of an input image, or the layer's width
  std::string axis_name(const UiContext& ctx, int axis) const;
  Rect axis_grid_rect(const UiContext& ctx, const Rect& canvas, bool x_axis) const;
  int axis_grid_cell(const UiContext& ctx, const Rect& canvas, bool x_axis, Vec2 mouse) const;
  void draw_pixel_axes(UiContext& ctx, const UiState& state, const Rect& rect);
  void draw_pca_components(UiContext& ctx, const Rect& rect);

  int slot_;
  ViewRenderers renderers_;
  ViewConfig config_;
  jobs::LayoutPool* pool_ = nullptr;
  bool requested_ = false;

  std::unique_ptr<render::PointCloud> cloud_;
  std::unique_ptr<render::EdgeBuffer> edges_;
  std::shared_ptr<const std::vector<std::pair<int, int>>> edges_source_;

  Shown a_, b_;                 ///< layouts of the frames around the display frame
  float t_ = -1;                ///< interpolation weight last uploaded
  int shown_frame_ = -1;        ///< frame whose layout a_ is
  std::vector<float> xy_;       ///< 2-D: positions on the GPU, interleaved; 3-D: screen positions (camera_ identity)
  int shown_dims_ = 2;          ///< dims of the positions uploaded
  std::vector<float> xyz_;      ///< 3-D: positions on the GPU, interleaved x y z
  std::vector<float> depth_;    ///< 3-D: each point's distance from the eye along the view
  Bounds bounds_;
  Vec3 box_min_, box_max_;      ///< 3-D: bounds of the layout shown
  bool box_valid_ = false;
  OrbitCamera orbit_;
  Vec3 fit_center_;             ///< 3-D: the layout is shown as (p - fit_center_) / fit_radius_
  float fit_radius_ = 1;
  bool projection_dirty_ = true;
  float projected_[9] = {};     ///< camera, fit and rect the screen positions were computed for
  PointGrid grid_;
  bool grid_dirty_ = true;
  std::vector<std::uint8_t> visible_;  ///< filter mask used by picking
  int visible_filter_ = -1;

  ViewTransform camera_;
  bool auto_fit_ = true;
  float fit_scale_ = 1;         ///< scale of the fitted camera (zoom = camera_.scale / fit_scale_)
  bool camera_valid_ = false;
  Rect canvas_;
  render::ViewParams gl_params_;
  bool draw_images_ = false;
  const render::ImageAtlas* gl_atlas_ = nullptr;
  float gl_point_px_ = 4;
  bool draw_edges_ = false;
  // Colouring by neighbourhood change: the view's own styles and a cloud bound to them.
  bool color_change_ = false;
  std::unique_ptr<render::PointStyleBuffer> change_styles_;
  std::unique_ptr<render::PointCloud> change_cloud_;
  std::shared_ptr<const std::vector<float>> change_source_;
  std::shared_ptr<const std::vector<float>> mean_change_source_;  ///< what mean_change_ was taken of
  double mean_change_ = -1;
  int change_filter_ = -1;
  bool change_known_ = false;
  // Graph views: each point's kNN-graph neighbours (CSR over edges_source_), for hover emphasis.
  std::shared_ptr<const std::vector<std::pair<int, int>>> adjacency_source_;
  std::vector<std::uint32_t> adjacency_start_, adjacency_;

  // Star anchors (D x 2) and the per-frame layouts made with them.
  Matrix anchors_;
  bool anchors_moved_ = false;
  unsigned anchors_generation_ = 1;
  int dragging_anchor_ = -1;
  std::vector<std::shared_ptr<const Matrix>> star_layouts_;
  std::vector<unsigned> star_generation_;
  std::map<int, std::shared_ptr<const Matrix>> star_normalized_;  ///< small cache, a few frames

  bool panning_ = false;
  bool grid_click_ = false;                  ///< the press went to an axis grid, not to a point
  std::optional<ViewConfig> pending_config_; ///< applied at the start of the next draw()
  std::shared_ptr<const Matrix> pixels_input_;  ///< pixel explorer on the input: its one layout
  std::pair<int, int> pixels_input_axes_{-1, -1};
  std::vector<float> mean_image_;  ///< pixel explorer: the mean input, shown on the grids
  ViewReport report_;
  // The points' offscreen layer (created on first use in render_gl, where the GL context is current).
  /// The points as drawn now: coloured by neighbourhood change or by class; with the digit atlas
  /// when images are shown (never for the change colouring).
  bool drawn_by_change() const;
  const render::PointCloud& drawn_cloud() const;
  const render::ImageAtlas* drawn_atlas() const;
  render::LayerKey layer_key() const;  ///< what the cached layer is drawn from, as of now
  mutable std::unique_ptr<render::LayerCache> layer_;
  mutable bool layer_failed_ = false;
  mutable int layer_redraws_ = 0;
  bool layer_deferred_ = false;
  bool under_cursor_ = false;
  mutable int stale_frames_ = 0;
};

}  // namespace epochscope::ui
