// `epochscope render FILE --method M [--layer L] [--frame N|last] [--dims 2|3] [--size WxH] --png OUT.png`:
// one view of a session, drawn in a hidden window into an offscreen framebuffer and saved.
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <fmt/core.h>
#include <imgui.h>

#include <chrono>
#include <fstream>
#include <cmath>
#include <iostream>
#include <thread>

#include "epochscope/store/layers.hpp"
#include "epochscope/render/screenshot.hpp"
#include "epochscope/render/shader.hpp"
#include "epochscope/ui/point_atlas.hpp"
#include "epochscope/ui/svg_export.hpp"
#include "epochscope/ui/workspace.hpp"
#include "gui.hpp"
#include "gui_landscape.hpp"
#include "gui_source.hpp"

namespace epochscope::app {
namespace {

std::pair<int, int> parse_size(const std::string& s) {
  int w = 0, h = 0;
  char x = 0;
  if (std::sscanf(s.c_str(), "%d%c%d", &w, &x, &h) != 3 || (x != 'x' && x != 'X') || w < 64 || h < 64 || w > 8192 ||
      h > 8192) {
    throw Error("--size must be WIDTHxHEIGHT between 64 and 8192 pixels, not '" + s + "'");
  }
  return {w, h};
}

std::filesystem::path exe_dir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : p.parent_path();
}

// Written whole or not at all (a temporary file renamed into place).
void write_text(const std::filesystem::path& path, const std::string& text) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) throw Error(path.string() + ": cannot write");
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

int run_render(const RenderCommand& cmd) {
  const auto method = jobs::parse_method(cmd.method);
  if (!method) throw Error("unknown method '" + cmd.method + "' (star, pca, mds, sammon, graph, tsne, umap, trajectory)");
  const bool trajectory = *method == jobs::Method::trajectory;
  if (trajectory && cmd.dims == 3) throw Error("the trajectory view is 2-D (--dims 3 is for the points' methods)");
  if (trajectory && !cmd.svg.empty()) throw Error("--svg draws the points' views: use --png for the trajectory");
  if (!trajectory && (cmd.pairs || cmd.colour_by != "loss" || cmd.landscape)) {
    throw Error("--pairs, --colour-by and --landscape are for --method trajectory");
  }
  const auto [width, height] = parse_size(cmd.size);
  if (!cmd.svg.empty() && cmd.dims == 3) throw Error("--svg draws 2-D views: use --png for a 3-D view");
  auto source = DataSource::open_session(cmd.file, {}, 0, false);
  const auto store = source->store();
  if (store->size() == 0) throw Error("the session " + cmd.file.string() + " holds no frames");
  const int frame = static_cast<int>(parse_frame_choice(cmd.frame, store->size()));
  if (!source->warning().empty()) std::cerr << "epochscope: " << source->warning() << "\n";
  const auto& points = store->points();
  for (const int p : cmd.select) {
    if (p < 0 || static_cast<std::size_t>(p) >= points.size()) {
      throw Error(fmt::format("--select {}: the session has points 0 to {}", p, points.size() - 1));
    }
  }
  if (!trajectory) store::require_layer(points, cmd.layer);
  if (trajectory && !cmd.landscape && store->trajectory().size() < 3) {
    throw Error(fmt::format("{}: holds {} parameter snapshots; the trajectory needs 3 or more (sessions before format 1.2 "
                            "and recorders that do not sketch the parameters have none)", cmd.file.string(),
                            store->trajectory().size()));
  }
  if (cmd.highlight >= points.class_count()) {
    throw Error(fmt::format("--highlight {}: the session has classes 0 to {}", cmd.highlight, points.class_count() - 1));
  }

  // Drawn at `scale` times the size, text, widgets and points alike (a 2x PNG for high-DPI slides).
  const int px_w = static_cast<int>(std::lround(width * cmd.scale)), px_h = static_cast<int>(std::lround(height * cmd.scale));
  GuiWindow window(px_w, px_h, false, nullptr);
  window.set_look(ui::theme_named(cmd.theme), cmd.scale);
  render::OffscreenTarget target(px_w, px_h);
  ui::Workspace workspace(render::find_shader_dir(exe_dir()));
  ui::UiState state;
  if (cmd.dims == 3 && *method == jobs::Method::star) throw Error("star coordinates are 2-D only (--dims 3 is for the other methods)");
  state.views[0] = {*method, cmd.layer};
  state.views[0].dims = cmd.dims;
  state.views[0].pc_pairs = cmd.pairs;
  state.views[0].colour_by_epoch = cmd.colour_by == "epoch";
  state.views[0].landscape = cmd.landscape;
  state.view_count = 1;
  state.follow_latest = false;
  state.frame = frame;
  state.selection = cmd.select;
  state.pinned_class = cmd.highlight;
  state.images = cmd.images;
  state.point_size = cmd.point_size;
  state.density = ui::parse_density_mode(cmd.density).value_or(ui::DensityMode::automatic);
  if (cmd.images && !points.has_images()) std::cerr << "epochscope: warning: --images: the session has no images; drawing discs\n";
  jobs::TaskRunner tasks;  // star and pixel-explorer layouts are made on it, as in the window
  ui::UiContext ctx;
  ctx.tasks = &tasks;
  ctx.theme = &window.theme();
  ctx.store = store;
  ctx.pool = &source->pool();
  ctx.frames = store->snapshot();
  ctx.session_file = cmd.file;  // names the run (the trajectory's legend)
  if (cmd.landscape) {  // computed first, on every core (the window computes it in the background)
    const auto start = std::chrono::steady_clock::now();
    std::size_t sample = 0;
    std::unique_ptr<train::LandscapeRun> run;
    try {
      run = train::session_landscape(points, ctx.frames, source->meta(), cmd.landscape_options, &sample);
    } catch (const Error& e) {
      throw Error(cmd.file.string() + ": " + e.what());
    }
    run->run();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ctx.landscape = std::make_shared<ui::LandscapeGrid>(landscape_grid(*run, sample, seconds));
    std::cerr << fmt::format("epochscope: landscape: {} losses in {:.1f} s\n", run->total(), seconds);
  }
  const auto atlas = ui::make_point_atlas(points);  // nullptr without images: discs
  ctx.atlas = atlas.get();
  workspace.set_source(ctx, state);
  ctx.pool->set_focus(frame);

  const auto start = std::chrono::steady_clock::now();
  int settled = 0;
  while (settled < 4) {
    glfwPollEvents();
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (waited > cmd.timeout) {
      throw Error(fmt::format("no final {} layout of frame {} after {:.0f} s", cmd.method, frame, waited));
    }
    const bool ready = workspace.view(0).final_layout_of(ctx, frame);
    if (!ready) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    const auto& f = *ctx.frames[static_cast<std::size_t>(frame)];
    const auto& report = workspace.view(0).report();
    std::string caption;
    if (cmd.caption && trajectory && cmd.landscape) {
      caption = fmt::format("The training loss around the path in parameter space, frame {} (epoch {}) ringed", frame, f.epoch);
    } else if (cmd.caption && trajectory) {
      caption = fmt::format("The parameters' path on principal components, frame {} (epoch {}) ringed, held-out accuracy {:.1f}%",
                            frame, f.epoch, 100 * f.metrics.heldout_accuracy);
    } else if (cmd.caption) {
      caption = fmt::format("{} of the {} layer{}, frame {} (epoch {}), held-out accuracy {:.1f}%", jobs::method_label(*method),
                            cmd.layer, cmd.dims == 3 ? " in 3-D" : "", frame, f.epoch, 100 * f.metrics.heldout_accuracy);
      if (report.recall >= 0) caption += fmt::format(", recall@10 {:.2f}", report.recall);
    }
    target.bind();
    window.begin_frame();
    ctx.dt = 1.0;
    workspace.draw_single_view(ctx, state, 0, caption, cmd.legend);
    window.end_frame();
    ++settled;
    if (settled == 4 && !cmd.svg.empty()) {
      auto scene = workspace.view(0).svg_scene(ctx, state);
      scene.caption = caption;
      if (cmd.legend) scene.legend = ui::Workspace::legend_entries(ctx, state);
      write_text(cmd.svg, ui::to_svg(scene));
      std::cerr << "epochscope: wrote " << cmd.svg.string() << "\n";
    }
  }
  if (!cmd.png.empty()) {
    const auto pixels = render::read_pixels(0, 0, px_w, px_h);
    render::write_png(cmd.png, px_w, px_h, pixels);
    std::cerr << "epochscope: wrote " << cmd.png.string() << "\n";
  }
  render::OffscreenTarget::unbind();
  workspace.release_source();
  return 0;
}

}  // namespace epochscope::app
