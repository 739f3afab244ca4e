// Training controls: source, state, progress, commands and the options applied on (re)start.
#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "epochscope/core/paths.hpp"
#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

std::string duration(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "--";
  const auto s = static_cast<long>(std::lround(seconds));
  if (s >= 3600) return fmt::format("{}h {:02}m", s / 3600, (s / 60) % 60);
  if (s >= 60) return fmt::format("{}m {:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

void hook(UiContext& ctx, const char* name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ctx.hooks[name] = {{a.x, a.y}, {b.x, b.y}};
}

}  // namespace

void draw_control_panel(UiContext& ctx, UiState& state) {
  (void)state;
  auto& t = ctx.training;
  ImGui::PushTextWrapPos(0);  // every line here wraps in a narrow panel
  ImGui::TextUnformatted(ctx.source_label.empty() ? "No data" : ctx.source_label.c_str());
  if (t.live) {
    const ImVec4 color = to_imvec4(t.state == "running" ? ctx.theme->good : t.state == "failed" ? ctx.theme->bad : ctx.theme->note);
    ImGui::TextColored(color, "%s", t.state.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("epoch %d/%d", t.epoch, t.epochs);
    ImGui::SameLine();
    ImGui::TextDisabled("batch %d/%d", t.batch, t.batches);
    const double done = t.epochs > 0 ? (std::max(0, t.epoch - 1) + (t.batches > 0 ? double(t.batch) / t.batches : 0.0)) / t.epochs : 0.0;
    const bool over = t.state == "finished";
    const std::string overlay = over ? "done" : fmt::format("{:.0f}%", 100 * done);
    ImGui::ProgressBar(over ? 1.0f : static_cast<float>(std::clamp(done, 0.0, 1.0)), ImVec2(-1, 0), overlay.c_str());
    hook(ctx, "progress");
    ImGui::Text("%.0f images/s", t.images_per_second);
    ImGui::SameLine();
    ImGui::Text("ETA %s", duration(t.eta_seconds).c_str());
    ImGui::TextDisabled("batch loss %.4f, accuracy %.1f%%", t.loss, 100 * t.accuracy);
    if (!t.error.empty()) ImGui::TextColored(to_imvec4(ctx.theme->bad), "%s", t.error.c_str());
    const bool running = t.state == "running", paused = t.state == "paused";
    const bool ended = t.state == "finished" || t.state == "stopped" || t.state == "failed";
    if (t.state == "idle") {
      if (ImGui::Button("Start")) ctx.request = TrainRequest::start;
      ImGui::SameLine();
    }
    if (running && ImGui::Button("Pause")) ctx.request = TrainRequest::pause;
    if (paused && ImGui::Button("Resume")) ctx.request = TrainRequest::resume;
    if (running || paused) {
      ImGui::SameLine();
      if (ImGui::Button("Stop")) ctx.request = TrainRequest::stop;
      ImGui::SameLine();
    }
    if (ImGui::Button(ended ? "Train again" : "Restart")) ctx.request = TrainRequest::restart;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A new run with the options below (the current one stops)");
  } else {
    if (t.state == "following") {
      ImGui::TextColored(to_imvec4(ctx.theme->good), "following");
      ImGui::SameLine();
      ImGui::PushTextWrapPos(0);
      ImGui::TextDisabled("epoch %d: new frames appear as they are written", t.epoch);
      ImGui::PopTextWrapPos();
    } else if (t.state == "finished" || t.state == "stopped") {
      ImGui::TextDisabled("Followed run %s at epoch %d", t.state == "finished" ? "finished" : "no longer read", t.epoch);
    } else {
      ImGui::TextDisabled("Offline: no training in this window");
    }
    if (ImGui::Button("Train a new run")) ctx.request = TrainRequest::restart;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Start training with the options below in this window");
  }
  // Sessions on disk: open one instead, or compare one with this run (also: drop a file on the
  // window, or on a view to compare).
  const auto start = !ctx.session_file.empty() ? ctx.session_file.parent_path() : data_home() / "sessions";
  if (ImGui::Button("Open session...")) open_session_dialog(ctx, false, start);
  hook(ctx, "open_session");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show another session file (or drop one on the window)");
  if (ctx.store != nullptr) {
    ImGui::SameLine();
    if (ImGui::Button("Compare...")) open_session_dialog(ctx, true, start);
    hook(ctx, "open_compare");
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Open a second run over the same tracked points; any view can show it\n"
                        "(or drop its file on a view)");
    }
  }

  ImGui::PopTextWrapPos();
  if (ImGui::CollapsingHeader("Training options")) {
    auto& o = ctx.train_settings;
    const float label_w = ImGui::CalcTextSize("learning rate").x + ImGui::GetStyle().ItemInnerSpacing.x;  // the widest
    const char* datasets[] = {"mnist (10,000 digits)", "fashion (Fashion-MNIST)", "mnist1d (5,000 signals)"};
    ImGui::SetNextItemWidth(-label_w);
    const int previous = o.dataset;
    if (ImGui::Combo("dataset", &o.dataset, datasets, 3) && (previous == 2) != (o.dataset == 2)) {
      // The signals want smaller batches and a larger step (as `--dataset mnist1d` chooses); only
      // the other set's defaults are switched, a value the user typed stays.
      const bool to_signals = o.dataset == 2;
      if (o.batch_size == (to_signals ? 512 : 64)) o.batch_size = to_signals ? 64 : 512;
      if (std::abs(o.learning_rate - (to_signals ? 1e-4f : 3e-3f)) < 1e-9f) o.learning_rate = to_signals ? 3e-3f : 1e-4f;
    }
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("mnist1d: MNIST-1D (Greydanus 2020), 40-sample signals generated from a seed;\n"
                        "a 1-D CNN learns it. Try a learning rate of 1e-3 or more.");
    }
    // The model: every layer of it is recorded, so each view can step through them.
    const char* models[] = {"cnn (2 conv, dense 64)", "mlp (dense 256-128-64)", "cnn-bn (4 conv + batch norm)"};
    const int model_count = o.dataset == 2 ? 2 : 3;  // cnn-bn is for images
    if (o.model >= model_count) o.model = 0;
    ImGui::SetNextItemWidth(-label_w);
    ImGui::Combo("model", &o.model, models, model_count);
    hook(ctx, "train_model");
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Which network trains; every layer is recorded (conv layers as their channel means).\n"
                        "cnn: conv32-conv64-dense64 (for mnist1d a 1-D CNN); mlp: dense 256-128-64;\n"
                        "cnn-bn: conv32-conv32-conv64-conv64 with batch norm, then dense 128-64 (slower).");
    }
    const char* activations[] = {"relu", "tanh", "gelu"};
    ImGui::SetNextItemWidth(-label_w);
    ImGui::Combo("activation", &o.activation, activations, 3);
    ImGui::SetNextItemWidth(-label_w);
    ImGui::InputInt("epochs", &o.epochs, 1, 10);
    o.epochs = std::clamp(o.epochs, 1, 10000);
    ImGui::SetNextItemWidth(-label_w);
    ImGui::InputInt("batch size", &o.batch_size, 32, 256);
    o.batch_size = std::clamp(o.batch_size, 1, 65536);
    ImGui::SetNextItemWidth(-label_w);
    ImGui::InputFloat("learning rate", &o.learning_rate, 0, 0, "%.1e");
    o.learning_rate = std::clamp(o.learning_rate, 1e-7f, 10.0f);
    const char* optimizers[] = {"adam", "sgd (momentum 0.9)"};
    ImGui::SetNextItemWidth(-label_w);
    ImGui::Combo("optimizer", &o.optimizer, optimizers, 2);
    ImGui::SetNextItemWidth(-label_w);
    ImGui::InputInt("seed", &o.seed);
    o.seed = std::max(o.seed, 0);
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Applied by Restart / Train again.");
    ImGui::PopTextWrapPos();
  }
}

}  // namespace epochscope::ui
