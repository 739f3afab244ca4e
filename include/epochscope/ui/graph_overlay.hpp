// Contract: what a kNN-graph view adds to its points: the graph's edges as one GL line buffer
// (uploaded when the layout's edge list changes; drawn under the points when edges are on), and for
// the hovered point its edges drawn bright with its neighbours ringed in their class colours, so a
// point that sits among another class shows why. Neighbour lookups go through an Adjacency
// (ui/graph_adjacency.hpp), built once per layout.
#pragma once

#include <imgui.h>

#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "epochscope/render/point_renderer.hpp"
#include "epochscope/store/frame.hpp"
#include "epochscope/ui/graph_adjacency.hpp"
#include "epochscope/ui/palette.hpp"
#include "epochscope/ui/view_transform.hpp"

namespace epochscope::ui {

using EdgeList = std::shared_ptr<const std::vector<std::pair<int, int>>>;

class GraphOverlay {
 public:
  GraphOverlay();
  /// The edges of the layout shown (null: none); uploads them when they changed.
  void set_edges(const EdgeList& edges);
  const render::EdgeBuffer& buffer() const { return *buffer_; }
  /// Emphasises point `hovered`'s edges; xy: the points' positions as the view's camera maps them.
  /// Returns how many edges it drew.
  int draw_hovered(ImDrawList* dl, const store::PointSet& points, std::span<const float> xy, const ViewTransform& camera,
                   const Rect& rect, std::size_t hovered, float point_px, const Theme& theme);

 private:
  std::unique_ptr<render::EdgeBuffer> buffer_;
  EdgeList uploaded_;   ///< the list in the GL buffer
  EdgeList adjacent_;   ///< the list adjacency_ was built from
  Adjacency adjacency_;
};

}  // namespace epochscope::ui
