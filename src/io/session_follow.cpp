#include "epochscope/io/session_follow.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "session_detail.hpp"

namespace epochscope::io {
namespace {

// Bytes read per poll at most: a long session opened mid-run is taken in slices (the rest is read
// by the next polls) so one poll stays short.
constexpr std::size_t kMaxReadPerPoll = std::size_t{64} << 20;

}  // namespace

SessionFollower::SessionFollower(std::filesystem::path path) : path_(std::move(path)) {}

SessionFollower::~SessionFollower() {
  if (fd_ >= 0) ::close(fd_);
}

void SessionFollower::reset() {
  offset_ = 0;
  buffer_.clear();
  magic_ = false;
  stale_ = true;
  points_.reset();
  session_ = Session{};
  frames_ = 0;
  damage_.clear();
}

bool SessionFollower::open_file() {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    throw Error(path_.string() + ": cannot open (" + std::strerror(errno) + ")");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(path_.string() + ": not a regular file");
  }
  fd_ = fd;
  inode_ = st.st_ino;
  device_ = st.st_dev;
  return true;
}

FollowUpdate SessionFollower::poll(std::size_t max_frames) {
  FollowUpdate u;
  if (fd_ < 0) {
    if (!open_file()) return u;
  } else {
    // A new file at the path (a new run, or a writer that renames into place): start over on it.
    // A path that vanished keeps the old file (its writer may still be appending).
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0 && (st.st_ino != inode_ || st.st_dev != device_)) {
      ::close(fd_);
      fd_ = -1;
      reset();
      u.restarted = true;
      if (!open_file()) return u;
    }
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw Error(path_.string() + ": cannot stat (" + std::strerror(errno) + ")");
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size < offset_ + buffer_.size()) {  // truncated: the writer started over
    reset();
    u.restarted = true;
  }

  // Read what was appended.
  std::uint64_t end = offset_ + buffer_.size();
  const std::uint64_t want = std::min<std::uint64_t>(size - end, kMaxReadPerPoll);
  if (want > 0) {
    const std::size_t before = buffer_.size();
    buffer_.resize(before + want);
    std::size_t got = 0;
    while (got < want) {
      const ssize_t n = ::pread(fd_, buffer_.data() + before + got, want - got, static_cast<off_t>(end + got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        buffer_.resize(before + got);
        throw Error(path_.string() + ": read error (" + std::strerror(errno) + ")");
      }
      if (n == 0) break;  // shrank meanwhile; the next poll sees it
      got += static_cast<std::size_t>(n);
    }
    buffer_.resize(before + got);
    if (got > 0) stale_ = true;
  }
  if (!damage_.empty()) return u;
  if (!stale_) return u;  // nothing new since a parse that ended waiting for bytes

  // Parse every complete record in the buffer.
  std::size_t pos = 0;
  if (!magic_) {
    try {
      magic_ = detail::read_magic(buffer_.data(), buffer_.size(), pos);
    } catch (const Error&) {
      throw Error(path_.string() + ": not an epochscope session file");
    }
  }
  bool waiting = !magic_;  // the bytes end inside a record: wait for more
  while (magic_ && pos < buffer_.size()) {
    if (points_ && u.frames.size() >= max_frames) break;
    auto r = detail::read_record(buffer_.data(), buffer_.size(), pos, points_, frames_, session_);
    if (r.status == detail::RecordStatus::incomplete) {
      waiting = true;
      break;
    }
    if (r.status == detail::RecordStatus::damaged) {
      if (!points_) throw Error(path_.string() + ": " + r.problem);
      damage_ = path_.string() + ": damaged record at byte " + std::to_string(offset_ + pos) + " after frame " +
                std::to_string(static_cast<long>(frames_) - 1) + " (" + r.problem + "); nothing after it can be read";
      u.damage = damage_;
      break;
    }
    if (r.type == "header") u.header = true;
    if (r.type == "end") u.ended = true;
    if (r.type == "selection") u.selections = true;
    if (r.frame) {
      u.frames.push_back(std::move(r.frame));
      ++frames_;
    }
    if (r.layout) u.layouts.push_back(std::move(*r.layout));
    for (auto& p : r.trajectory) u.trajectory.push_back(std::move(p));
  }
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(pos));
  offset_ += pos;
  // Re-parse on the next poll only when new bytes arrive, unless complete frames were left over.
  stale_ = !waiting && damage_.empty() && !buffer_.empty();
  return u;
}

}  // namespace epochscope::io
