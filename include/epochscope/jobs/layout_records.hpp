// Contract: the pool's final layouts as the session file's layout records (store/layout_record.hpp) and back, so a session
// saves what the window computed and reopening it does not compute it again.
//   to_record(key, result): a record of a final layout (throws epochscope::Error on a layout that
//     is not final or has no positions).
//   from_record(record, points): the key and result, or nullopt (with `why` set) for a record that
//     cannot be used: an unknown method or layer, dims other than 2 or 3, a row count that is not
//     the session's point count, non-finite positions, edges out of range.
//   preload_records(pool, records, points, frames): preloads every usable record whose frame exists,
//     per chain in frame order and stopping a chain at its first missing frame (a chain continues
//     from its last preloaded frame); returns how many records were preloaded.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "epochscope/jobs/layout_pool.hpp"
#include "epochscope/store/layout_record.hpp"

namespace epochscope::jobs {

/// Chains whose layouts are saved: every one the pool computes, so a reopened session shows every
/// view at once, but for the pixel explorer (drawn from the data) and PCA of the input (the same in
/// every frame, a fraction of a second, and its component images are not in the record).
bool worth_saving(const LayoutKey& key);

store::LayoutRecord to_record(const LayoutKey& key, const LayoutResult& result);

std::optional<std::pair<LayoutKey, LayoutResult>> from_record(const store::LayoutRecord& record, std::size_t points,
                                                               std::string* why = nullptr);

std::size_t preload_records(LayoutPool& pool, const std::vector<store::LayoutRecord>& records, std::size_t points,
                            std::size_t frames);

}  // namespace epochscope::jobs
