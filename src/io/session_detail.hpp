// Internal to io/: the session record reader shared by read_session (whole files) and
// SessionFollower (files still being written). It reads one record at a time from a byte range and
// tells a record that is not all there yet (the range ends inside it: wait for more bytes) from one
// that is there but damaged (bad envelope, checksum, content). Not a public header.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "epochscope/io/session.hpp"

namespace epochscope::io::detail {

enum class RecordStatus {
  complete,    ///< read; `offset` moved past it
  incomplete,  ///< the bytes end inside the record (a writer may still be appending it)
  damaged,     ///< the record is all there but unreadable; `problem` says why
};

struct RecordOutcome {
  RecordStatus status = RecordStatus::complete;
  std::string problem;                ///< incomplete or damaged: one line, no path
  std::string type;                   ///< complete: the record's "type" ("header", "frame", "layout", "selection", "end", ...)
  store::FramePtr frame;              ///< type "frame"
  std::optional<LayoutRecord> layout; ///< type "layout"
  std::vector<store::TrajectoryPoint> trajectory;  ///< type "trajectory"
};

/// Reads the magic string at `offset` (moving past it). Returns false when the bytes end before it
/// does; throws epochscope::Error (message without a path) when the bytes are not the magic.
bool read_magic(const char* data, std::size_t size, std::size_t& offset);

/// Reads one record at `offset`. While `points` is null the record must be the header: it is parsed
/// into `points` and `s` (version, meta), refusing an unknown major version as damaged with the
/// message naming the versions this build reads. After it: frames (their index must be
/// `next_frame`), layouts, selections (format 1.5: applied to s.selections, replacing or removing
/// by name), the end record (sets s.finished), and record types of newer minor versions (skipped).
/// A damaged selection record leaves s.selections as it was. Adds each frame's encoded layer sizes to s.layer_bytes. Never throws for
/// bad bytes.
RecordOutcome read_record(const char* data, std::size_t size, std::size_t& offset,
                          std::shared_ptr<store::PointSet>& points, std::size_t next_frame, Session& s);

}  // namespace epochscope::io::detail
