// Contract: a named selection of tracked points, as a user saves it in the window and a session file
// keeps it (format 1.5's selection record, docs/session-format.md). Plain data: the indices are the
// session's point indices (rows of every frame), so a selection means the same points in every frame
// and every view. validate() holds the rules the writer and the reader both apply; a list of
// selections changes only through put_selection() and remove_selection(), which keep each name once
// and the list in the order the names first appeared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace epochscope::store {

/// Longest note a selection may carry, in bytes.
inline constexpr std::size_t kMaxSelectionNote = 1000;

struct NamedSelection {
  std::string name;                   ///< 1 to 64 printable characters (plausible_selection_name)
  std::vector<std::uint32_t> points;  ///< point indices, each < the point count, none twice, any order
  std::string note;                   ///< free text, at most kMaxSelectionNote bytes; may be empty
  double wall_seconds = 0;            ///< when it was saved, seconds since the Unix epoch; 0 = unknown
};

/// A selection name as menus and the file take it: the rule of layer names (store/layers.hpp),
/// 1 to 64 bytes, none of them a control character.
bool plausible_selection_name(std::string_view name);

/// Throws epochscope::Error with a one-line reason unless `selection` is one a session of
/// `point_count` points can hold: a plausible name, every index < point_count and none twice (so at
/// most point_count of them), a note of at most kMaxSelectionNote bytes, a finite wall_seconds.
/// Messages quote the name only once it is known to be plausible.
void validate(const NamedSelection& selection, std::size_t point_count);

/// Adds `selection` to `list`, or replaces the one of the same name where it stands.
void put_selection(std::vector<NamedSelection>& list, NamedSelection selection);

/// Removes the selection named `name` from `list`; false when there was none.
bool remove_selection(std::vector<NamedSelection>& list, std::string_view name);

/// The selection named `name` in `list`, or nullptr.
const NamedSelection* find_selection(const std::vector<NamedSelection>& list, std::string_view name);

}  // namespace epochscope::store
