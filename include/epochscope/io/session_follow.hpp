// Contract: reading a session file while another process is still appending to it (a training run
// elsewhere), as TensorBoard reads a log directory. poll() never waits: it reads the bytes appended
// since the last call and returns the records they complete, remembering the byte offset after the
// last complete record. A record the writer has only partly written stays pending, never reported
// as damage, until its last byte lands. The file may not exist yet (poll() finds nothing), may end
// with the writer's end record (ended()), or may be truncated or replaced by a new run (the update
// says `restarted` and the follower starts over on the new file). The version rules are
// read_session's: any minor version of the known major is read (unknown fields and record types
// skipped), an unknown major is refused naming the versions this build reads.
// Not thread-safe: one thread polls (any thread; it owns the follower).
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "epochscope/io/session.hpp"

namespace epochscope::io {

/// What one poll() found, in file order.
struct FollowUpdate {
  bool restarted = false;  ///< the file shrank or was replaced: what was read before is void
  bool header = false;     ///< the header was read in this poll (points() is set from now on)
  std::vector<store::FramePtr> frames;  ///< new complete frames, index order, none skipped
  std::vector<LayoutRecord> layouts;    ///< new cached layouts
  std::vector<store::TrajectoryPoint> trajectory;  ///< new parameter-space snapshots (format 1.2)
  bool selections = false; ///< selection records were read in this poll (format 1.5): see selections()
  bool ended = false;      ///< the writer's end record was read in this poll
  std::string damage;      ///< set once: a complete record is unreadable; nothing after it is read

  bool empty() const {
    return !restarted && !header && frames.empty() && layouts.empty() && trajectory.empty() && !selections && !ended &&
           damage.empty();
  }
};

class SessionFollower {
 public:
  explicit SessionFollower(std::filesystem::path path);
  ~SessionFollower();
  SessionFollower(const SessionFollower&) = delete;
  SessionFollower& operator=(const SessionFollower&) = delete;

  /// Reads what was appended since the last call and returns the records it completes, at most
  /// `max_frames` frames (later ones wait for the next call; 0 reads just the header). Throws
  /// epochscope::Error naming the file when it is not a session, its header is damaged, or its
  /// major version is unknown (the update of a restart can throw the same for the new file).
  FollowUpdate poll(std::size_t max_frames = std::numeric_limits<std::size_t>::max());

  const std::filesystem::path& path() const { return path_; }
  bool exists() const { return fd_ >= 0; }                      ///< the file has been opened
  std::shared_ptr<const store::PointSet> points() const { return points_; }  ///< null until the header
  int version_major() const { return session_.version_major; }
  int version_minor() const { return session_.version_minor; }
  const SessionMeta& meta() const { return session_.meta; }
  std::size_t frames() const { return frames_; }                ///< frames returned so far
  std::uint64_t offset() const { return offset_; }              ///< bytes of complete records read
  std::uint64_t pending_bytes() const { return buffer_.size(); } ///< read bytes of records not yet returned
  bool ended() const { return session_.finished; }              ///< the writer said it is done
  const std::string& end_reason() const { return session_.end_reason; }
  /// The named selections read so far, as read_session would give them for the bytes read (format 1.5).
  const std::vector<store::NamedSelection>& selections() const { return session_.selections; }
  const std::string& damage() const { return damage_; }         ///< empty unless a record is damaged

 private:
  void reset();
  bool open_file();  ///< false while the file does not exist
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t inode_ = 0, device_ = 0;
  std::uint64_t offset_ = 0;       ///< file offset of buffer_[0]
  std::vector<char> buffer_;       ///< bytes from offset_ to what was read, not yet consumed
  bool magic_ = false;             ///< the magic string was read
  bool stale_ = true;              ///< new bytes arrived since the last parse
  std::shared_ptr<store::PointSet> points_;
  Session session_;                ///< version, meta, selections, end record (frames are not kept)
  std::size_t frames_ = 0;
  std::string damage_;
};

}  // namespace epochscope::io
