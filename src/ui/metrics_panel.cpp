// Loss and accuracy per epoch (training and held-out), from the frames' metrics.
#include <algorithm>
#include <vector>

#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

void draw_metrics_panel(UiContext& ctx, UiState& state) {
  if (ctx.frames.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Loss and accuracy appear after the first frame.");
    ImGui::PopTextWrapPos();
    return;
  }
  if (std::none_of(ctx.frames.begin(), ctx.frames.end(), [](const auto& f) { return f->metrics.known(); })) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("This session records no losses, accuracies or predictions: it holds embeddings only "
                        "(imported from TensorBoard). Colours are the classes of its metadata.");
    ImGui::PopTextWrapPos();
    return;
  }
  std::vector<float> train_loss, heldout_loss, train_acc, heldout_acc;
  float max_loss = 0.1f;
  for (const auto& f : ctx.frames) {
    train_loss.push_back(static_cast<float>(f->metrics.train_loss));
    heldout_loss.push_back(static_cast<float>(f->metrics.heldout_loss));
    train_acc.push_back(static_cast<float>(100 * f->metrics.train_accuracy));
    heldout_acc.push_back(static_cast<float>(100 * f->metrics.heldout_accuracy));
    max_loss = std::max({max_loss, train_loss.back(), heldout_loss.back()});
  }
  const auto& cur = ctx.frames[static_cast<std::size_t>(std::clamp(state.frame, 0, ctx.frame_count() - 1))]->metrics;
  ImGui::PushTextWrapPos(0);
  ImGui::Text("Frame %d, held-out points:", state.frame);
  ImGui::Text("accuracy %.1f%%", 100 * cur.heldout_accuracy);
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize("loss 0.000").x) ImGui::NewLine();
  ImGui::Text("loss %.3f", cur.heldout_loss);
  ImGui::PopTextWrapPos();
  const float w = ImGui::GetContentRegionAvail().x;
  int h = -1, h2 = -1;
  if (ctx.compare.store != nullptr) {
    // Two runs: each one's held-out curves, A in the first colour, B in the second.
    std::vector<float> b_loss, b_acc;
    for (const auto& f : ctx.compare.frames) {
      b_loss.push_back(static_cast<float>(f->metrics.heldout_loss));
      b_acc.push_back(static_cast<float>(100 * f->metrics.heldout_accuracy));
      max_loss = std::max(max_loss, b_loss.back());
    }
    const ImU32 a_color = to_imu32(ctx.theme->class_color(0)), b_color = to_imu32(ctx.theme->class_color(2));
    const ChartSeries loss[] = {{heldout_loss, a_color, "A"}, {b_loss, b_color, "B"}};
    h = draw_chart(ctx, "loss", "held-out loss", loss, ImVec2(w, 112 * em()), 0.0f, max_loss * 1.05f, state.frame, "%.4f");
    const ChartSeries acc[] = {{heldout_acc, a_color, "A"}, {b_acc, b_color, "B"}};
    h2 = draw_chart(ctx, "accuracy", "held-out accuracy %", acc, ImVec2(w, 112 * em()), 0.0f, 100.0f, state.frame, "%.1f%%");
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("A: %s\nB: %s", ctx.session_file.filename().c_str(), ctx.compare.label.c_str());
    ImGui::PopTextWrapPos();
  } else {
    const ImU32 train_color = to_imu32(ctx.theme->class_color(1)), heldout_color = to_imu32(ctx.theme->class_color(0));
    const ChartSeries loss[] = {{train_loss, train_color, "training"}, {heldout_loss, heldout_color, "held-out"}};
    h = draw_chart(ctx, "loss", "loss", loss, ImVec2(w, 112 * em()), 0.0f, max_loss * 1.05f, state.frame, "%.4f");
    const ChartSeries acc[] = {{train_acc, train_color, "training"}, {heldout_acc, heldout_color, "held-out"}};
    h2 = draw_chart(ctx, "accuracy", "accuracy %", acc, ImVec2(w, 112 * em()), 0.0f, 100.0f, state.frame, "%.1f%%");
  }
  if (h < 0) h = h2;
  // Clicking the chart jumps the epoch bar there.
  const int frames = std::max(ctx.frame_count(), static_cast<int>(ctx.compare.frames.size()));
  if (h >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) state.set_frame(h, frames);
}

}  // namespace epochscope::ui
