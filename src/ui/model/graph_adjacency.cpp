#include "epochscope/ui/graph_adjacency.hpp"

namespace epochscope::ui {

void Adjacency::build(std::span<const std::pair<int, int>> edges, std::size_t n) {
  const auto valid = [n](const std::pair<int, int>& e) {
    return e.first >= 0 && e.second >= 0 && static_cast<std::size_t>(e.first) < n && static_cast<std::size_t>(e.second) < n;
  };
  start_.assign(n + 1, 0);
  for (const auto& e : edges) {
    if (!valid(e)) continue;
    ++start_[static_cast<std::size_t>(e.first) + 1];
    ++start_[static_cast<std::size_t>(e.second) + 1];
  }
  for (std::size_t i = 0; i < n; ++i) start_[i + 1] += start_[i];
  neighbours_.assign(start_[n], 0);
  std::vector<std::uint32_t> fill(start_.begin(), start_.end() - 1);
  for (const auto& [a, b] : edges) {
    if (!valid({a, b})) continue;
    neighbours_[fill[static_cast<std::size_t>(a)]++] = static_cast<std::uint32_t>(b);
    neighbours_[fill[static_cast<std::size_t>(b)]++] = static_cast<std::uint32_t>(a);
  }
}

std::span<const std::uint32_t> Adjacency::of(std::size_t i) const {
  if (i + 1 >= start_.size()) return {};
  return std::span<const std::uint32_t>(neighbours_).subspan(start_[i], start_[i + 1] - start_[i]);
}

}  // namespace epochscope::ui
