// The Filters panel: the first convolution's weights at the epoch bar's frame, one small image a
// filter (colours from ui/filter_images.hpp), so a user stepping through the epochs watches noise
// turn into edge and blob detectors. With *change since frame 0* the images show what training
// added to the untrained weights (at a small learning rate the filters move a few percent an epoch,
// which the weights themselves hide). Hover a filter: its index, norm (now and at frame 0), weight
// range and an enlarged copy with the values. Drawn with the window's draw list: a few hundred
// rectangles, no texture.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "epochscope/ui/filter_images.hpp"
#include "epochscope/ui/panels.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {
namespace {

// Draws `img` into the rectangle at `p0` of `size` (kernel rows over its height). A 1-D kernel
// (height 1) becomes bars up and down from a middle line, each in its weight's colour.
void draw_filter(ImDrawList* dl, const FilterImage& img, ImVec2 p0, ImVec2 size, bool rgb, const Theme& theme) {
  if (img.height == 1 && !rgb) {
    const float bw = size.x / static_cast<float>(img.width), mid = p0.y + size.y * 0.5f;
    dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), to_imu32(theme.overlay_bg));
    for (int x = 0; x < img.width; ++x) {
      const float v = img.scale > 0 ? img.values[static_cast<std::size_t>(x)] / img.scale : 0.0f;
      const float top = mid - std::clamp(v, -1.0f, 1.0f) * size.y * 0.5f;
      const float x0 = p0.x + static_cast<float>(x) * bw;
      dl->AddRectFilled(ImVec2(x0 + 0.5f, std::min(top, mid)), ImVec2(x0 + bw - 0.5f, std::max(top, mid) + 1.0f),
                        to_imu32(img.pixels[static_cast<std::size_t>(x)]));
    }
    dl->AddLine(ImVec2(p0.x, mid), ImVec2(p0.x + size.x, mid), to_imu32(theme.axis));
    return;
  }
  const float pw = size.x / static_cast<float>(img.width), ph = size.y / static_cast<float>(img.height);
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      const ImVec2 a(p0.x + static_cast<float>(x) * pw, p0.y + static_cast<float>(y) * ph);
      // Half a pixel over, so no seams show between neighbouring cells.
      dl->AddRectFilled(a, ImVec2(a.x + pw + 0.5f, a.y + ph + 0.5f),
                        to_imu32(img.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) + static_cast<std::size_t>(x)]));
    }
  }
}

// The cell a filter takes: square for a square kernel, the kernel's shape otherwise, and a flat
// strip for a 1-D kernel's bars.
ImVec2 cell_size(const store::FilterBank& bank, float side) {
  if (bank.height == 1) return ImVec2(side, std::max(12.0f * em(), side * 0.6f));
  const float aspect = static_cast<float>(bank.height) / static_cast<float>(bank.width);
  return aspect >= 1 ? ImVec2(side / aspect, side) : ImVec2(side, side * aspect);
}

// `bank` is the frame's, `drawn` what the grid shows (the same, or its change since frame 0).
void filter_tooltip(const UiContext& ctx, const store::FilterBank& bank, const store::FilterBank& drawn, const FilterImage& img,
                    int i, int frame) {
  const auto& f0 = ctx.frames.front()->filters;
  const bool same_shape = f0.count == bank.count && f0.filter_size() == bank.filter_size();
  const float* w = drawn.filter(i);
  const auto [lo, hi] = std::minmax_element(w, w + bank.filter_size());
  ImGui::BeginTooltip();
  ImGui::Text("%s filter %d of %d", bank.layer.c_str(), i, bank.count);
  if (same_shape && frame > 0) {
    ImGui::Text("norm %.3f (frame 0: %.3f)", bank.norm(i), f0.norm(i));
  } else {
    ImGui::Text("norm %.3f", bank.norm(i));
  }
  ImGui::TextDisabled("L2 of its %zu weights; %s from %.3g to %.3g", bank.filter_size(),
                      &drawn == &bank ? "they go" : "their change since frame 0 goes", static_cast<double>(*lo), static_cast<double>(*hi));
  // Enlarged, with each weight written in when the kernel is small enough to read them.
  const bool values = bank.channels == 1 && bank.height > 1 && bank.height <= 5 && bank.width <= 5;
  const float px = values ? 40.0f * em() : std::min(14.0f * em(), 160.0f * em() / static_cast<float>(std::max(bank.height, bank.width)));
  const ImVec2 size = bank.height == 1 ? ImVec2(std::max(120.0f * em(), px * static_cast<float>(bank.width)), 48.0f * em())
                                       : ImVec2(px * static_cast<float>(img.width), px * static_cast<float>(img.height));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_filter(dl, img, p0, size, bank.channels == 3, *ctx.theme);
  if (values) {
    for (int y = 0; y < img.height; ++y) {
      for (int x = 0; x < img.width; ++x) {
        const float v = img.values[static_cast<std::size_t>(y * img.width + x)];
        const std::string text = fmt::format("{:.2f}", v);
        const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
        const bool dark = img.scale > 0 && std::abs(v / img.scale) > 0.55f;  // on the map's deep ends
        dl->AddText(ImVec2(p0.x + (static_cast<float>(x) + 0.5f) * px - ts.x * 0.5f, p0.y + (static_cast<float>(y) + 0.5f) * px - ts.y * 0.5f),
                    dark ? IM_COL32(255, 255, 255, 255) : IM_COL32(20, 20, 20, 255), text.c_str());
      }
    }
  }
  ImGui::Dummy(size);
  ImGui::EndTooltip();
}

}  // namespace

void draw_filters_panel(UiContext& ctx, UiState& state) {
  ctx.filters_drawn = 0;
  ImGui::PushTextWrapPos(0);
  if (ctx.frames.empty()) {
    ImGui::TextDisabled("The filters appear with the first frame.");
    ImGui::PopTextWrapPos();
    return;
  }
  const int index = std::clamp(state.frame, 0, ctx.frame_count() - 1);
  const auto& frame = *ctx.frames[static_cast<std::size_t>(index)];
  const auto& bank = frame.filters;
  ctx.filters_frame = index;
  if (bank.empty()) {
    const bool any = std::any_of(ctx.frames.begin(), ctx.frames.end(), [](const auto& f) { return !f->filters.empty(); });
    ImGui::TextDisabled("%s", any ? "This frame holds no filters (its weights were not finite)."
                                  : "No filters in this session (a model without a convolution, or an older file).");
    ImGui::PopTextWrapPos();
    return;
  }
  ImGui::Text("%s: %d filters, %d x %d%s, at frame %d", bank.layer.c_str(), bank.count, bank.height, bank.width,
              bank.channels == 1 ? "" : fmt::format(", {} channels", bank.channels).c_str(), frame.index);
  ImGui::PopTextWrapPos();
  int shared = state.filters_shared_scale ? 1 : 0;
  ImGui::RadioButton("each its own scale", &shared, 0);
  ImGui::SameLine();
  ImGui::RadioButton("one scale", &shared, 1);
  ctx.hooks["filters_shared"] = last_item_rect();
  state.filters_shared_scale = shared == 1;
  const auto scale = state.filters_shared_scale ? FilterScale::shared : FilterScale::per_filter;
  // The change since frame 0, when frame 0 has filters of the same shape.
  const auto& first = ctx.frames.front()->filters;
  const bool can_change = first.count == bank.count && first.filter_size() == bank.filter_size() && first.layer == bank.layer;
  ImGui::BeginDisabled(!can_change);
  ImGui::Checkbox("change since frame 0", &state.filters_change);
  ImGui::EndDisabled();
  ctx.hooks["filters_change"] = last_item_rect();
  store::FilterBank change;
  if (state.filters_change && can_change) {
    change = bank;
    for (std::size_t k = 0; k < change.weights.size(); ++k) change.weights[k] -= first.weights[k];
  }
  const auto& drawn = change.empty() ? bank : change;

  // As many columns as cells of about 36 px fit, then the cells stretched to the width.
  const float avail = ImGui::GetContentRegionAvail().x, gap = std::round(6.0f * em());
  int cols = std::max(1, static_cast<int>((avail + gap) / (36.0f * em() + gap)));
  cols = std::min(cols, bank.count);
  const float side = std::min(64.0f * em(), std::floor((avail - gap * static_cast<float>(cols - 1)) / static_cast<float>(cols)));
  const ImVec2 cell = cell_size(bank, side);
  const int rows = (bank.count + cols - 1) / cols;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 grid(static_cast<float>(cols) * (side + gap) - gap, static_cast<float>(rows) * (cell.y + gap) - gap);
  ImGui::InvisibleButton("##filters_grid", ImVec2(std::max(1.0f, grid.x), std::max(1.0f, grid.y)));
  const bool hovered = ImGui::IsItemHovered();
  ctx.hooks["filters_grid"] = last_item_rect();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 mouse = ImGui::GetMousePos();
  int under = -1;
  FilterImage under_img;
  for (int i = 0; i < bank.count; ++i) {
    const int r = i / cols, c = i % cols;
    const ImVec2 a(p0.x + static_cast<float>(c) * (side + gap) + (side - cell.x) * 0.5f, p0.y + static_cast<float>(r) * (cell.y + gap));
    const ImVec2 b(a.x + cell.x, a.y + cell.y);
    auto img = filter_image(drawn, i, scale);
    draw_filter(dl, img, a, cell, bank.channels == 3, *ctx.theme);
    const bool here = hovered && mouse.x >= a.x - gap * 0.5f && mouse.x < b.x + gap * 0.5f && mouse.y >= a.y - gap * 0.5f &&
                      mouse.y < b.y + gap * 0.5f;
    if (here) dl->AddRect(ImVec2(a.x - 2, a.y - 2), ImVec2(b.x + 2, b.y + 2), to_imu32(ctx.theme->ring), 0, 0, 2.0f);
    if (i < 2 || i == bank.count - 1) ctx.hooks[fmt::format("filter_{}", i)] = {{a.x, a.y}, {b.x, b.y}};
    if (here) {
      under = i;
      under_img = std::move(img);
    }
  }
  ctx.filters_drawn = bank.count;
  if (under >= 0) filter_tooltip(ctx, bank, drawn, under_img, under, index);

  // The legend: the colour ramp from -scale to +scale (the filter's own scale when each has one).
  ImGui::PushTextWrapPos(0);
  if (bank.channels != 3) {
    const float w = std::min(avail, 160.0f * em()), h = 6.0f * em();
    const ImVec2 q = ImGui::GetCursorScreenPos();
    constexpr int kSteps = 24;
    for (int s = 0; s < kSteps; ++s) {
      const float t0 = static_cast<float>(s) / kSteps, t1 = static_cast<float>(s + 1) / kSteps;
      dl->AddRectFilled(ImVec2(q.x + t0 * w, q.y), ImVec2(q.x + t1 * w + 0.5f, q.y + h), to_imu32(diverging_color(t0 + t1 - 1.0f)));
    }
    ImGui::Dummy(ImVec2(w, h));
    const std::string end = scale == FilterScale::shared ? fmt::format("{:.3g}", drawn.max_abs()) : std::string("max|w|");
    const float x0 = ImGui::GetCursorPosX();  // SameLine's offsets are from where the line starts
    ImGui::TextDisabled("-%s", end.c_str());
    ImGui::SameLine(x0 + w * 0.5f - ImGui::CalcTextSize("0").x * 0.5f);
    ImGui::TextDisabled("0");
    ImGui::SameLine(x0 + std::max(0.0f, w - ImGui::CalcTextSize(end.c_str()).x));
    ImGui::TextDisabled("%s", end.c_str());
  }
  ImGui::TextDisabled("%s. Hover a filter: its index and norm.", filter_legend(drawn, scale).c_str());
  if (&drawn != &bank) ImGui::TextDisabled("Drawn: each weight minus its value at frame 0.");
  ImGui::PopTextWrapPos();
}

}  // namespace epochscope::ui
