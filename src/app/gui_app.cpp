// The window's App: owns the window, the workspace, the data source; runs the frame loop (redraw on
// change, capped at 60 fps), executes the panels' requests, saves screenshots and preferences.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <fmt/chrono.h>
#include <fmt/core.h>
#include <imgui.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <thread>
#include <utility>
#include <vector>

#include "epochscope/core/paths.hpp"
#include "epochscope/ui/point_atlas.hpp"
#include "epochscope/render/screenshot.hpp"
#include "epochscope/render/shader.hpp"
#include "epochscope/ui/draw_signature.hpp"
#include "epochscope/ui/file_browser.hpp"
#include "epochscope/ui/frame_stats.hpp"
#include "epochscope/ui/settings.hpp"
#include "epochscope/ui/workspace.hpp"
#include "exporter.hpp"
#include "screenshot_writer.hpp"
#include "gui.hpp"
#include "gui_landscape.hpp"
#include "gui_sweep.hpp"
#include "gui_source.hpp"
#include "gui_test_state.hpp"

namespace epochscope::app {
namespace {

std::filesystem::path exe_dir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : p.parent_path();
}

using Clock = std::chrono::steady_clock;

std::atomic<int> g_close_signal{0};  // written by the signal handler only
extern "C" void on_close_signal(int sig) { g_close_signal.store(sig); }

class App {
 public:
  explicit App(const GuiCommand& cmd)
      : cmd_(cmd), settings_(ui::load_settings(ui::settings_path(), &settings_warning_)),
        ini_path_(ui::imgui_ini_path().string()),
        window_(settings_.window_width, settings_.window_height, true, ini_path_.c_str()),
        workspace_(render::find_shader_dir(exe_dir())) {
    std::error_code ec;
    std::filesystem::create_directories(ui::imgui_ini_path().parent_path(), ec);
    ui::apply_settings(settings_, state_);
    if (cmd.ui_scale) state_.ui_scale = *cmd.ui_scale;
    if (cmd.theme) state_.light = *cmd.theme == "light";
    partial_redraw_ = window_.back_buffer_kept() && !cmd.full_redraw;
    ctx_.test_mode = !cmd.test_state.empty();
    ctx_.tasks = &tasks_;
    ctx_.read_run = read_overlay_run;
    const auto& o = cmd.train.options;
    const int dataset = cmd.train.dataset.name == "fashion" ? 1 : cmd.train.dataset.name == "mnist1d" ? 2 : 0;
    ctx_.train_settings = {dataset, o.epochs, o.batch_size,
                           static_cast<float>(o.learning_rate), o.optimizer == train::OptimizerKind::sgd ? 1 : 0,
                           static_cast<int>(o.seed), static_cast<int>(o.model.preset), static_cast<int>(o.model.activation)};
    if (!settings_warning_.empty()) set_message(settings_warning_, false);
    if (!cmd.session.empty()) {
      auto session = cmd.session;
      if (std::filesystem::is_directory(session)) {  // a sweep: the first run, the others overlaid
        sweep_files_ = sweep_sessions(session);
        session = sweep_files_.front();
        sweep_files_.erase(sweep_files_.begin());
      }
      opener_.open_session(session, cmd.train.options.memory, cmd.test_read_delay);
    } else if (!cmd.follow.empty()) {
      opener_.follow(cmd.follow);
    } else {
      opener_.train(cmd.train);
    }
    ctx_.recent = ui::load_recent(ui::recent_files_path());
    if (!cmd.compare.empty()) open_compare(cmd.compare);
  }

  ~App() {
    workspace_.release_source();
    ctx_.pool = nullptr;
    ctx_.compare = {};
    compare_.reset();
    source_.reset();
    retired_.clear();  // joins
  }

  int run();

 private:
  void replace_source(std::unique_ptr<DataSource> next);
  bool poll_opening();
  bool poll_compare();
  void drop_compare(const std::string& why);
  void open_compare(const std::filesystem::path& file);
  void remember(const std::filesystem::path& file);
  void handle_drops();
  void set_message(std::string m, bool error) {
    ctx_.message = std::move(m);
    ctx_.message_is_error = error;
  }
  void handle_request();
  bool poll_changes();
  void frame(double now, double dt);
  void save_screenshot();
  void check_partial_redraw();

  GuiCommand cmd_;
  std::string settings_warning_;
  ui::GuiSettings settings_;
  std::string ini_path_;
  GuiWindow window_;
  ui::Workspace workspace_;
  /// Work the window hands off (files, cheap layouts): two threads, so a slow read never holds
  /// up a layout; niced like the layout workers.
  jobs::TaskRunner tasks_{{.threads = 2, .nice = 10}};
  ScreenshotWriter screenshots_;  ///< F12's PNGs, written off this thread
  /// The view menu's exports: `render` in a child process, into the screenshot folder.
  Exporter exporter_{std::filesystem::read_symlink("/proc/self/exe"),
                     cmd_.screenshot_dir.empty() ? data_home() / "exports" : cmd_.screenshot_dir};
  ui::UiState state_;
  ui::UiContext ctx_;
  std::unique_ptr<DataSource> source_;
  std::unique_ptr<render::ImageAtlas> atlas_;
  std::vector<std::jthread> retired_;  ///< old sources being destroyed off the main thread
  SourceOpener opener_{tasks_};  ///< opens sources on tasks_ (a session, training, a followed file)
  SourceOpener compare_opener_{tasks_};  ///< opens the run to compare with (--compare), followed
  std::filesystem::path compare_path_;   ///< the file compare_opener_ opens
  std::unique_ptr<DataSource> compare_;  ///< run B: the same points, shown by views set to it
  std::uint64_t compare_generation_ = 0, compare_version_ = 0;
  std::vector<std::filesystem::path> sweep_files_;  ///< --session DIR/: the runs to overlay, until the first opens
  SweepOverlay sweep_;                              ///< reads them for the trajectory
  LandscapeWorker landscape_{cmd_.landscape};       ///< the trajectory views' loss landscape
  std::string opening_;          ///< what opener_ said it was doing, as shown
  const DataSource* restarted_source_ = nullptr;  ///< the followed source whose restart was handled
  ui::FrameStats stats_;
  bool partial_redraw_ = false;  ///< draw only the damage (the back buffer keeps the last frame)
  ui::DamageTracker damage_;
  std::uint64_t frame_number_ = 0;
  std::size_t seen_frames_ = 0;
  std::uint64_t seen_generation_ = 0;  ///< the store's: frames published or evicted
  std::uint64_t seen_version_ = 0;
  std::string seen_status_;
  bool screenshot_key_down_ = false;
};

void App::replace_source(std::unique_ptr<DataSource> next) {
  workspace_.release_source();
  ctx_.pool = nullptr;
  if (source_) {
    retired_.emplace_back([old = std::move(source_)]() mutable { old.reset(); });
  }
  source_ = std::move(next);
  if (auto* trainer = source_->trainer()) trainer->start();  // from the window's thread: see DataSource::train
  ctx_.store = source_->store();
  ctx_.pool = &source_->pool();
  ctx_.tsne_edit_valid = false;  // the t-SNE panel starts from the new pool's options
  ctx_.trajectory = {};
  sweep_.start(tasks_, std::exchange(sweep_files_, {}), ctx_.read_run);
  ctx_.frames.clear();
  ctx_.source_label = source_->label();
  const auto& points = ctx_.store->points();
  atlas_ = ui::make_point_atlas(points);  // nullptr without images
  ctx_.atlas = atlas_.get();
  state_.selection.clear();
  state_.frame = 0;
  state_.follow_latest = true;
  state_.playing = false;
  seen_frames_ = 0;
  seen_generation_ = 0;
  // Settings made for another session (the pixel explorer's axes on MNIST for MNIST-1D) fit this one,
  // and the training options start from its dataset.
  if (const auto note = state_.fit_views(points); !note.empty()) std::cerr << "epochscope: " << note << "\n";
  const auto& ds = points.dataset;
  if (ds == "mnist" || ds == "fashion" || ds == "mnist1d") ctx_.train_settings.dataset = ds == "fashion" ? 1 : ds == "mnist1d" ? 2 : 0;
  ctx_.session_file = source_->session_file();
  if (compare_) {
    if (const auto why = store::why_points_differ(points, compare_->store()->points()); !why.empty()) drop_compare(why);
  }
  workspace_.set_source(ctx_, state_);
  const auto w = source_->warning();
  if (w.empty()) {
    set_message("", false);
  } else {
    set_message(w, false);
    std::cerr << "epochscope: " << w << "\n";
  }
}

void App::handle_request() {
  ctx_.can_export = source_ != nullptr && !source_->session_file().empty();
  ctx_.can_save_selections = source_ != nullptr && source_->can_save_selections();
  for (auto& r : std::exchange(ctx_.selection_requests, {})) {
    if (ctx_.can_save_selections) source_->save_selection(std::move(r.selection), r.deleted);
  }
  if (source_ != nullptr) {
    ctx_.saved_selections = source_->selections();
    ctx_.selections_error = source_->selections_error();
  }
  if (auto r = std::exchange(ctx_.export_request, std::nullopt); r && ctx_.can_export) {
    ctx_.export_status = exporter_.start(*r, source_->session_file());
    set_message(ctx_.export_status, false);
  }
  if (auto open = std::exchange(ctx_.open_request, std::nullopt)) {
    if (open->compare) {
      open_compare(open->path);
    } else {
      opener_.open_session(open->path, cmd_.train.options.memory, cmd_.test_read_delay);
    }
    remember(open->path);
  }
  const auto request = std::exchange(ctx_.request, ui::TrainRequest::none);
  if (request == ui::TrainRequest::none) return;
  auto* trainer = source_ ? source_->trainer() : nullptr;
  switch (request) {
    case ui::TrainRequest::start:
      if (trainer != nullptr) trainer->start();
      break;
    case ui::TrainRequest::pause:
      if (trainer != nullptr) trainer->pause();
      break;
    case ui::TrainRequest::resume:
      if (trainer != nullptr) trainer->resume();
      break;
    case ui::TrainRequest::stop:
      if (trainer != nullptr) trainer->request_stop();
      break;
    case ui::TrainRequest::restart: {
      TrainCommand t = cmd_.train;
      const auto& s = ctx_.train_settings;
      t.dataset.name = s.dataset == 1 ? "fashion" : s.dataset == 2 ? "mnist1d" : "mnist";
      if (s.dataset != 0) t.dataset.data_dir.clear();
      t.options.epochs = s.epochs;
      t.options.batch_size = s.batch_size;
      t.options.learning_rate = s.learning_rate;
      t.options.optimizer = s.optimizer == 1 ? train::OptimizerKind::sgd : train::OptimizerKind::adam;
      t.options.seed = static_cast<std::uint64_t>(s.seed);
      t.options.model.preset = static_cast<train::ModelPreset>(std::clamp(s.model, 0, 2));
      t.options.model.activation = static_cast<train::Activation>(std::clamp(s.activation, 0, 2));
      if (t.options.model.preset == train::ModelPreset::cnn_bn && s.dataset == 2) t.options.model.preset = train::ModelPreset::cnn;
      t.out.clear();  // a new session file for a new run
      opener_.train(t);  // (and stop waiting for a followed file)
      break;
    }
    case ui::TrainRequest::none:
      break;
  }
}

// The source being opened: shown once open; meanwhile the window says what it is doing, and why it
// failed if it did. Returns whether the message or the source changed.
bool App::poll_opening() {
  auto p = opener_.poll();
  if (p.source) {
    opening_.clear();
    replace_source(std::move(p.source));
    return true;
  }
  if (!p.error.empty()) {
    opening_.clear();
    std::cerr << "epochscope: " << p.error << "\n";
    set_message(p.error, true);
    return true;
  }
  if (p.status == opening_) return false;
  if (!p.status.empty() && ctx_.message.empty()) std::cerr << "epochscope: " << p.status << "\n";
  if (!p.status.empty() || ctx_.message == opening_) set_message(p.status, false);
  opening_ = p.status;
  return true;
}

void App::open_compare(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) {
    set_message(fmt::format("cannot compare with {}: no such file", file.string()), true);
    std::cerr << "epochscope: " << ctx_.message << "\n";
    return;
  }
  compare_opener_.follow(file);  // read now, and followed while it is being written
  compare_path_ = file;
}

// A session opened: first among the recent files (written on a worker: the window never waits on disk).
void App::remember(const std::filesystem::path& file) {
  if (file.empty()) return;
  ctx_.recent = ui::add_recent(ctx_.recent, file);
  tasks_.submit([recent = ctx_.recent] { return ui::save_recent(ui::recent_files_path(), recent); });
}

// Files dropped on the window: on a view (with a session shown) to compare with it in that view,
// elsewhere to open. GUI tests drop through a file beside the state dump ("X Y PATH" lines).
void App::handle_drops() {
  auto drops = window_.take_drops();
  if (!cmd_.test_state.empty()) {
    const auto test_drops = cmd_.test_state.string() + ".drop";
    std::ifstream in(test_drops);
    for (GuiWindow::Drop d; in >> d.x >> d.y && std::getline(in >> std::ws, d.path);) drops.push_back(d);
    if (in.is_open()) std::filesystem::remove(test_drops);
  }
  for (const auto& d : drops) {
    int slot = -1;
    for (int i = 0; source_ && i < state_.view_count; ++i) {
      const auto& c = workspace_.view(i).report().canvas;
      if (workspace_.strip(i) == nullptr && d.x >= c.min.x && d.x <= c.max.x && d.y >= c.min.y && d.y <= c.max.y) slot = i;
    }
    if (slot >= 0) {
      state_.views[static_cast<std::size_t>(slot)].run = 1;  // that view shows the dropped run
      open_compare(d.path);
    } else {
      opener_.open_session(d.path, cmd_.train.options.memory, cmd_.test_read_delay);
    }
    remember(d.path);
  }
}

void App::drop_compare(const std::string& why) {
  workspace_.release_source();
  const auto name = compare_ ? compare_->session_file().string() : compare_path_.string();
  ctx_.compare = {};
  if (compare_) retired_.emplace_back([old = std::move(compare_)]() mutable { old.reset(); });
  for (auto& v : state_.views) v.run = 0;
  if (source_) workspace_.set_source(ctx_, state_);
  set_message(fmt::format("cannot compare with {}: {}", name, why), true);
  std::cerr << "epochscope: " << ctx_.message << "\n";
}

// The run to compare with: checked against the session's points once both are open, then its new
// frames and layouts. Returns whether anything on show changed.
bool App::poll_compare() {
  if (!source_) return false;  // checked against the session's points: wait for them
  auto p = compare_opener_.poll();
  if (!p.error.empty()) {
    drop_compare(p.error);
    return true;
  }
  if (p.source) {
    if (const auto why = store::why_points_differ(ctx_.store->points(), p.source->store()->points()); !why.empty()) {
      compare_ = std::move(p.source);
      drop_compare(why);
      return true;
    }
    workspace_.release_source();
    if (compare_) retired_.emplace_back([old = std::move(compare_)]() mutable { old.reset(); });
    compare_ = std::move(p.source);
    ctx_.compare = {compare_->store(), &compare_->pool(), {}, compare_->session_file().filename().string()};
    compare_generation_ = 0;
    workspace_.set_source(ctx_, state_);
    std::cerr << "epochscope: comparing with " << compare_->session_file().string() << "\n";
  }
  if (!compare_) return p.source != nullptr;
  bool changed = false;
  if (compare_->store()->generation() != compare_generation_) {
    compare_generation_ = compare_->store()->generation();
    ctx_.compare.frames = compare_->store()->snapshot();
    changed = true;
  }
  if (compare_->pool().version() != compare_version_) {
    compare_version_ = compare_->pool().version();
    changed = true;
  }
  return changed;
}

// Whether anything a frame would show has changed since the last frame.
bool App::poll_changes() {
  bool changed = false;
  if (!cmd_.follow.empty() && source_ && source_->follow_restarted() && source_.get() != restarted_source_) {
    restarted_source_ = source_.get();
    opener_.follow(cmd_.follow);  // a new run in the same file
  }
  handle_drops();
  changed = poll_opening() || changed;
  changed = poll_compare() || changed;
  changed = landscape_.poll(ctx_, source_ ? source_->meta() : std::map<std::string, std::string>{}) || changed;
  if (std::string error; sweep_.poll(ctx_, error)) {
    if (!error.empty()) set_message(error, true);
    changed = true;
  }
  for (const auto& shot : screenshots_.take_finished()) {
    if (shot.error.empty()) {
      ctx_.last_screenshot = shot.path;
      std::cerr << "epochscope: saved " << shot.path << "\n";
    } else {
      set_message(shot.error, true);
    }
    changed = true;
  }
  if (auto done = exporter_.take_result()) {  // an export finished: say where it went
    ctx_.export_status = *done;
    set_message(*done, done->starts_with("export failed"));
    if (!done->starts_with("export failed")) std::cerr << "epochscope: " << *done << "\n";
    changed = true;
  }
  if (ctx_.store && ctx_.store->generation() != seen_generation_) {
    // Also when the store let go of old frames' layers: the snapshot must not keep them alive.
    seen_generation_ = ctx_.store->generation();
    ctx_.frames = ctx_.store->snapshot();
    changed = changed || ctx_.frames.size() != seen_frames_;
    seen_frames_ = ctx_.frames.size();
  }
  if (ctx_.pool != nullptr && ctx_.pool->version() != seen_version_) {
    seen_version_ = ctx_.pool->version();
    changed = true;
  }
  if (source_) {
    ctx_.training = source_->status();
    const auto key = fmt::format("{}{}{}{}", ctx_.training.state, ctx_.training.epoch, ctx_.training.batch,
                                 ctx_.training.error);
    if (key != seen_status_) {
      seen_status_ = key;
      changed = true;
    }
  }
  return changed;
}

void App::save_screenshot() {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_.handle(), &w, &h);
  const auto dir = cmd_.screenshot_dir.empty() ? data_home() / "screenshots" : cmd_.screenshot_dir;
  const auto path = dir / fmt::format("epochscope-{:%Y%m%d-%H%M%S}-{}.png", fmt::localtime(std::time(nullptr)),
                                      stats_.count());
  screenshots_.save(path, w, h, render::read_pixels(0, 0, w, h));  // encoded and written off this thread
}

// Test mode, on a screenshot after a partial redraw: the same frame drawn whole must have exactly
// the same pixels (what the damage tracking relies on), counted into the test state.
void App::check_partial_redraw() {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_.handle(), &w, &h);
  const auto partial = render::read_pixels(0, 0, w, h);
  window_.draw(ui::Damage{true, {}});
  const auto whole = render::read_pixels(0, 0, w, h);
  long differing = 0;
  for (std::size_t i = 0; i + 3 < partial.size() && i + 3 < whole.size(); i += 4) {
    if (std::memcmp(&partial[i], &whole[i], 3) != 0) ++differing;
  }
  auto& r = stats_.redraws();
  r.checked_pixels_differing = differing;
  ++r.checks;
  if (differing > 0) std::cerr << "epochscope: partial redraw differs from a whole redraw in " << differing << " pixels\n";
}

void App::frame(double now, double dt) {
  const auto t0 = Clock::now();
  ctx_.now = now;
  ctx_.dt = dt;
  ctx_.animating = false;
  ctx_.landscape_wanted = false;  // until a view showing it draws
  // The look (theme, UI scale) changes between frames: the fonts are rasterised again.
  window_.set_look(state_.light ? ui::light_theme() : ui::dark_theme(), state_.ui_scale);
  state_.ui_scale = window_.scale();
  ctx_.theme = &window_.theme();
  window_.begin_frame();
  workspace_.draw(ctx_, state_);
  // F12 or Ctrl+S: screenshot (GLFW key codes; ImGui 1.86 has no named F12/S keys).
  const ImGuiIO& io = ImGui::GetIO();
  const bool key = ImGui::IsKeyDown(GLFW_KEY_F12) || (io.KeyCtrl && ImGui::IsKeyDown(GLFW_KEY_S));
  if (key && !screenshot_key_down_ && !io.WantTextInput) ctx_.screenshot_requested = true;
  screenshot_key_down_ = key;
  // Ctrl + plus / minus / 0: text and widgets larger, smaller, as they were; F1: the guide.
  if (!io.WantTextInput) {
    const auto pressed = [](int k) { return ImGui::IsKeyPressed(k, false); };
    if (io.KeyCtrl && (pressed(GLFW_KEY_EQUAL) || pressed(GLFW_KEY_KP_ADD))) state_.ui_scale += 0.25f;
    if (io.KeyCtrl && (pressed(GLFW_KEY_MINUS) || pressed(GLFW_KEY_KP_SUBTRACT))) state_.ui_scale -= 0.25f;
    if (io.KeyCtrl && (pressed(GLFW_KEY_0) || pressed(GLFW_KEY_KP_0))) state_.ui_scale = 1.0f;
    if (pressed(GLFW_KEY_F1)) state_.show_help = !state_.show_help;
  }
  // Only what changed since the last frame is drawn again, over the pixels the back buffer kept.
  ImDrawData& data = window_.render_ui();
  ui::Damage damage{true, {}};
  if (partial_redraw_) {
    if (window_.take_exposed()) damage_.invalidate();
    damage = damage_.update(ui::draw_signature(data, frame_number_));
  }
  ++frame_number_;
  const bool screenshot = std::exchange(ctx_.screenshot_requested, false);
  auto& redraws = stats_.redraws();
  if (damage.none() && !screenshot) {
    ++redraws.unchanged;  // the window already shows this picture
  } else {
    window_.draw(damage);
    if (damage.full) {
      ++redraws.full;
    } else {
      ++redraws.partial;
      redraws.partial_fraction += damage.fraction({data.DisplaySize.x, data.DisplaySize.y});
    }
    if (screenshot) {
      if (ctx_.test_mode && !damage.full) check_partial_redraw();
      save_screenshot();
    }
    window_.swap();
    stats_.add(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  if (!cmd_.test_state.empty()) {
    WindowFacts facts;
    glfwGetWindowSize(window_.handle(), &facts.width, &facts.height);
    glfwGetWindowPos(window_.handle(), &facts.x, &facts.y);
    if (GLFWmonitor* m = glfwGetPrimaryMonitor()) {
      glfwGetMonitorWorkarea(m, &facts.area_x, &facts.area_y, &facts.area_width, &facts.area_height);
    }
    facts.font_px = ImGui::GetFontSize();
    write_test_state(cmd_.test_state, ctx_, state_, workspace_, facts, stats_);
  }
  handle_request();
  if (source_ && ctx_.message.empty()) {
    const auto w = source_->warning();
    if (!w.empty()) set_message(w, false);
  }
}

int App::run() {
  const auto start = Clock::now();
  auto last = start;
  int extra_frames = 3;  // ImGui settles hover and layout over a couple of frames
  double last_tick = 0;
  double last_input = 0;
  bool input_pending = false;
  // Frame-rate caps: 60/s while the user interacts (and for half a second after), 30/s while
  // playing, 10/s when only background work (new slices, batches) changes the picture, so drawing
  // (on the CPU under llvmpipe) leaves the cores to training and the layout workers.
  constexpr double kInteractiveFrame = 1.0 / 60.0, kPlayingFrame = 1.0 / 30.0, kBackgroundFrame = 1.0 / 10.0;
  std::signal(SIGINT, on_close_signal);  // Ctrl-C / SIGTERM close the window cleanly
  std::signal(SIGTERM, on_close_signal);
  while (glfwWindowShouldClose(window_.handle()) == GLFW_FALSE && g_close_signal.load() == 0) {
    const double now = std::chrono::duration<double>(Clock::now() - start).count();
    if (cmd_.exit_after > 0 && now >= cmd_.exit_after) break;
    glfwPollEvents();
    if (window_.take_events()) {
      input_pending = true;
      last_input = now;
      extra_frames = std::max(extra_frames, 3);
    }
    const double min_frame = now - last_input < 0.5 ? kInteractiveFrame : state_.playing ? kPlayingFrame : kBackgroundFrame;
    const double since = std::chrono::duration<double>(Clock::now() - last).count();
    if (since < min_frame) {
      glfwWaitEventsTimeout(min_frame - since);
      continue;
    }
    bool draw = poll_changes() || input_pending || extra_frames > 0;
    input_pending = false;
    if (ctx_.test_mode && now - last_tick > 0.5) draw = true;  // keep the state dump fresh
    if (!draw) {
      glfwWaitEventsTimeout(0.1);
      continue;
    }
    last_tick = now;
    const auto t = Clock::now();
    frame(now, std::min(0.1, std::chrono::duration<double>(t - last).count()));
    last = t;
    extra_frames = ctx_.animating ? 2 : std::max(0, extra_frames - 1);
  }
  int w = 0, h = 0;
  glfwGetWindowSize(window_.handle(), &w, &h);
  settings_.window_width = w;
  settings_.window_height = h;
  ui::capture_settings(state_, settings_);
  ui::save_settings(ui::settings_path(), settings_);
  if (cmd_.stats) {
    std::cout << "frame times: " << stats_.summary() << "\n";
    std::cout << stats_.redraw_summary() << (partial_redraw_ ? "" : " [damage tracking off]") << "\n";
    if (ctx_.store) {
      std::string epochs;
      for (const auto& f : ctx_.store->snapshot()) {
        if (f->index > 0) epochs += fmt::format(" {:.2f}", f->metrics.epoch_seconds);
      }
      std::cout << "epoch times (s):" << (epochs.empty() ? " none" : epochs) << "\n";
    }
  }
  return 0;
}

}  // namespace

int run_gui(const GuiCommand& cmd) {
  try {
    App app(cmd);
    return app.run();
  } catch (const std::exception& e) {
    std::cerr << "epochscope: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace epochscope::app
