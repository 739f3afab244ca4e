// Contract: what the panels read and ask for in one frame, besides the linked UiState: the data
// source (store snapshot, layout pool, image atlas), the training status the app fills in, and the
// requests panels leave for the app (training commands, screenshots). Filled by the app on the
// main thread each frame; panels never wait on anything. `hooks` collects screen rectangles of key
// widgets for the --test-state dump (GUI tests drive the window with xdotool through them).
#pragma once

#include <filesystem>
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "epochscope/jobs/layout_pool.hpp"
#include "epochscope/jobs/tasks.hpp"
#include "epochscope/store/epoch_store.hpp"
#include "epochscope/store/parameter_plane.hpp"
#include "epochscope/store/selection.hpp"
#include "epochscope/ui/file_browser.hpp"
#include "epochscope/ui/orbit_camera.hpp"
#include "epochscope/ui/palette.hpp"
#include "epochscope/ui/view_transform.hpp"

namespace epochscope::render {
class ImageAtlas;
}

namespace epochscope::ui {

struct TrainingStatus {
  bool live = false;           ///< a trainer exists (false for an offline session)
  std::string state = "idle";  ///< idle, running, paused, finished, stopped, failed
  int epoch = 0, epochs = 0, batch = 0, batches = 0;
  double loss = 0, accuracy = 0, images_per_second = 0;
  double eta_seconds = -1;     ///< -1 while unknown
  std::string error;
  std::size_t saved_frames = 0;   ///< frames on disk in the session file (live training)
  std::size_t saved_layouts = 0;  ///< final layouts on disk in the session file
};

/// The options the control panel edits; applied on (re)start.
struct TrainSettings {
  int dataset = 0;  ///< 0 = mnist, 1 = fashion, 2 = mnist1d
  int epochs = 45;
  int batch_size = 512;
  float learning_rate = 1e-4f;
  int optimizer = 0;  ///< 0 = adam, 1 = sgd
  int seed = 1;
  int model = 0;       ///< 0 = cnn, 1 = mlp, 2 = cnn-bn (images only)
  int activation = 0;  ///< 0 = relu, 1 = tanh, 2 = gelu
};

enum class TrainRequest { none, start, pause, resume, stop, restart };

/// A session file to open (replacing what the window shows) or to compare with it, asked for by
/// the Open dialog or a file dropped on the window; the app opens it and remembers it as recent.
struct OpenRequest {
  std::filesystem::path path;
  bool compare = false;
};

/// The in-app file browser's state (ui/open_dialog.cpp): where it is, its listing (read on a
/// worker), the path typed or picked.
struct OpenDialogState {
  bool show = false;      ///< open it this frame (the popup stays open until closed)
  bool compare = false;   ///< the dialog picks a run to compare with
  std::filesystem::path dir;
  jobs::TaskPtr<DirListing> listing;
  char path[1024] = {};   ///< the path field
};

/// One view saved for a slide (the view menu's "Export view..."): the app runs `epochscope render`
/// on the session file in the background and says where the files went.
struct ExportRequest {
  jobs::LayoutKey key;      ///< method, layer and dimensions of the view
  int frame = 0;            ///< the frame the view shows (its layout final, so saved in the session)
  int width = 1600, height = 1000;  ///< the image in points; `scale` times as many pixels
  float scale = 1.0f;       ///< 2: a high-DPI slide
  bool legend = true;       ///< the classes shown and their colours
  bool light = false;       ///< the light theme (slides on white)
  bool svg = false;         ///< an SVG beside the PNG (2-D views)
  std::vector<int> selection;  ///< shown selected, with traces
  int highlight = -1;          ///< the class in colour, the others grey
};

/// A run overlaid on the trajectory panel: a session file's snapshots and held-out loss per frame.
struct OverlayRun {
  std::string name;
  std::vector<store::TrajectoryPoint> points;
  std::vector<float> heldout_loss;  ///< per frame (the 3-D plot's height)
  /// Its frames' full parameter snapshots (format 1.7), projected onto the landscape's plane.
  struct Frame {
    int frame = 0, epoch = 0;
    store::ParameterSnapshotPtr parameters;
  };
  std::vector<Frame> frames;
};

/// The trajectory panel's PCA of the parameter snapshots, refitted as snapshots arrive.
struct TrajectoryCache {
  /// Other runs overlaid in the same basis.
  std::vector<OverlayRun> others;
  std::string overlay_path;       ///< the panel's path field
  std::string overlay_message;    ///< why the last overlay failed, or empty
  jobs::TaskPtr<OverlayRun> overlay_task;  ///< the run being read (on ctx.tasks), or null
  std::string overlay_reading;    ///< the file being read
  bool refit = false;             ///< the runs changed: fit again now
  std::vector<store::TrajectoryPoint> points;
  Matrix coordinates;             ///< points x k
  std::vector<double> explained;  ///< per component
  double computed_at = -1;        ///< UiContext::now of the fit
  std::string fit_error;          ///< why the last fit failed (runs sketched differently), or empty
  int pc_x = 0, pc_y = 1;         ///< components on the axes
  int drawn_points = 0;           ///< for tests
  int drawn_runs = 0;             ///< runs drawn (this one and the overlaid ones), for tests
  int marked = -1;                ///< snapshot of the frame shown
  bool three_d = false;           ///< the 3-D plot: height = -held-out loss
  OrbitCamera camera;
};

/// The loss landscape under the trajectory (Li et al. 2018; train/landscape.hpp), as the app computes
/// it off the window's thread: the training loss on a fixed sample over a grid in the plane of the
/// frame snapshots' first two principal directions (in parameter space), centred on the latest.
struct LandscapeGrid {
  std::vector<double> a, b;  ///< the grid's axes: distances in parameter space along the two directions
  std::vector<double> loss;  ///< b.size() x a.size(), row-major (b-major); NaN where not evaluated yet
  /// What to draw: `loss` with the cells not evaluated yet interpolated (in log loss) from the finest
  /// complete level of the coarse-to-fine order (store::fill_grid); empty before the first level.
  std::vector<double> shown;
  std::size_t stride = 0;        ///< that level's stride: 0 = none yet, 1 = every cell evaluated
  struct Frame {
    int frame = 0, epoch = 0;
    double a = 0, b = 0;    ///< the frame snapshot's exact projection onto the plane
    double off_plane = 0;   ///< its distance from the plane
    double loss = 0;        ///< at the snapshot itself; NaN until evaluated
    bool newer = false;     ///< came after the plane was fitted: projected onto it, not part of it (no loss)
  };
  /// Every frame with parameters the plane was fitted to, the latest (the centre) last; then, while a
  /// newer plane is computed, the frames since (newer = true).
  std::vector<Frame> path;
  std::shared_ptr<const store::ParameterPlane> plane;  ///< the plane itself (to project newer frames)
  /// Overlaid runs (OverlayRun): their frames projected onto this run's plane (they do not shape it).
  struct Run {
    std::string name;
    std::vector<Frame> path;
  };
  std::vector<Run> others;
  std::array<double, 2> explained{0, 0};  ///< the share of the path each direction holds
  int random_directions = 0;           ///< directions the path did not span (seeded random ones)
  std::size_t evaluated = 0, total = 0;  ///< losses done, of all
  std::size_t sample = 0;              ///< training points each loss averages over
  bool throttled = false;              ///< computed at a fifth of one core (training was running)
  double seconds = 0;                  ///< spent on it so far
  std::string error;                   ///< why there is none (one line), or empty
  std::string pending;                 ///< a newer plane being computed, shown over this picture until it has one
};

/// A second run over the same tracked points (`--compare`), shown by views whose ViewConfig::run is
/// 1. While such a view draws, the Workspace swaps it with the UiContext's own store, pool and
/// frames, so every drawing function reads "the run this view shows" from the usual fields.
struct CompareRun {
  std::shared_ptr<const store::EpochStore> store;  ///< null: nothing to compare with
  jobs::LayoutPool* pool = nullptr;
  std::vector<store::FramePtr> frames;
  std::string label;  ///< the file's name
};

/// Save (or delete) a named selection in the session file: asked by the Selection panel, carried
/// out by the app off the window's thread.
struct SelectionRequest {
  store::NamedSelection selection;
  bool deleted = false;
};

struct UiContext {
  std::shared_ptr<const store::EpochStore> store;  ///< null until a source exists
  jobs::LayoutPool* pool = nullptr;
  CompareRun compare;  ///< the other run (swapped in while a view of it draws)
  const render::ImageAtlas* atlas = nullptr;
  /// The window's look (ui/palette.hpp): every colour drawn comes from here.
  const Theme* theme = &dark_theme();
  /// Where panels hand off work that must not hold up a frame (reading files, cheap layouts).
  jobs::TaskRunner* tasks = nullptr;
  /// Reads another run's parameter snapshots and held-out losses from a session file, for the
  /// trajectory overlay (set by the app: ui reads no files). Runs on `tasks`; throws
  /// epochscope::Error with a one-line reason.
  std::function<OverlayRun(const std::string& path)> read_run;
  std::vector<store::FramePtr> frames;  ///< snapshot of the store, refreshed when it grows
  std::string source_label;             ///< "Training mnist" or "Session: file"
  std::filesystem::path session_file;   ///< the session shown (written, read or followed), or empty
  std::string message;                  ///< one line shown above the views (errors, warnings)
  bool message_is_error = false;

  TrainingStatus training;
  TrainSettings train_settings;
  TrainRequest request = TrainRequest::none;
  TrajectoryCache trajectory;
  /// The landscape under the trajectory, as far as it is computed (null: none asked for yet). Set by
  /// the app; a trajectory view that shows it sets `landscape_wanted` while it draws.
  std::shared_ptr<const LandscapeGrid> landscape;
  bool landscape_wanted = false;
  jobs::MethodSettings tsne_edit;  ///< the t-SNE panel's edits, applied to the pool on request
  bool tsne_edit_valid = false;    ///< false: take them from the pool (a new source)

  bool screenshot_requested = false;
  std::optional<ExportRequest> export_request;  ///< taken by the app
  std::optional<OpenRequest> open_request;      ///< taken by the app
  OpenDialogState open_dialog;
  std::vector<std::string> recent;              ///< recently opened session files, newest first
  bool can_export = false;    ///< the source has a session file for `render` to read
  std::string export_status;  ///< the last export: running, or where it went, or why it failed
  std::string last_screenshot;  ///< path of the last saved screenshot, shown as a note
  double now = 0;               ///< seconds since start
  double dt = 0;                ///< seconds since the previous frame
  bool animating = false;       ///< set by whoever needs another frame soon
  bool test_mode = false;       ///< fill the per-view reports used by --test-state
  bool tooltip_shown = false;   ///< a point tooltip was drawn this frame
  int tooltip_point = -1;
  std::vector<int> neurons_columns;
  int filters_drawn = -1;            ///< filters the Filters panel drew this frame (-1: panel closed) (--test-state)
  int filters_frame = -1;            ///< the frame whose filters it drew
  std::vector<int> selection_rows;
  std::vector<int> neighbour_list;   ///< the Neighbours panel's list (--test-state)
  int neighbour_of = -1;
  int filter_kept = -1;              ///< points the Filter panel keeps (-1: no filter set)
  std::vector<store::NamedSelection> saved_selections;  ///< the session's named selections (the app fills it)
  bool can_save_selections = false;  ///< a finished session file is open for appending
  std::string selections_error;      ///< why the last save failed, if it did
  std::vector<SelectionRequest> selection_requests;   ///< the Selection panel's points, top to bottom (--test-state)  ///< the units the Neurons panel shows, left to right (--test-state)
  std::string tooltip_text;     ///< the tooltip's text lines, joined by newlines (for --test-state)
  std::map<std::string, Rect> hooks;

  int frame_count() const { return static_cast<int>(frames.size()); }
  const store::PointSet* points() const { return store ? &store->points() : nullptr; }
};

}  // namespace epochscope::ui
