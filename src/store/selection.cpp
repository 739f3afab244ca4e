#include "epochscope/store/selection.hpp"

#include <algorithm>
#include <cmath>

#include "epochscope/core/matrix.hpp"
#include "epochscope/store/layers.hpp"

namespace epochscope::store {

bool plausible_selection_name(std::string_view name) { return plausible_layer_name(name); }

void validate(const NamedSelection& selection, std::size_t point_count) {
  if (!plausible_selection_name(selection.name)) {
    throw Error("implausible selection name (1 to 64 characters, no control characters)");
  }
  const std::string what = "selection '" + selection.name + "': ";
  const auto& p = selection.points;
  if (p.size() > point_count) {
    throw Error(what + std::to_string(p.size()) + " points for a session of " + std::to_string(point_count));
  }
  for (const auto i : p) {
    if (i >= point_count) {
      throw Error(what + "point " + std::to_string(i) + " is out of range (the session has " +
                  std::to_string(point_count) + " points)");
    }
  }
  // Sorting a copy costs the selection's size, not the session's.
  auto sorted = p;
  std::sort(sorted.begin(), sorted.end());
  if (const auto twice = std::adjacent_find(sorted.begin(), sorted.end()); twice != sorted.end()) {
    throw Error(what + "point " + std::to_string(*twice) + " is listed twice");
  }
  if (selection.note.size() > kMaxSelectionNote) {
    throw Error(what + "its note has " + std::to_string(selection.note.size()) + " bytes, more than " +
                std::to_string(kMaxSelectionNote));
  }
  if (!std::isfinite(selection.wall_seconds)) throw Error(what + "wall_seconds is not finite");
}

void put_selection(std::vector<NamedSelection>& list, NamedSelection selection) {
  auto it = std::find_if(list.begin(), list.end(), [&](const NamedSelection& s) { return s.name == selection.name; });
  if (it != list.end()) {
    *it = std::move(selection);
  } else {
    list.push_back(std::move(selection));
  }
}

bool remove_selection(std::vector<NamedSelection>& list, std::string_view name) {
  const auto before = list.size();
  std::erase_if(list, [&](const NamedSelection& s) { return s.name == name; });
  return list.size() != before;
}

const NamedSelection* find_selection(const std::vector<NamedSelection>& list, std::string_view name) {
  auto it = std::find_if(list.begin(), list.end(), [&](const NamedSelection& s) { return s.name == name; });
  return it == list.end() ? nullptr : &*it;
}

}  // namespace epochscope::store
