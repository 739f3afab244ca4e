// Contract: the window (GLFW + glad OpenGL 3.3 core + Dear ImGui) and the headless `render`
// subcommand. The App owns everything (window, GL objects, workspace, trainer or session, layout
// pool, session recorder); only the main thread touches GLFW, GL and ImGui and it never waits on
// a worker or the trainer. Without a display both commands print one line naming DISPLAY and
// suggesting xvfb-run or the headless subcommands, and return 1.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "epochscope/ui/context.hpp"
#include "epochscope/ui/damage.hpp"

struct GLFWwindow;
struct ImDrawData;

namespace epochscope::app {

struct GuiCommand {
  TrainCommand train;                   ///< what a live run trains (the default action)
  std::filesystem::path session;        ///< non-empty: open this session offline, no training
  std::filesystem::path follow;         ///< non-empty: follow this session another program writes
  std::filesystem::path compare;        ///< non-empty: a second run over the same points, followed
  bool stats = false;                   ///< print frame-time percentiles and epoch times on exit
  std::filesystem::path test_state;     ///< write a JSON state dump here every frame (GUI tests)
  std::filesystem::path screenshot_dir; ///< where F12 / Ctrl+S save (default data_home()/screenshots)
  double exit_after = 0;                ///< close the window after this many seconds (0 = never)
  bool full_redraw = false;             ///< draw the whole window every frame (no damage tracking)
  double test_read_delay = 0;           ///< GUI tests: seconds a frame read back from the session takes
  std::optional<float> ui_scale;        ///< text and widget size (else the saved one)
  std::optional<std::string> theme;     ///< "dark" or "light" (else the saved one)
  /// The trajectory view's landscape: grid points per side and training points per loss.
  train::LandscapeOptions landscape{.threads = 1};
};
int run_gui(const GuiCommand& cmd);

struct RenderCommand {
  std::filesystem::path file;
  std::string method = "pca";
  std::string layer = "output";
  std::string frame = "last";
  int dims = 2;                        ///< 3: a 3-D view from the default orbit camera
  std::string size = "1000x800";
  std::filesystem::path png;            ///< PNG to write (or none)
  std::filesystem::path svg;            ///< SVG to write (2-D views), or none
  double timeout = 900;  ///< seconds to wait for the layout
  float scale = 1;                      ///< pixel density: 2 renders at twice the size, text and points too
  bool legend = false;                  ///< the classes shown and their colours
  bool caption = true;                  ///< method, layer, frame, epoch and accuracy above the view
  std::string theme = "dark";           ///< dark, or light (slides on white)
  std::vector<int> select;              ///< points shown selected, with their traces
  int highlight = -1;                   ///< a class in colour, the others grey
  bool images = false;                  ///< every point drawn as its image (grey, colour or a signal's plot)
  float point_size = 4.5f;              ///< pixels (images: a point's side is 4x this)
  std::string density = "auto";         ///< auto (density when crowded), on, off (ui::DensityMode)
  bool pairs = false;                   ///< trajectory: small multiples of PC pairs (1,2) (1,3) (2,3) (3,4)
  std::string colour_by = "loss";       ///< trajectory: the steps coloured by batch loss or epoch
  bool landscape = false;               ///< trajectory: the loss landscape under the path (computed first)
  train::LandscapeOptions landscape_options{.threads = 0};  ///< its grid and sample (every core)
};
int run_render(const RenderCommand& cmd);

/// A GLFW window with a current GL 3.3 core context and Dear ImGui set up on it; tears everything
/// down in reverse order. Throws epochscope::Error with the one-line no-display message.
class GuiWindow {
 public:
  GuiWindow(int width, int height, bool visible, const char* ini_path);
  ~GuiWindow();
  GuiWindow(const GuiWindow&) = delete;
  GuiWindow& operator=(const GuiWindow&) = delete;
  GLFWwindow* handle() const { return window_; }
  /// Set by input callbacks (mouse, keys, resize): something may have changed on screen.
  bool take_events();
  void note_event() { events_ = true; }
  /// A file dropped on the window (GLFW's drop callback), where the cursor was (window coordinates).
  struct Drop {
    std::string path;
    double x = 0, y = 0;
  };
  void note_drop(Drop d) {
    drops_.push_back(std::move(d));
    events_ = true;
  }
  std::vector<Drop> take_drops() { return std::exchange(drops_, {}); }
  /// Set when the window system asks for the window's contents again (exposed, restored).
  bool take_exposed() { return std::exchange(exposed_, false); }
  void note_exposed() { exposed_ = events_ = true; }
  void begin_frame();
  void end_frame();  ///< ImGui::Render + clear + draw (the caller swaps or reads back)
  /// ImGui::Render; the draw data stays valid until the next begin_frame.
  ImDrawData& render_ui();
  /// Draws the rendered UI: the whole window, or only `damage`'s regions over last frame's pixels
  /// (which needs back_buffer_kept()).
  void draw(const ui::Damage& damage);
  void swap();
  /// Whether the back buffer still holds the last frame after a swap (a copying swap, as Mesa's
  /// software rasterisers do): on those, probed once at start by clearing, swapping and reading
  /// back; false on other drivers.
  bool back_buffer_kept() const { return back_buffer_kept_; }
  /// The theme and the UI scale (fonts rasterised again at it): between frames.
  void set_look(const ui::Theme& theme, float scale);
  const ui::Theme& theme() const { return *theme_; }
  float scale() const { return scale_; }

 private:
  bool probe_back_buffer();
  GLFWwindow* window_ = nullptr;
  bool imgui_ready_ = false;
  bool events_ = true;
  std::vector<Drop> drops_;
  bool exposed_ = false;
  bool back_buffer_kept_ = false;
  const ui::Theme* theme_ = &ui::dark_theme();
  float scale_ = 1.0f;
};

/// The no-display message (one line).
std::string no_display_message();

}  // namespace epochscope::app
