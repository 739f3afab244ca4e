#include "epochscope/ui/depth_strip.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "epochscope/store/layers.hpp"
#include "epochscope/ui/strip_grid.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

DepthStrip::DepthStrip(int slot, ViewRenderers renderers) : slot_(slot), renderers_(renderers) {}

DepthStrip::~DepthStrip() { set_source(nullptr); }

void DepthStrip::set_source(jobs::LayoutPool* pool) {
  if (pool == pool_ && pool != nullptr) return;
  for (auto& v : views_) v->set_source(nullptr);
  views_.clear();
  layers_.clear();
  pool_ = pool;
}

void DepthStrip::draw(UiContext& ctx, UiState& state, const ViewConfig& config, ImVec2 size) {
  const auto* points = ctx.points();
  if (points == nullptr || pool_ == nullptr) return;
  const auto layers = store::layer_choices(*points);
  if (layers != layers_ || config.method != method_) {
    for (auto& v : views_) v->set_source(nullptr);
    views_.clear();
    layers_ = layers;
    method_ = config.method;
    for (std::size_t k = 0; k < layers_.size(); ++k) {
      // Slots past the window's views: ids and hooks of their own, never written back to UiState.
      auto v = std::make_unique<ProjectionView>(kMaxViews + slot_ * 64 + static_cast<int>(k), renderers_);
      ViewConfig c;
      c.method = method_;
      c.layer = layers_[k];
      v->set_config(c);
      v->set_source(pool_);
      views_.push_back(std::move(v));
    }
  }
  const int n = static_cast<int>(views_.size());
  if (n == 0) return;
  const float gap = 4 * em();
  const int cols = strip_columns(n, size.x, size.y);
  const int rows = (n + cols - 1) / cols;
  const ImVec2 cell((size.x - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols),
                    (size.y - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows));
  const ImVec2 origin = ImGui::GetCursorPos();
  const Theme& th = *ctx.theme;
  for (int k = 0; k < n; ++k) {
    const int c = k % cols, r = k / cols;
    ImGui::SetCursorPos(ImVec2(origin.x + static_cast<float>(c) * (cell.x + gap), origin.y + static_cast<float>(r) * (cell.y + gap)));
    const bool own = layers_[static_cast<std::size_t>(k)] == config.layer;
    ImGui::PushStyleColor(ImGuiCol_Border, to_imvec4(own ? th.text_dim : th.frame_bg));
    ImGui::PushStyleVar(ImGuiStyleVar_ChildBorderSize, own ? 2.0f : 1.0f);
    ImGui::BeginChild(fmt::format("strip{}_{}", slot_, k).c_str(), cell, true,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    // The panel's layer and its state in one line: "conv2 (64 channel means) · 3/4".
    const auto& view = *views_[static_cast<std::size_t>(k)];
    const auto& report = view.report();
    const std::string& name = layers_[static_cast<std::size_t>(k)];
    const std::string label = store::layer_label(*points, name);
    // The whole label where it fits, else the name and width, else the name (whole on hover).
    const float room = ImGui::GetContentRegionAvail().x;
    std::string shown = label;
    if (ImGui::CalcTextSize(shown.c_str()).x > room) {
      const auto* info = store::find_layer(*points, name);
      shown = info != nullptr ? fmt::format("{} ({})", name, info->width) : name;
      if (ImGui::CalcTextSize(shown.c_str()).x > room) shown = name;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, to_imvec4(own ? th.text : th.text_dim));
    ImGui::TextUnformatted(shown.c_str());
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s", label.c_str(), report.status.c_str());
    const ImVec2 min = ImGui::GetWindowPos();
    ctx.hooks[fmt::format("view{}_strip{}", slot_, k)] = {{min.x, min.y}, {min.x + cell.x, min.y + cell.y}};
    views_[static_cast<std::size_t>(k)]->draw(ctx, state, ImGui::GetContentRegionAvail(), false);
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
  }
}

std::vector<DepthStrip::Panel> DepthStrip::panels() const {
  std::vector<Panel> out;
  for (std::size_t k = 0; k < views_.size(); ++k) out.push_back({layers_[k], &views_[k]->report()});
  return out;
}

}  // namespace epochscope::ui
