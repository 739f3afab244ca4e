#include "gui_test_state.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "epochscope/render/atlas.hpp"

namespace epochscope::app {
namespace {

nlohmann::json rect_json(const ui::Rect& r) { return {r.min.x, r.min.y, r.max.x, r.max.y}; }

}  // namespace

void write_test_state(const std::filesystem::path& path, const ui::UiContext& ctx, const ui::UiState& state,
                      ui::Workspace& workspace, const WindowFacts& window, const ui::FrameStats& stats) {
  nlohmann::json j;
  j["frames"] = ctx.frame_count();
  j["frame"] = state.frame;
  j["phase"] = state.phase;
  j["playing"] = state.playing;
  j["follow_latest"] = state.follow_latest;
  j["hovered"] = state.hovered;
  j["tooltip"] = ctx.tooltip_shown;
  j["tooltip_point"] = ctx.tooltip_point;
  j["tooltip_text"] = ctx.tooltip_text;
  j["neurons_columns"] = ctx.neurons_columns;
  j["filters_drawn"] = ctx.filters_drawn;
  j["filters_frame"] = ctx.filters_frame;
  j["selection_rows"] = ctx.selection_rows;
  j["neighbours"] = ctx.neighbour_list;
  j["neighbours_of"] = ctx.neighbour_of;
  j["filter_kept"] = ctx.filter_kept;
  j["filter_grey"] = state.filter_grey;
  auto saved = nlohmann::json::object();
  for (const auto& s : ctx.saved_selections) saved[s.name] = s.points;
  j["saved_selections"] = saved;
  j["inspected"] = state.inspected;
  j["unit"] = state.unit;
  j["unit_layer"] = state.unit_layer;
  j["tooltip_image"] = ctx.atlas == nullptr ? "none" : ctx.atlas->colour() ? "rgb" : "grey";
  j["highlight_class"] = state.highlight_class();
  j["pinned_class"] = state.pinned_class;
  j["misclassified"] = state.show_misclassified;
  j["selection"] = state.selection;
  j["view_count"] = state.view_count;
  j["window"] = {window.width, window.height};
  j["window_pos"] = {window.x, window.y};
  j["work_area"] = {window.area_x, window.area_y, window.area_width, window.area_height};
  j["ui_scale"] = state.ui_scale;
  j["density_mode"] = ui::density_mode_name(state.density);
  j["theme"] = state.light ? "light" : "dark";
  j["font_px"] = window.font_px;
  j["inspected"] = state.inspected;
  j["train_dataset"] = ctx.train_settings.dataset;
  j["training"] = {{"live", ctx.training.live},
                   {"state", ctx.training.state},
                   {"epoch", ctx.training.epoch},
                   {"saved_frames", ctx.training.saved_frames},
                   {"saved_layouts", ctx.training.saved_layouts}};
  if (ctx.pool != nullptr) j["tsne_perplexity"] = ctx.pool->method_settings().tsne.perplexity;  // applied
  if (ctx.tsne_edit_valid) j["tsne_perplexity_edit"] = ctx.tsne_edit.tsne.perplexity;
  j["trajectory"] = {{"snapshots", ctx.store ? ctx.store->trajectory().size() : 0},
                     {"drawn", ctx.trajectory.drawn_points},
                     {"runs", ctx.trajectory.drawn_runs},
                     {"marked", ctx.trajectory.marked},
                     {"three_d", ctx.trajectory.three_d},
                     {"yaw", ctx.trajectory.camera.yaw}};
  j["message"] = ctx.message;
  j["compare"] = ctx.compare.label;  // the compared run's file name, or empty
  j["compare_frames"] = ctx.compare.frames.size();
  j["source"] = ctx.source_label;
  j["last_screenshot"] = ctx.last_screenshot;
  j["export_status"] = ctx.export_status;
  j["frame_ms"] = {{"count", stats.count()}, {"p50", stats.percentile(50)}, {"p95", stats.percentile(95)},
                   {"max", stats.max()}, {"over_100", stats.over(100.0)}};
  const auto& redraws = stats.redraws();
  j["redraws"] = {{"full", redraws.full}, {"partial", redraws.partial}, {"unchanged", redraws.unchanged},
                  {"checks", redraws.checks}, {"check_pixels_differing", redraws.checked_pixels_differing}};
  if (const auto* points = ctx.points()) {
    j["points"] = points->size();
    if (!state.selection.empty() && !ctx.frames.empty()) {
      const auto p = static_cast<std::size_t>(state.selection.back());
      j["selected_label"] = p < points->size() ? points->labels[p] : -1;
    }
  }
  auto views = nlohmann::json::array();
  for (int i = 0; i < state.view_count; ++i) {
    const auto& r = workspace.view(i).report();
    nlohmann::json v;
    v["method"] = r.method;
    v["layer"] = r.layer;
    v["status"] = r.status;
    v["badge"] = r.badge;
    v["canvas"] = rect_json(r.canvas);
    v["method_combo"] = rect_json(r.method_combo);
    v["layout_frame"] = r.layout_frame;
    v["final"] = r.final;
    v["loading"] = r.loading;
    v["chain_final"] = r.chain_final;
    v["recall"] = r.recall;
    v["lasso_count"] = r.lasso_count;
    v["neighbour_rings"] = r.neighbour_rings;
    v["trustworthiness"] = r.trustworthiness;  // -1 until asked for (hovering the readouts)
    v["continuity"] = r.continuity;
    v["distance_rho"] = r.distance_rho;
    v["images"] = r.images;
    v["density"] = r.density;
    v["coverage"] = r.coverage;
    v["far_points"] = r.far_points;
    v["dims"] = r.dims;
    v["layer_redraws"] = workspace.view(i).layer_redraws();
    v["yaw"] = r.yaw;
    v["pitch"] = r.pitch;
    v["camera_distance"] = r.camera_distance;
    v["hovered_ring"] = r.hovered_ring;
    v["hovered_edges"] = r.hovered_edges;
    v["displacement"] = r.displacement;
    v["color_change"] = r.color_change;
    v["axis_x"] = r.axis_x;
    v["component_images"] = r.component_images;
    v["axis_y"] = r.axis_y;
    v["mean_change"] = r.mean_change;
    v["trace_lengths"] = r.trace_lengths;
    auto samples = nlohmann::json::array();
    for (const auto& [point, pos] : r.samples) samples.push_back({{"point", point}, {"x", pos.x}, {"y", pos.y}});
    v["samples"] = samples;
    v["screen"] = r.screen;
    v["depth_strip"] = r.depth_strip;
    v["run"] = r.run;
    auto strip = nlohmann::json::array();  // the depth strip's panels, one per layer
    if (const auto* s = workspace.strip(i)) {
      for (const auto& p : s->panels()) {
        strip.push_back({{"layer", p.layer}, {"layout_frame", p.report->layout_frame}, {"status", p.report->status},
                         {"hovered_ring", p.report->hovered_ring}, {"trace_lengths", p.report->trace_lengths},
                         {"canvas", rect_json(p.report->canvas)}});
      }
    }
    v["strip"] = strip;
    const auto& tr = r.trajectory;  // a trajectory view's plots, marks and hover
    auto plots = nlohmann::json::array();
    for (const auto& p : tr.plots) plots.push_back(rect_json(p));
    v["trajectory"] = {{"pairs", tr.pairs}, {"colour", tr.colour}, {"pc_x", tr.pc_x}, {"pc_y", tr.pc_y},
                       {"snapshots", tr.snapshots}, {"runs", tr.runs}, {"drawn", tr.drawn}, {"marked", tr.marked},
                       {"marked_step", tr.marked_step}, {"hovered", tr.hovered}, {"hover", tr.hover}, {"bars", tr.bars},
                       {"plots", plots}, {"marked_at", {tr.marked_at.x, tr.marked_at.y}},
                       {"last_at", {tr.last_at.x, tr.last_at.y}}, {"message", tr.message}, {"landscape", tr.landscape},
                       {"evaluated", tr.evaluated}, {"total", tr.total}, {"path_frames", tr.path_frames},
                       {"contours", tr.contours}, {"stride", tr.stride}, {"plane_frames", tr.plane_frames}};
    views.push_back(v);
  }
  j["views"] = views;
  nlohmann::json hooks;
  for (const auto& [name, r] : ctx.hooks) hooks[name] = rect_json(r);
  j["hooks"] = hooks;
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump() << "\n";
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
}

}  // namespace epochscope::app
