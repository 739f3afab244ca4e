// ProjectionView: choosing the chain, fetching layouts, uploading positions, the header and the GL
// callback. Input handling and overlays are in view_canvas.cpp.
#include "epochscope/ui/projection_view.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "epochscope/project/star.hpp"
#include "epochscope/render/atlas.hpp"
#include "epochscope/ui/palette.hpp"
#include "epochscope/ui/pixel_axes.hpp"

namespace epochscope::ui {
namespace {

constexpr const char* kLayers[] = {"output", "logits", "hidden", "input"};

// A compact on/off button for a view's header (narrower than a checkbox with its label): filled with
// the accent colour when on.
bool toggle_chip(const char* label, bool* value) {
  const ImVec4 on = ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive);
  const ImVec4 off = ImGui::GetStyleColorVec4(ImGuiCol_FrameBg);
  ImGui::PushStyleColor(ImGuiCol_Button, *value ? on : off);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, *value ? on : ImGui::GetStyleColorVec4(ImGuiCol_FrameBgHovered));
  const bool pressed = ImGui::Button(label);
  ImGui::PopStyleColor(2);
  if (pressed) *value = !*value;
  return pressed;
}

float chip_width(const char* label) { return ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x; }

}  // namespace

ProjectionView::ProjectionView(int slot, ViewRenderers renderers) : slot_(slot), renderers_(renderers) {
  cloud_ = std::make_unique<render::PointCloud>(*renderers_.styles);
  orbit_.distance = kOrbitDistance;
  edges_ = std::make_unique<render::EdgeBuffer>();
}

ProjectionView::~ProjectionView() { release(); }

void ProjectionView::release() {
  if (pool_ != nullptr && requested_) pool_->release(key());
  requested_ = false;
}

void ProjectionView::set_source(jobs::LayoutPool* pool) {
  release();
  pool_ = pool;
  a_ = b_ = {};
  t_ = -1;
  shown_frame_ = -1;
  star_layouts_.clear();
  star_generation_.clear();
  star_normalized_.clear();
  anchors_ = Matrix();
  auto_fit_ = true;
  camera_valid_ = false;
  pixels_input_.reset();
  pixels_input_axes_ = {-1, -1};
  mean_image_.clear();
  xy_.clear();
  xyz_.clear();
  depth_.clear();
  box_valid_ = false;
  projection_dirty_ = true;
  if (pool_ != nullptr && !is_pixels()) {
    pool_->request(key());  // star too: the pool's result carries recall@10
    requested_ = true;
  }
}

void ProjectionView::set_config(const ViewConfig& config) {
  if (config == config_) return;
  auto* pool = pool_;
  release();
  config_ = config;
  set_source(pool);
}

// The per-frame cache of the layouts computed here (star, pixel explorer on a layer): the layout to
// return now (up to date, or stale/null when there is no time to compute), or nothing: compute it.
std::optional<std::shared_ptr<const Matrix>> ProjectionView::cached_local_layout(const UiContext& ctx, std::size_t i,
                                                                                 bool compute_now) {
  const auto frames = ctx.frames.size();
  if (star_layouts_.size() < frames) {
    star_layouts_.resize(frames);
    star_generation_.resize(frames, 0);
  }
  if (star_layouts_[i] && star_generation_[i] == anchors_generation_) return star_layouts_[i];
  if (!compute_now) return star_layouts_[i];  // stale (or null) until there is time
  return std::nullopt;
}

std::shared_ptr<const Matrix> ProjectionView::star_layout_of(const UiContext& ctx, int frame, bool compute_now) {
  const auto* points = ctx.points();
  if (points == nullptr || ctx.store == nullptr) return nullptr;
  const int width = layer_width(ctx);
  if (width <= 0 || points->size() == 0) return nullptr;
  if (anchors_.rows() != width) reset_anchors(width);
  const auto i = static_cast<std::size_t>(frame);
  if (auto cached = cached_local_layout(ctx, i, compute_now)) return *cached;
  auto& normalized = star_normalized_[frame];
  if (!normalized) {
    // Resident, or read back from the session file for an old frame the store has let go of.
    std::shared_ptr<const Matrix> data;
    try {
      data = ctx.store->layer(i, config_.layer);
    } catch (const std::exception&) {
      data = nullptr;
    }
    if (data == nullptr || data->rows() == 0 || data->cols() != width) {
      star_normalized_.erase(frame);
      return nullptr;
    }
    if (star_normalized_.size() > 6) {
      for (auto it = star_normalized_.begin(); it != star_normalized_.end(); ++it) {
        if (it->first != frame && std::abs(it->first - frame) > 1) {
          star_normalized_.erase(it);
          break;
        }
      }
    }
    star_normalized_[frame] = std::make_shared<const Matrix>(project::star_normalized(*data));
  }
  star_layouts_[i] = std::make_shared<const Matrix>(project::star_layout(*star_normalized_[frame], anchors_));
  star_generation_[i] = anchors_generation_;
  return star_layouts_[i];
}

int ProjectionView::layer_width(const UiContext& ctx) const {
  const auto* points = ctx.points();
  if (points == nullptr) return 0;
  for (const auto& l : points->layers) {
    if (l.name == config_.layer) return l.width;
  }
  return 0;  // "input" is not a frame layer
}

int ProjectionView::axis_count(const UiContext& ctx) const {
  const auto* points = ctx.points();
  if (points == nullptr) return 0;
  return config_.layer == "input" ? static_cast<int>(points->image_size()) : layer_width(ctx);
}

std::string ProjectionView::axis_name(const UiContext& ctx, int axis) const {
  const auto* points = ctx.points();
  if (points == nullptr) return {};
  if (config_.layer == "input") {
    if (points->signal || points->height == 1) return fmt::format("sample {}", axis);
    return fmt::format("pixel (row {}, col {})", axis / points->width, axis % points->width);
  }
  const bool classes = (config_.layer == "output" || config_.layer == "logits") && axis < points->class_count();
  if (classes) {
    const auto& name = points->class_names[static_cast<std::size_t>(axis)];
    return config_.layer == "output" ? fmt::format("p({})", name) : fmt::format("logit {}", name);
  }
  return fmt::format("unit {}", axis);
}

std::shared_ptr<const Matrix> ProjectionView::pixels_layout_of(const UiContext& ctx, int frame, bool compute_now) {
  const auto* points = ctx.points();
  const int count = axis_count(ctx);
  if (points == nullptr || ctx.store == nullptr || points->size() == 0 || count <= 0) return nullptr;
  const int ax = std::clamp(config_.axis_x, 0, count - 1), ay = std::clamp(config_.axis_y, 0, count - 1);
  const auto n = static_cast<Eigen::Index>(points->size());
  if (config_.layer == "input") {  // the same in every frame: one layout
    if (pixels_input_ && pixels_input_axes_ == std::make_pair(ax, ay)) return pixels_input_;
    auto m = std::make_shared<const Matrix>(pixel_axes_layout(*points, ax, ay));
    pixels_input_ = std::move(m);
    pixels_input_axes_ = {ax, ay};
    return pixels_input_;
  }
  const auto i = static_cast<std::size_t>(frame);
  if (auto cached = cached_local_layout(ctx, i, compute_now)) return *cached;
  std::shared_ptr<const Matrix> data;
  try {
    data = ctx.store->layer(i, config_.layer);
  } catch (const std::exception&) {
    data = nullptr;
  }
  if (data == nullptr || data->rows() != n || data->cols() <= std::max(ax, ay)) return nullptr;
  auto m = std::make_shared<Matrix>(n, 2);
  m->col(0) = data->col(ax);
  m->col(1) = data->col(ay);
  star_layouts_[i] = std::move(m);
  star_generation_[i] = anchors_generation_;
  return star_layouts_[i];
}

void ProjectionView::reset_anchors(int dims) {
  anchors_ = project::default_star_anchors(std::max(dims, 1));
  anchors_moved_ = false;
  ++anchors_generation_;
}

ProjectionView::Shown ProjectionView::layout_of(const UiContext& ctx, int frame, bool compute_now) {
  if (frame < 0 || frame >= ctx.frame_count()) return {};
  if (is_star()) return {star_layout_of(ctx, frame, compute_now), nullptr};
  if (is_pixels()) return {pixels_layout_of(ctx, frame, compute_now), nullptr};
  if (pool_ == nullptr) return {};
  auto r = pool_->get(key(), frame);
  if (!r || !r->positions || r->positions->rows() == 0) return {};
  return {r->positions, r};
}

bool ProjectionView::final_layout_of(const UiContext& ctx, int frame) {
  if (is_star() || is_pixels()) return layout_of(ctx, frame, true).positions != nullptr;
  auto shown = layout_of(ctx, frame, false);
  return shown.result && shown.result->final;
}

float ProjectionView::point_pixels(const UiState& state) const { return state.point_size; }

bool ProjectionView::image_mode(const UiState& state) const {
  const float zoom = camera_.scale / std::max(fit_scale_, 1e-9f);
  return state.images || zoom >= 6.0f;
}

void ProjectionView::update_positions(UiContext& ctx, const UiState& state) {
  const int n = ctx.frame_count();
  if (n == 0) return;
  const int f0 = std::clamp(state.frame, 0, n - 1);
  Shown a = layout_of(ctx, f0, true);
  int frame = f0;
  if (!a.positions) {  // not computed yet: keep showing the newest earlier frame that is
    for (int f = f0 - 1; f >= 0 && !a.positions; --f) {
      a = layout_of(ctx, f, false);
      frame = f;
    }
  }
  if (!a.positions) {
    a_ = {};
    shown_frame_ = -1;
    return;
  }
  Shown b;
  float t = 0;
  if (frame == f0 && state.phase > 0 && f0 + 1 < n) {
    b = layout_of(ctx, f0 + 1, true);
    if (b.positions && b.positions->rows() == a.positions->rows()) t = ease(state.phase);
  }
  const int d = dims();
  if (a.positions != a_.positions || b.positions != b_.positions || t != t_ || d != shown_dims_) {
    shown_dims_ = d;
    if (d == 3) {
      interpolate(*a.positions, t > 0 ? b.positions.get() : nullptr, t, xyz_, 3);
      const std::size_t count = xyz_.size() / 3;
      cloud_->set_positions(xyz_, 3);
      if (change_cloud_ && change_cloud_->size() == count) change_cloud_->set_positions(xyz_, 3);
      box_valid_ = false;
      for (std::size_t i = 0; i < count; ++i) {
        const Vec3 p{xyz_[3 * i], xyz_[3 * i + 1], xyz_[3 * i + 2]};
        if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) continue;
        if (!box_valid_) {
          box_min_ = box_max_ = p;
          box_valid_ = true;
          continue;
        }
        box_min_ = {std::min(box_min_.x, p.x), std::min(box_min_.y, p.y), std::min(box_min_.z, p.z)};
        box_max_ = {std::max(box_max_.x, p.x), std::max(box_max_.y, p.y), std::max(box_max_.z, p.z)};
      }
      if (xy_.size() != 2 * count) xy_.assign(2 * count, std::numeric_limits<float>::quiet_NaN());
      projection_dirty_ = true;  // screen positions follow in draw_canvas, once the camera is known
    } else {
      interpolate(*a.positions, t > 0 ? b.positions.get() : nullptr, t, xy_);
      xyz_.clear();
      depth_.clear();
      cloud_->set_positions(xy_);
      if (change_cloud_ && change_cloud_->size() == xy_.size() / 2) change_cloud_->set_positions(xy_);
      bounds_ = Bounds::of(xy_);
    }
    grid_dirty_ = true;
  }
  a_ = std::move(a);
  b_ = std::move(b);
  t_ = t;
  shown_frame_ = frame;
  // Graph edges follow the result they belong to.
  auto edges = a_.result ? a_.result->edges : nullptr;
  if (edges != edges_source_) {
    std::vector<std::uint32_t> pairs;
    if (edges) {
      pairs.reserve(edges->size() * 2);
      for (const auto& [i, j] : *edges) {
        pairs.push_back(static_cast<std::uint32_t>(i));
        pairs.push_back(static_cast<std::uint32_t>(j));
      }
    }
    edges_->set_edges(pairs);
    edges_source_ = edges;
  }
}

void ProjectionView::draw(UiContext& ctx, UiState& state, ImVec2 size, bool header) {
  if (pending_config_) {  // an axis picked on a grid last frame
    const ViewConfig next = *pending_config_;
    pending_config_.reset();
    set_config(next);
    state.views[static_cast<std::size_t>(slot_)] = next;
  }
  ImGui::PushID(slot_);
  const ImVec2 start = ImGui::GetCursorPos();
  if (header) draw_header(ctx, state);
  const ImVec2 used = {0, ImGui::GetCursorPos().y - start.y};
  update_positions(ctx, state);
  update_change_styles(ctx, state);
  draw_canvas(ctx, state, ImVec2(size.x, std::max(40.0f, size.y - used.y)));
  ImGui::PopID();
}

void ProjectionView::update_change_styles(const UiContext& ctx, const UiState& state) {
  report_.color_change = color_change_;
  report_.mean_change = -1;
  const auto* points = ctx.points();
  if (points == nullptr || shown_frame_ < 0 || xy_.size() != 2 * points->size()) return;
  // The change is a property of the layer and frame; star views take it from the pool's result.
  auto r = a_.result;
  if (!r && pool_ != nullptr) r = pool_->get(key(), shown_frame_);
  auto change = r && r->final ? r->neighbourhood_change : nullptr;
  if (change && change->size() != points->size()) change = nullptr;
  if (change && change != mean_change_source_) {  // once per layout, not every frame
    double sum = 0;
    for (float c : *change) sum += c;
    mean_change_ = change->empty() ? 0.0 : sum / static_cast<double>(change->size());
    mean_change_source_ = change;
  }
  if (change) report_.mean_change = mean_change_;
  if (!color_change_) return;
  const std::size_t n = points->size();
  const int filter = static_cast<int>(state.filter);
  const bool fresh = !change_styles_;
  if (fresh) {
    change_styles_ = std::make_unique<render::PointStyleBuffer>();
    change_cloud_ = std::make_unique<render::PointCloud>(*change_styles_);
  }
  if (fresh || change != change_source_ || filter != change_filter_ || !change_known_) {
    std::vector<render::PointStyle> styles(n);
    std::vector<std::uint32_t> order;
    order.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Rgba8 c = change ? sequential_color((*change)[i]) : kDimmed;
      styles[i] = {c.r, c.g, c.b, c.a, static_cast<std::uint8_t>(points->heldout[i] != 0 ? render::kFlagHollow : 0), {0, 0, 0}};
      if (state.passes_filter(points->heldout[i] != 0)) order.push_back(static_cast<std::uint32_t>(i));
    }
    // The most changed on top.
    if (change) std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return (*change)[a] < (*change)[b]; });
    change_styles_->set_styles(styles);
    change_styles_->set_order(order);
    change_source_ = change;
    change_filter_ = filter;
    change_known_ = true;
  }
  if (change_cloud_->size() != n) {
    if (shown_dims_ == 3) {
      change_cloud_->set_positions(xyz_, 3);
    } else {
      change_cloud_->set_positions(xy_);
    }
  }
}

void ProjectionView::draw_header(UiContext& ctx, UiState& state) {
  const float w = ImGui::GetContentRegionAvail().x;
  ViewConfig next = config_;
  // The method combo gives way so the layer combo and the toggles fit on one line.
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const bool toggles = !is_pixels();
  const bool can_3d = !is_star() && !is_pixels();
  const float layer_w = std::min(96.0f, w * 0.28f);
  const float chips = (toggles ? chip_width("change") + spacing : 0.0f) + (can_3d ? chip_width("3-D") + spacing : 0.0f);
  ImGui::SetNextItemWidth(std::clamp(w - layer_w - chips - spacing, 90.0f, 170.0f));
  if (ImGui::BeginCombo("##method", jobs::method_label(config_.method))) {
    auto methods = jobs::all_methods();
    methods.push_back(jobs::Method::pixels);  // drawn here, not computed by the pool
    for (auto m : methods) {
      if (ImGui::Selectable(jobs::method_label(m), m == config_.method)) {
        next.method = m;
        if (m == jobs::Method::pixels && config_.method != m) next.layer = "input";  // what it is for
      }
      ctx.hooks[fmt::format("view{}_method_{}", slot_, jobs::method_name(m))] = {
          {ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y}, {ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}};
    }
    ImGui::EndCombo();
  }
  report_.method_combo = {{ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y},
                          {ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}};
  ImGui::SameLine();
  ImGui::SetNextItemWidth(layer_w);
  if (ImGui::BeginCombo("##layer", config_.layer.c_str())) {
    for (const char* layer : kLayers) {
      if (ImGui::Selectable(layer, config_.layer == layer)) next.layer = layer;
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Layer: softmax output, logits, the 64-unit hidden layer, or the input pixels (the same in every frame: laid out once)");
  if (is_pixels()) {
    color_change_ = false;  // drawn from the data: no previous-frame neighbourhoods to compare
  } else {
    ImGui::SameLine();
    if (toggle_chip("change", &color_change_)) change_known_ = false;
    ctx.hooks[fmt::format("view{}_change", slot_)] = {{ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y},
                                                       {ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}};
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Colour the points by how much their neighbourhood in the layer changed since the previous\n"
                        "frame: the share of each point's 10 nearest neighbours that are new (dark: the same, yellow:\n"
                        "all new). Grey while unknown (frame 0, or the layout is not final yet).");
    }
  }
  if (!is_star() && !is_pixels()) {
    ImGui::SameLine();
    bool three = config_.dims == 3;
    if (toggle_chip("3-D", &three)) next.dims = three ? 3 : 2;
    ctx.hooks[fmt::format("view{}_3d", slot_)] = {{ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y},
                                                   {ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y}};
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Lay the points out in three dimensions: drag to turn, the wheel zooms, double-click fits.\n"
                        "Nearer points are drawn larger and brighter.");
    }
  }
  if (!(next == config_)) {
    set_config(next);
    state.views[static_cast<std::size_t>(slot_)] = next;
    update_positions(ctx, state);
  }

  // State in words, e.g. "t-SNE: 31/46 frames, animating frame 31, iteration 430/750".
  const int n = ctx.frame_count();
  std::string status;
  float progress = 0;
  report_.recall = -1;
  report_.final = false;
  if (n == 0) {
    status = "waiting for the first frame";
  } else if (is_star()) {
    int ready = 0;
    for (std::size_t i = 0; i < star_layouts_.size(); ++i) ready += star_layouts_[i] && star_generation_[i] == anchors_generation_;
    status = fmt::format("Star: {}/{} frames{}", ready, n, anchors_moved_ ? ", anchors moved" : "");
    progress = static_cast<float>(ready) / static_cast<float>(n);
    report_.final = shown_frame_ >= 0;
    auto r = pool_ != nullptr && !anchors_moved_ ? pool_->get(key(), shown_frame_) : nullptr;
    if (r && std::isfinite(r->recall_at_10)) report_.recall = r->recall_at_10;
  } else if (is_pixels()) {
    const int count = axis_count(ctx);
    const int ax = std::clamp(config_.axis_x, 0, std::max(count - 1, 0)), ay = std::clamp(config_.axis_y, 0, std::max(count - 1, 0));
    status = fmt::format("x: {}, y: {}", axis_name(ctx, ax), axis_name(ctx, ay));
    if (config_.layer == "input") {
      status += "  |  click the grids to pick";
    } else if (count > 0) {  // no image to click: sliders over the layer's dimensions
      int x = ax, y = ay;
      ImGui::SetNextItemWidth(std::min(140.0f, w * 0.35f));
      const bool moved_x = ImGui::SliderInt("x##dim", &x, 0, count - 1);
      ImGui::SameLine();
      ImGui::SetNextItemWidth(std::min(140.0f, w * 0.35f));
      const bool moved_y = ImGui::SliderInt("y##dim", &y, 0, count - 1);
      if (moved_x || moved_y) {
        ViewConfig next_axes = config_;
        next_axes.axis_x = x;
        next_axes.axis_y = y;
        pending_config_ = next_axes;
      }
    }
    progress = 1;
    report_.final = shown_frame_ >= 0;
    report_.axis_x = ax;
    report_.axis_y = ay;
  } else if (pool_ != nullptr) {
    const auto st = pool_->status(key());
    const char* label = jobs::method_label(config_.method);
    status = fmt::format("{}: {}/{} frames", label, st.frames_final, st.frames_available);
    if (!st.error.empty()) status += fmt::format(", stopped at frame {}: {}", st.error_frame, st.error);
    if (a_.result && !a_.result->final) {
      status += fmt::format(", animating frame {}, iteration {}/{}", shown_frame_, a_.result->iteration,
                            a_.result->total_iterations);
    } else if (st.working_frame >= 0 && st.working_frame != shown_frame_) {
      status += fmt::format(", computing frame {} ({}/{})", st.working_frame, st.iteration, st.total_iterations);
    }
    if (shown_frame_ >= 0 && shown_frame_ != std::clamp(state.frame, 0, n - 1)) {
      status += fmt::format(" - showing frame {} until {} is ready", shown_frame_, state.frame);
    }
    double partial = st.total_iterations > 0 && st.working_frame >= 0
                         ? static_cast<double>(st.iteration) / st.total_iterations : 0.0;
    progress = static_cast<float>((st.frames_final + partial) / std::max(1, st.frames_available));
    report_.final = a_.result && a_.result->final && shown_frame_ == state.frame;
    if (a_.result && a_.result->final && std::isfinite(a_.result->recall_at_10)) report_.recall = a_.result->recall_at_10;
  }
  report_.displacement = -1;
  const auto& shown_result = a_.result;
  if (shown_result && shown_result->final && std::isfinite(shown_result->displacement) && !(is_star() && anchors_moved_)) {
    report_.displacement = shown_result->displacement;
  }
  if (config_.method == jobs::Method::tsne && a_.result && a_.result->cost_name == "KL divergence" &&
      std::isfinite(a_.result->cost)) {
    status += fmt::format("  |  KL {:.2f}", a_.result->cost);
  }
  if (report_.recall >= 0) status += fmt::format("  |  recall@10 {:.2f}", report_.recall);
  // How far the points moved from the previous frame (mean, in units of the layout's spread).
  if (report_.displacement >= 0) status += fmt::format("  |  moved {:.2f}", report_.displacement);
  if (color_change_ && report_.mean_change >= 0) status += fmt::format("  |  changed {:.0f}%", 100 * report_.mean_change);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.70f, 0.73f, 0.78f, 1.0f));
  ImGui::TextUnformatted(status.c_str());
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered() && (report_.recall >= 0 || report_.displacement >= 0)) {
    ImGui::SetTooltip("recall@10: the share of each point's 10 nearest neighbours in the layer that are also\n"
                      "among its 10 nearest in this picture (1 = neighbourhoods kept).\n"
                      "moved: the mean distance the points moved since the previous frame's layout,\n"
                      "in units of the layout's RMS radius (0 = nothing moved).");
  }
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(0, 0));
  ImGui::ProgressBar(std::clamp(progress, 0.0f, 1.0f), ImVec2(-1, 3), "");
  ImGui::PopStyleVar();
  report_.status = status;
  report_.method = jobs::method_name(config_.method);
  report_.layer = config_.layer;
  report_.layout_frame = shown_frame_;
  report_.dims = dims();
  report_.yaw = dims() == 3 ? orbit_.yaw : 0.0f;
  report_.pitch = dims() == 3 ? orbit_.pitch : 0.0f;
  report_.camera_distance = dims() == 3 ? orbit_.distance : 0.0f;
  // (Work in progress redraws when the pool publishes a slice: its version changes.)
}

bool ProjectionView::drawn_by_change() const {
  return color_change_ && change_cloud_ && change_cloud_->size() == xy_.size() / 2;
}

const render::PointCloud& ProjectionView::drawn_cloud() const { return drawn_by_change() ? *change_cloud_ : *cloud_; }

const render::ImageAtlas* ProjectionView::drawn_atlas() const {
  return draw_images_ && !drawn_by_change() ? gl_atlas_ : nullptr;
}

render::LayerKey ProjectionView::layer_key() const {
  const render::PointCloud& cloud = drawn_cloud();
  const render::ImageAtlas* atlas = drawn_atlas();
  render::LayerKey key;
  // (A cloud is bound to one style buffer for life: its identity stands for both.)
  key.versions = {cloud.version(), cloud.styles().version(), reinterpret_cast<std::uintptr_t>(&cloud),
                  draw_edges_ ? edges_->version() + 1 : 0, reinterpret_cast<std::uintptr_t>(atlas), 0, 0, 0};
  render::describe(gl_params_, gl_point_px_, key);
  return key;
}

bool ProjectionView::layer_stale() const {
  if (!a_.positions || xy_.empty() || renderers_.compositor == nullptr || layer_failed_) return false;
  return !layer_ || !layer_->valid(layer_key(), gl_params_.viewport);
}

bool ProjectionView::defer_layer() {
  const auto& vp = gl_params_.viewport;
  if (!layer_ || !layer_->drawn() || layer_->width() != std::max(vp.width, 1) || layer_->height() != std::max(vp.height, 1)) {
    return false;
  }
  layer_deferred_ = true;
  ++stale_frames_;
  return true;
}

void ProjectionView::render_gl(const render::Viewport& scissor) const {
  if (!a_.positions || xy_.empty()) return;
  const render::PointCloud& cloud = drawn_cloud();
  const render::ImageAtlas* atlas = drawn_atlas();
  const auto draw = [&](const render::ViewParams& params) {
    if (draw_edges_) {
      const float color[4] = {0.55f, 0.60f, 0.70f, 0.16f};
      renderers_.lines->draw(cloud, *edges_, params, color);
    }
    renderers_.points->draw(cloud, params, gl_point_px_, atlas);
  };
  if (renderers_.compositor != nullptr && !layer_failed_) {
    // The layer is drawn again only when the positions, styles, edges or the camera changed.
    const render::LayerKey key = layer_key();
    try {
      if (!layer_) layer_ = std::make_unique<render::LayerCache>();
      if (!layer_deferred_ && !layer_->valid(key, gl_params_.viewport)) {
        layer_->begin(key, gl_params_.viewport);  // clears the layer's colour and depth
        draw(render::LayerCache::layer_params(gl_params_));
        layer_->end();
        ++layer_redraws_;
        stale_frames_ = 0;
      }
      renderers_.compositor->draw(layer_->texture(), gl_params_.viewport, scissor);
      return;
    } catch (const std::exception&) {
      layer_.reset();  // no offscreen layer on this driver: draw directly from now on
      layer_failed_ = true;
    }
  }
  render::ViewParams params = gl_params_;
  params.scissor = scissor;
  render::clear_depth(params);  // 3-D: this view's depth starts empty
  draw(params);
}

}  // namespace epochscope::ui
