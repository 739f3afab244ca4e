#include "epochscope/ui/change_overlay.hpp"

#include "epochscope/ui/change_colours.hpp"
#include "epochscope/ui/style.hpp"

namespace epochscope::ui {

void ChangeOverlay::set_change(const ChangeShares& change, std::size_t points) {
  change_ = change && change->size() == points ? change : nullptr;
  if (change_ && change_ != mean_of_) {  // once per layout, not every frame
    mean_ = mean_change(*change_);
    mean_of_ = change_;
  }
  known_ = static_cast<bool>(change_);
}

void ChangeOverlay::update(const store::PointSet& points, const UiState& state, std::span<const float> positions,
                           int dims) {
  const std::size_t n = points.size();
  const int filter = static_cast<int>(state.filter);
  const bool fresh = !styles_;
  if (fresh) {
    styles_ = std::make_unique<render::PointStyleBuffer>();
    cloud_ = std::make_unique<render::PointCloud>(*styles_);
  }
  if (fresh || change_ != styled_by_ || filter != styled_filter_ || !styled_) {
    const std::span<const float> shares = change_ ? std::span<const float>(*change_) : std::span<const float>();
    const auto c = change_colours(shares, points.heldout, [&](bool heldout) { return state.passes_filter(heldout); });
    std::vector<render::PointStyle> styles(n);
    for (std::size_t i = 0; i < n; ++i) {
      styles[i] = {c.colours[i].r, c.colours[i].g, c.colours[i].b, c.colours[i].a,
                   static_cast<std::uint8_t>(c.hollow[i] != 0 ? render::kFlagHollow : 0), {0, 0, 0}};
    }
    styles_->set_styles(styles);
    styles_->set_order(c.order);  // the most changed on top
    styled_by_ = change_;
    styled_filter_ = filter;
    styled_ = true;
  }
  if (cloud_->size() != n) cloud_->set_positions(positions, dims);
}

void ChangeOverlay::set_positions(std::span<const float> positions, int dims) {
  if (cloud_ && cloud_->size() == positions.size() / static_cast<std::size_t>(dims)) cloud_->set_positions(positions, dims);
}

const render::PointCloud* ChangeOverlay::cloud(std::size_t points) const {
  return cloud_ && cloud_->size() == points ? cloud_.get() : nullptr;
}

void ChangeOverlay::draw_legend(ImDrawList* dl, const Rect& rect, const Theme& th) {
  const float w = 140, h = 8, x0 = rect.min.x + 12, y0 = rect.max.y - 34;
  dl->AddRectFilled(ImVec2(x0 - 6, y0 - 6), ImVec2(x0 + w + 6, y0 + h + 22), to_imu32(th.overlay_bg), 4.0f);
  constexpr int kSteps = 14;
  for (int k = 0; k < kSteps; ++k) {
    const float a = static_cast<float>(k) / kSteps, b = static_cast<float>(k + 1) / kSteps;
    dl->AddRectFilled(ImVec2(x0 + a * w, y0), ImVec2(x0 + b * w + 0.5f, y0 + h), to_imu32(sequential_color(0.5f * (a + b)), 255));
  }
  const ImU32 text = to_imu32(th.text_dim);
  dl->AddText(ImVec2(x0, y0 + h + 3), text, "same");
  const char* right = "all new";
  dl->AddText(ImVec2(x0 + w - ImGui::CalcTextSize(right).x, y0 + h + 3), text, right);
}

}  // namespace epochscope::ui
