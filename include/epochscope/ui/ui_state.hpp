// Contract: the linked state every panel and view shares, as one plain struct with defaults, plus
// the few rules that keep it consistent (no ImGui, no GL: unit-tested). The epoch bar follows the
// newest frame until the user moves it (and again once they return to the newest); playback
// advances a fractional phase between frames; hover, class highlight, the misclassified toggle,
// the split filter and the selection are shared by every view.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "epochscope/jobs/layout_pool.hpp"
#include "epochscope/store/frame.hpp"
#include "epochscope/ui/point_filter.hpp"

namespace epochscope::ui {

enum class SplitFilter { all, heldout, training };
/// How 2-D views draw their points: as sprites, as density (render/density.hpp), or density where
/// the sprites would cover each pixel of the canvas more than kDensityCoverage times on average.
enum class DensityMode { automatic, on, off };
inline constexpr double kDensityCoverage = 2.0;
const char* density_mode_name(DensityMode mode);  ///< "auto", "on", "off"
std::optional<DensityMode> parse_density_mode(std::string_view name);

struct ViewConfig {
  jobs::Method method = jobs::Method::pca;
  std::string layer = "output";
  /// Pixel explorer: the input pixels (row * width + column) or layer dimensions on x and y.
  int axis_x = 14 * 28 + 9;
  int axis_y = 9 * 28 + 14;
  /// 2 or 3: a 3-D view lays out in three dimensions and turns with an orbit camera (not for star
  /// coordinates or the pixel explorer, which are 2-D only).
  int dims = 2;
  /// Depth strip: the method on every layer of the frame shown, as small multiples in the view (2-D;
  /// not for the pixel explorer). The view's own layer is outlined in the strip.
  bool depth_strip = false;
  /// Which run the view shows: 0 the session, 1 the one compared with it (`--compare`; not saved).
  int run = 0;
  /// Trajectory view: the principal components on x and y (0-based, of the top 12; default PC1
  /// against PC2), small multiples of the pairs (1,2), (1,3), (2,3), (3,4) instead (default off), and
  /// the dots coloured by epoch instead of batch loss (default off: by loss).
  int pc_x = 0;
  int pc_y = 1;
  bool pc_pairs = false;
  bool colour_by_epoch = false;
  /// Trajectory view: the loss landscape under the path (the plane of the frame snapshots in
  /// parameter space) instead of the components (default off).
  bool landscape = false;
  bool operator==(const ViewConfig&) const = default;
};

inline constexpr int kMaxViews = 4;

/// The pixel explorer's default axes for images of width x height: two pixels near the middle
/// (row 14, col 9 and row 9, col 14 on 28 x 28), or for 1-D signals (height 1) samples a quarter and
/// three quarters along. Colour images (`channels` 3): those pixels' red (x) and green (y) values.
std::pair<int, int> default_pixel_axes(int width, int height, int channels = 1);

struct UiState {
  // ---- epoch bar
  int frame = 0;              ///< frame shown (the lower one while playing)
  float phase = 0;            ///< 0..1 towards frame + 1 while playing
  bool follow_latest = true;  ///< jump to each new frame as it arrives
  bool playing = false;
  float play_speed = 2.0f;    ///< frames per second

  // ---- linked hover, highlight, selection (point and class indices; -1 = none)
  int hovered = -1;       ///< the point under the cursor as of the last frame (drawn ringed everywhere)
  int next_hovered = -1;  ///< being found during this frame
  int hovered_class = -1; ///< legend entry under the cursor
  int pinned_class = -1;  ///< legend entry clicked
  bool show_misclassified = false;
  SplitFilter filter = SplitFilter::all;
  std::vector<int> selection;
  int inspected = 0;        ///< which of the selection the inspector shows (index into it)

  // ---- views and drawing
  int view_count = 4;
  std::array<ViewConfig, kMaxViews> views{{{jobs::Method::star, "output"},
                                           {jobs::Method::pca, "output"},
                                           {jobs::Method::tsne, "output"},
                                           {jobs::Method::umap, "output"}}};
  // ---- neurons (the Neurons panel)
  std::string neurons_layer;           ///< the panel's layer; empty: view 1's (or the deepest hidden)
  bool neurons_by_selectivity = false;  ///< columns by selectivity alone, else grouped by preferred class
  bool filters_shared_scale = false;    ///< the Filters panel: one colour scale for all, else each its own
  bool filters_change = false;          ///< the Filters panel draws each weight's change since frame 0
  std::string unit_layer;              ///< with `unit`: every view colours its points by this unit
  int unit = -1;                       ///< -1: points in their class colours
  void clear_unit() { unit = -1; unit_layer.clear(); }

  std::string neighbours_layer;         ///< the Neighbours panel's layer; empty: view 1's
  std::vector<int> layer_neighbours;    ///< the panel's point's nearest in the layer: ringed in every view
  PointFilter point_filter;   ///< the Filter panel's conditions
  bool filter_grey = false;   ///< grey out the points the filter does not keep, in every view
  bool select_rectangle = false;  ///< Ctrl + drag selects with a rectangle rather than a lasso
  bool images = false;      ///< draw every point as its digit image
  float point_size = 4.5f;  ///< pixels
  DensityMode density = DensityMode::automatic;  ///< sprites or density in 2-D views
  bool show_edges = true;   ///< kNN-graph views draw their edges
  float ui_scale = 1.0f;    ///< text and widgets (Ctrl + plus / minus; the window applies it between frames)
  bool light = false;       ///< the high-contrast light theme (for projectors)
  bool show_help = false;   ///< the guide (F1, or the "?" button)
  bool panels_hidden = false;  ///< the side panels hidden (Tab): the views and the epoch bar alone

  /// Called when the store holds `count` frames: follows the newest unless the user moved away.
  void on_frames(int count);
  /// The user picked frame f (slider, keys): stops following unless f is the newest.
  void set_frame(int f, int count);
  void step(int delta, int count);
  /// Space: play from here (from frame 0 when at the end), or pause.
  void toggle_play(int count);
  /// Advances playback by dt seconds. Returns true while the picture moves.
  bool advance(double dt, int count);
  /// Fractional frame shown.
  float display_frame() const { return static_cast<float>(frame) + phase; }

  /// Swaps in the hover found this frame (call once at the start of each frame).
  void begin_frame();
  /// The class shown in colour while the others are grey, -1 for none (hover beats pin).
  int highlight_class() const { return hovered_class >= 0 ? hovered_class : pinned_class; }
  /// Legend click: pins the class, or unpins it when already pinned.
  void toggle_pin(int cls);

  /// A new session: views whose settings were made for another one (pixel axes beyond this one's
  /// images, a layer it lacks) get this one's defaults. Returns a line saying what changed, or empty.
  std::string fit_views(const store::PointSet& points);

  /// Click on a point (-1 = empty space): select it alone, or add/remove it with `additive`.
  void click_point(int point, bool additive);
  void select_points(std::span<const int> points, bool additive);
  /// Takes `points` out of the selection (a lasso with Alt).
  void deselect_points(std::span<const int> points);
  void clear_selection() { selection.clear(); }
  bool is_selected(int point) const;

  /// Whether point i is drawn under the split filter.
  bool passes_filter(bool heldout) const {
    return filter == SplitFilter::all || (filter == SplitFilter::heldout) == heldout;
  }

  /// How a point of class `label` is drawn under the highlighted class (highlight_class(), or -1) and
  /// the misclassified filter: in front in its colour (`emphasis`), grey behind (`dim`), or plainly.
  struct PointLook {
    bool emphasis = false, dim = false;
  };
  PointLook point_look(int label, bool wrong, int highlight) const {
    if (highlight >= 0) {
      const bool shown = label == highlight && (!show_misclassified || wrong);
      return {shown, !shown};
    }
    if (show_misclassified) return {wrong, !wrong};
    return {};
  }
};

}  // namespace epochscope::ui
