// Contract: the session file (schema in docs/session-format.md). A session is written while
// training runs: the header first, then each frame appended and flushed as soon as it is
// published, so a killed process loses at most the frame in progress. Reading loads every complete
// record, drops a damaged tail and says how many bytes it dropped; a file that is not a session, or
// of an unknown major version, is refused with a one-line epochscope::Error.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "epochscope/store/epoch_store.hpp"
#include "epochscope/store/frame.hpp"
#include "epochscope/store/layout_record.hpp"
#include "epochscope/store/selection.hpp"

namespace epochscope::io {

inline constexpr int kFormatMajor = 1;
inline constexpr int kFormatMinor = 7;  ///< 1.1 added the optional end record, 1.2 the trajectory record,
                                        ///< 1.3 layer kinds and depth order, 1.4 colour images,
                                        ///< sessions without images and texts per point,
                                        ///< 1.5 named selections, 1.6 the first
                                        ///< convolution's filters in each frame, 1.7 the
                                        ///< network's full parameter vector in each frame
inline constexpr const char* kMagic = "epochscope-session";
/// The writer stores filter weights (1.6) as q16 when every weight is then within this of its value,
/// else as f32 (lossless).
inline constexpr float kFilterMaxError = 1e-5f;
/// The writer stores a frame's parameters (1.7) as q16 (one offset and step for the whole vector)
/// when every value is then within this of its value (values spanning at most 2.62), else as f32.
inline constexpr float kParameterMaxError = 1e-5f;

/// Free-form facts about how the session was made (training options, tool version).
using SessionMeta = std::map<std::string, std::string>;

/// One cached layout of one frame (store/layout_record.hpp).
using LayoutRecord = store::LayoutRecord;

/// Where one frame record lies in a session file (to read it back alone).
struct FrameLocation {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

/// Thread-safe: frames and layouts may be appended from different threads.
class SessionWriter {
 public:
  /// Writes the header to `path`.partial and renames it to `path` once complete (replacing a file
  /// there only then), so `path` never holds a partial header. Throws epochscope::Error if it cannot.
  SessionWriter(const std::filesystem::path& path, const store::PointSet& points, const SessionMeta& meta);
  ~SessionWriter();
  /// Appends layout and selection records to a session another writer finished (its end record
  /// written; the format lets only those follow it), so layouts computed and selections saved when a
  /// saved session is opened are there the next time. The caller checks that the file was read whole
  /// and finished, and passes its point count (Session::points->size()) to append selections: the
  /// writer checks their indices against it, and without it append_selection refuses, since one bad
  /// index would make that record and every record after it unreadable. Throws epochscope::Error
  /// when the file cannot be opened for appending (read-only, gone).
  static std::unique_ptr<SessionWriter> append_layouts_to(const std::filesystem::path& path,
                                                          std::optional<std::size_t> point_count = std::nullopt);
  SessionWriter(const SessionWriter&) = delete;
  SessionWriter& operator=(const SessionWriter&) = delete;

  /// Encodes, appends and flushes one frame (with its filters, format 1.6, and its parameters, 1.7,
  /// when it has them); returns where its record lies. Throws epochscope::Error on a write failure,
  /// or, having written nothing, for filters that break store::filter_bank_problem's rules or
  /// parameters that break store::parameter_snapshot_problem's; what was written before stays readable.
  FrameLocation append(const store::Frame& frame);

  /// Appends and flushes one final layout (format 1.0 readers that predate layouts skip it).
  void append_layout(const LayoutRecord& layout);

  /// Appends parameter-space snapshots (the trajectory since the last call; format 1.2, readers
  /// before it skip the record). Nothing is written for an empty list.
  void append_trajectory(const std::vector<store::TrajectoryPoint>& points);

  /// Appends and flushes one named selection (format 1.5; older readers skip it). Read back, it
  /// replaces an earlier selection of the same name in its place. Throws epochscope::Error, having
  /// written nothing, when store::validate refuses it for the session's point count or the writer
  /// does not know that count (append_layouts_to without one); on a write failure as append does.
  void append_selection(const store::NamedSelection& selection);

  /// Appends the record that removes the selection named `name` (format 1.5: an empty `points` and
  /// `"deleted": true`); a name no selection has is removed from nothing. Throws epochscope::Error
  /// for an implausible name, or on a write failure.
  void append_selection_deletion(const std::string& name);

  /// Appends the end record: the writer is done, `frames` frames were written, `reason` says why
  /// ("finished", "stopped", ...). Followers stop waiting when they read it. Optional: a session
  /// without one (a killed writer, format 1.0) is just as readable. Throws epochscope::Error.
  void finish(std::size_t frames, const std::string& reason);

  const std::filesystem::path& path() const { return path_; }
  std::uint64_t bytes_written() const { return bytes_.load(); }
  /// Encoded size of the last appended frame per layer, in bytes.
  const std::map<std::string, std::uint64_t>& last_layer_bytes() const { return last_layer_bytes_; }
  /// Encoded size of the last appended frame's filters (1.6), in bytes; 0 when it had none.
  std::uint64_t last_filter_bytes() const { return last_filter_bytes_; }
  /// Encoded size of the last appended frame's parameters (1.7), in bytes; 0 when it had none.
  std::uint64_t last_parameter_bytes() const { return last_parameter_bytes_; }

 private:
  SessionWriter() = default;
  void write_header(const store::PointSet& points, const SessionMeta& meta);
  FrameLocation write_record(const std::vector<char>& payload);
  std::mutex mutex_;
  std::filesystem::path path_;
  std::optional<std::size_t> point_count_;  ///< the session's points; unknown to append_layouts_to without it
  int fd_ = -1;
  std::atomic<std::uint64_t> bytes_{0};
  std::map<std::string, std::uint64_t> last_layer_bytes_;
  std::uint64_t last_filter_bytes_ = 0;
  std::uint64_t last_parameter_bytes_ = 0;
};

struct Session {
  int version_major = kFormatMajor;
  int version_minor = kFormatMinor;
  std::shared_ptr<const store::PointSet> points;
  std::vector<store::FramePtr> frames;
  std::vector<FrameLocation> frame_locations;  ///< one per frame: where to read it back from
  std::vector<LayoutRecord> layouts;  ///< cached layouts, in the order they were written
  std::vector<store::TrajectoryPoint> trajectory;  ///< parameter-space snapshots, in step order
  /// Named selections (format 1.5), in the order their names first appeared, each as its latest
  /// record left it; a deleted name is gone (and a name saved again after that counts as new).
  std::vector<store::NamedSelection> selections;
  SessionMeta meta;
  std::uint64_t file_bytes = 0;
  std::map<std::string, std::uint64_t> layer_bytes;  ///< encoded bytes per layer, summed over the frames
  std::uint64_t filter_bytes = 0;   ///< encoded bytes of the frames' filters (1.6), summed over the frames
  std::uint64_t parameter_bytes = 0;  ///< encoded bytes of the frames' parameters (1.7), summed over the frames
  std::uint64_t dropped_bytes = 0;  ///< bytes of a damaged or truncated tail that were not loaded
  std::string warning;              ///< empty, or one line saying what was dropped and why
  bool finished = false;            ///< the writer appended the end record (format 1.1)
  std::string end_reason;           ///< the end record's reason ("finished", "stopped", ...)
};

/// Reads a whole session. Throws epochscope::Error if the file is not a readable session.
Session read_session(const std::filesystem::path& path);

/// Reads single frames back from a session file by their location: what an EpochStore's loader
/// uses once it has let go of a frame's layers. Thread-safe.
class FrameReader {
 public:
  FrameReader(std::filesystem::path path, std::shared_ptr<const store::PointSet> points);
  /// Frame `index` is at `where` (from SessionWriter::append or Session::frame_locations).
  void add(std::size_t index, FrameLocation where);
  /// Reads frame `index` whole. Throws epochscope::Error (naming the file) if it is not known, the
  /// file cannot be read, or the record there is not that frame.
  store::FramePtr read(std::size_t index) const;

 private:
  std::filesystem::path path_;
  std::shared_ptr<const store::PointSet> points_;
  mutable std::mutex mutex_;
  std::vector<FrameLocation> locations_;  ///< size 0 = unknown
};

/// Called with each frame's index and location once it is written and flushed.
using OnFrameSaved = std::function<void(std::size_t index, FrameLocation where)>;

/// Lets `store` let go of frames once they are in the session file at `path` (read back from there
/// on demand, see store::MemoryOptions): sets the store's loader and returns what to call as each
/// frame is saved. The returned callback holds the store weakly.
OnFrameSaved evict_when_saved(const std::shared_ptr<store::EpochStore>& store, const std::filesystem::path& path);

}  // namespace epochscope::io
