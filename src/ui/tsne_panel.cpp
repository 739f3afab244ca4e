// The t-SNE panel: the options practitioners tune (perplexity, learning rate, early exaggeration,
// exaggeration, initialisation, iterations), applied to every t-SNE view at once through the pool,
// and the KL divergence of the layouts as they run.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "epochscope/jobs/layout_pool.hpp"
#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

bool same_tsne(const jobs::MethodSettings& a, const jobs::MethodSettings& b) {
  const auto &x = a.tsne, &y = b.tsne;
  return x.perplexity == y.perplexity && x.learning_rate == y.learning_rate &&
         x.early_exaggeration == y.early_exaggeration && x.exaggeration == y.exaggeration && x.init == y.init &&
         x.iterations == y.iterations && x.early_iterations == y.early_iterations &&
         x.warm_iterations == y.warm_iterations && a.tsne_warm_start == b.tsne_warm_start;
}

}  // namespace

void draw_tsne_panel(UiContext& ctx, UiState& state) {
  if (ctx.pool == nullptr) {
    ImGui::TextDisabled("No session yet.");
    return;
  }
  const auto current = ctx.pool->method_settings();
  if (!ctx.tsne_edit_valid) {
    ctx.tsne_edit = current;
    ctx.tsne_edit_valid = true;
  }
  auto& e = ctx.tsne_edit;
  auto& t = e.tsne;
  const std::size_t n = ctx.points() != nullptr ? ctx.points()->size() : 0;
  const float max_perplexity = n > 10 ? std::min(200.0f, static_cast<float>(n - 1) / 3.0f) : 5.0f;

  const float label_w = ImGui::CalcTextSize("initialisation").x + ImGui::GetStyle().ItemInnerSpacing.x;  // the widest
  float perplexity = static_cast<float>(t.perplexity);
  ImGui::SetNextItemWidth(-label_w);
  if (ImGui::SliderFloat("perplexity", &perplexity, 2.0f, max_perplexity, "%.0f", ImGuiSliderFlags_Logarithmic)) {
    t.perplexity = std::clamp(static_cast<double>(perplexity), 2.0, static_cast<double>(max_perplexity));
  }
  ctx.hooks["tsne_perplexity"] = last_item_rect();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Effective number of neighbours each point attends to (5-50 is usual; uses 3x as many kNN)");

  bool auto_rate = !t.learning_rate.has_value();
  if (ImGui::Checkbox("auto learning rate", &auto_rate)) {
    if (auto_rate) t.learning_rate.reset();
    else t.learning_rate = std::max(200.0, static_cast<double>(n) / t.early_exaggeration);
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("auto: N / early exaggeration (at least 200) while exaggerated, after Belkina et al. 2019; 3x that afterwards and in warm starts");
  if (auto_rate) {
    ImGui::SameLine();
    ImGui::TextDisabled("= %.0f", std::max(200.0, static_cast<double>(n) / t.early_exaggeration));
  } else {
    float rate = static_cast<float>(*t.learning_rate);
    ImGui::SetNextItemWidth(-label_w);
    if (ImGui::InputFloat("learning rate", &rate, 0, 0, "%.0f")) t.learning_rate = std::clamp(static_cast<double>(rate), 1.0, 1e6);
  }

  float early = static_cast<float>(t.early_exaggeration);
  ImGui::SetNextItemWidth(-label_w);
  if (ImGui::SliderFloat("early exagg.", &early, 1.0f, 50.0f, "%.1f")) t.early_exaggeration = early;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Multiplies the affinities for the first %d iterations of a cold start: clusters form apart", t.early_iterations);
  float exaggeration = static_cast<float>(t.exaggeration);
  ImGui::SetNextItemWidth(-label_w);
  if (ImGui::SliderFloat("exaggeration", &exaggeration, 1.0f, 10.0f, "%.1f")) t.exaggeration = exaggeration;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Multiplies the affinities afterwards: 1 is classic t-SNE, about 4 spaces clusters like UMAP");

  int init = e.tsne_warm_start ? 0 : t.init == project::TsneInit::pca ? 1 : 2;
  const char* inits[] = {"previous frame", "PCA", "random"};
  ImGui::SetNextItemWidth(-label_w);
  if (ImGui::Combo("initialisation", &init, inits, 3)) {
    e.tsne_warm_start = init == 0;
    t.init = init == 2 ? project::TsneInit::random : project::TsneInit::pca;
  }
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("previous frame: each epoch starts from the last layout (coherent motion; frame 0 from PCA)\n"
                      "PCA / random: every epoch is laid out from scratch (independent runs)");
  }
  int iterations = t.iterations;
  ImGui::SetNextItemWidth(-label_w);
  if (ImGui::InputInt("iterations", &iterations, 50, 250)) t.iterations = std::clamp(iterations, t.early_iterations + 1, 20000);
  if (e.tsne_warm_start) {
    int warm = t.warm_iterations;
    ImGui::SetNextItemWidth(-label_w);
    if (ImGui::InputInt("per new frame", &warm, 10, 50)) t.warm_iterations = std::clamp(warm, 1, 20000);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Iterations of a frame that starts from the previous frame's layout");
  }

  const bool changed = !same_tsne(e, current);
  ImGui::BeginDisabled(!changed);
  if (ImGui::Button("Apply to t-SNE views")) {
    ctx.pool->set_method_settings(jobs::Method::tsne, e);
  }
  ctx.hooks["tsne_apply"] = last_item_rect();
  ImGui::SameLine();
  if (ImGui::Button("Revert")) e = current;
  ImGui::EndDisabled();
  // "defaults" on the same row when it fits, else on the next (never cut at the panel's edge).
  const float defaults_w = ImGui::CalcTextSize("defaults").x + 2 * ImGui::GetStyle().FramePadding.x;
  const float room = ImGui::GetWindowContentRegionMax().x - (ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x) -
                     ImGui::GetStyle().ItemSpacing.x;
  if (room >= defaults_w) ImGui::SameLine();
  if (ImGui::SmallButton("defaults")) {
    const jobs::MethodSettings d;
    e.tsne = d.tsne;
    e.tsne_warm_start = d.tsne_warm_start;
  }

  // KL divergence of the t-SNE chain on the frame shown (the first t-SNE view's layer).
  for (const auto& v : state.views) {
    if (v.method != jobs::Method::tsne) continue;
    const int frame = std::clamp(state.frame, 0, std::max(0, ctx.frame_count() - 1));
    const auto r = ctx.pool->get({jobs::Method::tsne, v.layer, 2}, frame);
    if (r && r->cost_name == "KL divergence" && std::isfinite(r->cost)) {
      ImGui::PushTextWrapPos(0);
      ImGui::Text("KL divergence (%s, frame %d): %.3f%s", v.layer.c_str(), frame, r->cost, r->final ? "" : " ...");
      ImGui::PopTextWrapPos();
    }
    break;
  }
}

}  // namespace epochscope::ui
