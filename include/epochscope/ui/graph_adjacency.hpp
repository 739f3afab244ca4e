// Contract: a kNN graph's undirected edge list as each point's neighbours (compressed rows, no ImGui,
// no GL), so a graph view can emphasise the hovered point's edges in microseconds. Edges whose ends
// are out of range are left out; an edge (i, j) lists j among i's neighbours and i among j's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace epochscope::ui {

class Adjacency {
 public:
  /// Rebuilds from `edges` over points [0, n).
  void build(std::span<const std::pair<int, int>> edges, std::size_t n);
  std::size_t size() const { return start_.empty() ? 0 : start_.size() - 1; }
  /// Point i's neighbours, in edge-list order; empty for i out of range.
  std::span<const std::uint32_t> of(std::size_t i) const;

 private:
  std::vector<std::uint32_t> start_, neighbours_;
};

}  // namespace epochscope::ui
