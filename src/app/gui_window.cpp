#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>

#include "epochscope/core/matrix.hpp"
#include "epochscope/render/gl_object.hpp"
#include "epochscope/render/screenshot.hpp"
#include "epochscope/ui/draw_signature.hpp"
#include "epochscope/ui/palette.hpp"
#include "epochscope/ui/style.hpp"
#include "gui.hpp"

namespace epochscope::app {
namespace {

GuiWindow* self(GLFWwindow* w) { return static_cast<GuiWindow*>(glfwGetWindowUserPointer(w)); }
void on_cursor(GLFWwindow* w, double, double) { self(w)->note_event(); }
void on_button(GLFWwindow* w, int, int, int) { self(w)->note_event(); }
void on_scroll(GLFWwindow* w, double, double) { self(w)->note_event(); }
void on_key(GLFWwindow* w, int, int, int, int) { self(w)->note_event(); }
void on_char(GLFWwindow* w, unsigned) { self(w)->note_event(); }
void on_size(GLFWwindow* w, int, int) { self(w)->note_event(); }
void on_focus(GLFWwindow* w, int) { self(w)->note_event(); }
void on_enter(GLFWwindow* w, int) { self(w)->note_event(); }
void on_refresh(GLFWwindow* w) { self(w)->note_exposed(); }
void on_drop(GLFWwindow* w, int count, const char** paths) {
  double x = 0, y = 0;
  glfwGetCursorPos(w, &x, &y);
  for (int i = 0; i < count; ++i) self(w)->note_drop({paths[i], x, y});
}

constexpr ui::Rgba8 kWindowBackground{27, 29, 34, 255};

}  // namespace

std::string no_display_message() {
  const char* display = std::getenv("DISPLAY");
  return std::string("cannot open a window: ") +
         (display == nullptr || *display == '\0' ? "DISPLAY is not set" : "no X display at DISPLAY=" + std::string(display)) +
         "; run under a desktop session, or `xvfb-run -a epochscope ...`, or use the headless subcommands "
         "(`epochscope train`, `info`, `export`)";
}

GuiWindow::GuiWindow(int width, int height, bool visible, const char* ini_path) {
  const char* display = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  if ((display == nullptr || *display == '\0') && (wayland == nullptr || *wayland == '\0')) throw Error(no_display_message());
  glfwSetErrorCallback(nullptr);
  if (glfwInit() == GLFW_FALSE) throw Error(no_display_message());
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
  glfwWindowHint(GLFW_SAMPLES, 0);
  glfwWindowHint(GLFW_DEPTH_BITS, 24);  // 3-D views test depth
  // The window opens within the screen it is on, whatever size was saved (a laptop's settings on a
  // 1280 x 720 projector): no larger than the work area, and placed inside it.
  int area_x = 0, area_y = 0, area_w = 0, area_h = 0;
  if (GLFWmonitor* m = glfwGetPrimaryMonitor()) glfwGetMonitorWorkarea(m, &area_x, &area_y, &area_w, &area_h);
  if (width <= 0 || height <= 0) {
    width = std::max(960, (area_w > 0 ? area_w : 1280) * 9 / 10);
    height = std::max(640, (area_h > 0 ? area_h : 800) * 9 / 10);
  }
  if (visible && area_w > 0 && area_h > 0) {  // (a hidden window for `render` is as large as asked)
    width = std::min(width, area_w);
    height = std::min(height, area_h);
  }
  window_ = glfwCreateWindow(width, height, "epochscope", nullptr, nullptr);
  if (window_ == nullptr) {
    glfwTerminate();
    throw Error("cannot create an OpenGL 3.3 core window (" + no_display_message() + ")");
  }
  if (visible && area_w > 0 && area_h > 0) {
    glfwSetWindowPos(window_, area_x + (area_w - width) / 2, area_y + (area_h - height) / 2);
  }
  glfwSetWindowUserPointer(window_, this);
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(1);
  if (render::load_gl(reinterpret_cast<render::GlProcLoader>(glfwGetProcAddress)) < 33) {
    glfwDestroyWindow(window_);
    glfwTerminate();
    throw Error("OpenGL 3.3 core is not available on this display");
  }
  // Our callbacks first: ImGui's backend chains to them.
  glfwSetCursorPosCallback(window_, on_cursor);
  glfwSetMouseButtonCallback(window_, on_button);
  glfwSetScrollCallback(window_, on_scroll);
  glfwSetKeyCallback(window_, on_key);
  glfwSetCharCallback(window_, on_char);
  glfwSetFramebufferSizeCallback(window_, on_size);
  glfwSetWindowFocusCallback(window_, on_focus);
  glfwSetCursorEnterCallback(window_, on_enter);
  glfwSetWindowRefreshCallback(window_, on_refresh);
  glfwSetDropCallback(window_, on_drop);
  // Only Mesa's software rasterisers are known to copy on swap every time (drisw keeps one back
  // buffer); a GPU driver may rotate buffers and hand back an older one now and then, and drawing
  // everything costs it little anyway.
  const char* name = render::gl_renderer();
  const std::string renderer = name != nullptr ? name : "";
  const bool software = renderer.find("llvmpipe") != std::string::npos || renderer.find("softpipe") != std::string::npos ||
                        renderer.find("swrast") != std::string::npos;
  if (visible && software) back_buffer_kept_ = probe_back_buffer();
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = ini_path;
  ui::apply_style(*theme_, scale_);
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  imgui_ready_ = true;
}

GuiWindow::~GuiWindow() {
  if (imgui_ready_) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
  }
  if (window_ != nullptr) glfwDestroyWindow(window_);
  glfwTerminate();
}

bool GuiWindow::take_events() { return std::exchange(events_, false); }

void GuiWindow::begin_frame() {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
}

// Three frames of the window's background with blue nudged by 0, 1, 2 (invisible): after each
// swap, does the back buffer still hold the frame just shown, in the middle and two corners?
bool GuiWindow::probe_back_buffer() {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  if (w < 2 || h < 2) return false;
  render::set_viewport(w, h);
  const auto bg = kWindowBackground;
  bool kept = true;
  for (int k = 0; k < 3; ++k) {
    const auto blue = static_cast<std::uint8_t>(bg.b + k);
    render::clear(bg.r / 255.0f, bg.g / 255.0f, blue / 255.0f);
    glfwSwapBuffers(window_);
    for (const auto& [x, y] : {std::pair{w / 2, h / 2}, std::pair{0, 0}, std::pair{w - 1, h - 1}}) {
      const auto px = render::read_pixels(x, y, 1, 1);
      kept = kept && px.size() == 4 && px[0] == bg.r && px[1] == bg.g && px[2] == blue;
    }
  }
  return kept;
}

ImDrawData& GuiWindow::render_ui() {
  ImGui::Render();
  return *ImGui::GetDrawData();
}

void GuiWindow::set_look(const ui::Theme& theme, float scale) {
  scale = ui::clamp_ui_scale(scale);
  if (&theme == theme_ && scale == scale_) return;
  theme_ = &theme;
  scale_ = scale;
  ui::apply_style(theme, scale);
  // The font atlas was rasterised again at the new size: upload it.
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  note_exposed();  // everything looks different: draw it all
}

void GuiWindow::draw(const ui::Damage& damage) {
  ImDrawData& data = *ImGui::GetDrawData();
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  render::set_viewport(w, h);
  const auto bg = theme_->window_bg;
  const float r = bg.r / 255.0f, g = bg.g / 255.0f, b = bg.b / 255.0f;
  if (damage.full) {
    const ui::Rect all{{0, 0}, {data.DisplaySize.x, data.DisplaySize.y}};
    const ui::ClipDrawData clip(data, all);  // the same whole-pixel clips as a region's
    render::clear(r, g, b);
    ImGui_ImplOpenGL3_RenderDrawData(&data);
    return;
  }
  const float sx = data.FramebufferScale.x, sy = data.FramebufferScale.y;
  for (const auto& rect : damage.rects) {
    const int x0 = static_cast<int>(std::floor(rect.min.x * sx)), x1 = static_cast<int>(std::ceil(rect.max.x * sx));
    const int y1 = static_cast<int>(std::ceil(rect.max.y * sy)), y0 = static_cast<int>(std::floor(rect.min.y * sy));
    render::clear_region({x0, h - y1, x1 - x0, y1 - y0}, r, g, b);
    const ui::ClipDrawData clip(data, rect);
    ImGui_ImplOpenGL3_RenderDrawData(&data);
  }
}

void GuiWindow::end_frame() {
  render_ui();
  draw(ui::Damage{true, {}});
}

void GuiWindow::swap() { glfwSwapBuffers(window_); }

}  // namespace epochscope::app
