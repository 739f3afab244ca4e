// Contract: colouring points by how much their neighbourhood in the layer changed since the previous
// frame (no ImGui, no GL): each point's share of new nearest neighbours (0 = the same, 1 = all new)
// on the sequential scale, grey where unknown; the most changed drawn last (on top); points the
// split filter hides left out of the drawing order; held-out points hollow, as everywhere.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "epochscope/ui/palette.hpp"

namespace epochscope::ui {

struct ChangeColours {
  std::vector<Rgba8> colours;        ///< per point
  std::vector<std::uint8_t> hollow;  ///< per point: a held-out point
  std::vector<std::uint32_t> order;  ///< drawing order of the shown points, least changed first
};

/// Sorts point indices by change, least changed first (stable).
void sort_by_change(std::span<const float> change, std::vector<std::uint32_t>& order);

/// change: per point, or empty when unknown (every point grey); heldout: per point; shown(i): whether
/// the split filter shows point i.
template <class Shown>
ChangeColours change_colours(std::span<const float> change, std::span<const std::uint8_t> heldout, Shown shown) {
  ChangeColours out;
  const std::size_t n = heldout.size();
  const bool known = change.size() == n;
  out.colours.resize(n);
  out.hollow.resize(n);
  out.order.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.colours[i] = known ? sequential_color(change[i]) : kDimmed;
    out.hollow[i] = heldout[i] != 0;
    if (shown(heldout[i] != 0)) out.order.push_back(static_cast<std::uint32_t>(i));
  }
  if (known) sort_by_change(change, out.order);
  return out;
}

/// The mean of the shares (0 for none).
double mean_change(std::span<const float> change);

}  // namespace epochscope::ui
