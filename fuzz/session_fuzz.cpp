// libFuzzer target: the session reader (io::read_session) on arbitrary input. The input is handed
// to the real path API through an in-memory file (memfd), twice: as it is, and with every record's
// CRC-32 recomputed (fix_checksums) so that mutations reach the record parsers instead of stopping
// at the checksum. The reader must return a consistent Session (every frame and layout the shape
// the header promises, every frame's filters and parameters within their rules, every selection valid and named
// once, the dropped tail accounted for) or throw a one-line epochscope::Error naming the file;
// anything else (a crash, another exception, ASan/UBSan, an allocation over -malloc_limit_mb) is a
// finding. `make fuzz` runs it.
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "epochscope/core/matrix.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/store/filter_bank.hpp"
#include "epochscope/store/parameters.hpp"
#include "epochscope/store/selection.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "session_fuzz: %s\n", what.c_str());
  __builtin_trap();
}

// An anonymous in-memory file holding `bytes`, reachable by path while the object lives.
class MemFile {
 public:
  explicit MemFile(const Bytes& bytes) : fd_(memfd_create("session_fuzz", MFD_CLOEXEC)) {
    if (fd_ < 0) finding("memfd_create failed");
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t w = ::write(fd_, bytes.data() + done, bytes.size() - done);
      if (w <= 0) finding("cannot write the memfd");
      done += static_cast<std::size_t>(w);
    }
  }
  ~MemFile() { ::close(fd_); }
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_;
};

// Length of the msgpack unsigned integer at p (0 if it is not one).
std::size_t uint_length(std::uint8_t b) {
  if (b <= 0x7f) return 1;
  switch (b) {
    case 0xcc: return 2;
    case 0xcd: return 3;
    case 0xce: return 5;
    case 0xcf: return 9;
    default: return 0;
  }
}

std::uint64_t be(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

// Copies `in`, replacing each leading well-formed record envelope [crc, bin] by one whose crc is the
// bin's CRC-32; from the first thing that is not such an envelope on, copies the bytes as they are.
Bytes fix_checksums(const Bytes& in) {
  Bytes out;
  std::size_t pos = 0;
  // The magic: a msgpack str.
  if (in.empty()) return in;
  std::size_t str_len = 0, str_head = 0;
  if ((in[0] & 0xe0) == 0xa0) {
    str_head = 1;
    str_len = in[0] & 0x1f;
  } else if (in[0] == 0xd9 && in.size() >= 2) {
    str_head = 2;
    str_len = in[1];
  } else {
    return in;
  }
  pos = std::min(in.size(), str_head + str_len);
  out.assign(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(pos));
  while (pos < in.size() && in[pos] == 0x92) {
    std::size_t p = pos + 1;
    if (p >= in.size()) break;
    const std::size_t crc_len = uint_length(in[p]);
    if (crc_len == 0 || p + crc_len >= in.size()) break;
    p += crc_len;
    const std::size_t len_bytes = in[p] == 0xc4 ? 1 : in[p] == 0xc5 ? 2 : in[p] == 0xc6 ? 4 : 0;
    if (len_bytes == 0 || p + 1 + len_bytes > in.size()) break;
    const std::uint64_t body_len = be(&in[p + 1], len_bytes);
    const std::size_t body = p + 1 + len_bytes;
    if (body_len > in.size() - body) break;
    const auto crc = static_cast<std::uint32_t>(crc32(0L, &in[body], static_cast<uInt>(body_len)));
    out.insert(out.end(), {0x92, 0xce, static_cast<std::uint8_t>(crc >> 24), static_cast<std::uint8_t>(crc >> 16),
                           static_cast<std::uint8_t>(crc >> 8), static_cast<std::uint8_t>(crc)});
    out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(p),
               in.begin() + static_cast<std::ptrdiff_t>(body + body_len));
    pos = body + static_cast<std::size_t>(body_len);
  }
  out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(pos), in.end());
  return out;
}

void check(const epochscope::io::Session& s, std::size_t size) {
  if (!s.points) finding("a session without points");
  const auto& ps = *s.points;
  const auto n = static_cast<Eigen::Index>(ps.size());
  if (ps.heldout.size() != ps.size() || ps.source_index.size() != ps.size() ||
      ps.images.size() != ps.size() * ps.image_size()) {
    finding("point set arrays disagree");
  }
  for (const auto l : ps.labels) {
    if (l >= ps.class_names.size()) finding("label out of range");
  }
  for (std::size_t f = 0; f < s.frames.size(); ++f) {
    const auto& frame = *s.frames[f];
    if (frame.index != static_cast<int>(f)) finding("frames out of order");
    if (frame.predicted.size() != ps.size()) finding("predicted classes of the wrong size");
    for (const auto& info : ps.layers) {
      const auto* m = frame.layer(info.name);
      if (m == nullptr || m->rows() != n || m->cols() != info.width) finding("layer of the wrong shape: " + info.name);
    }
    if (const auto problem = epochscope::store::filter_bank_problem(frame.filters); !problem.empty()) {
      finding("filters the reader should have refused: " + problem);
    }
    if (frame.parameters) {
      if (const auto problem = epochscope::store::parameter_snapshot_problem(*frame.parameters); !problem.empty()) {
        finding("parameters the reader should have refused: " + problem);
      }
    }
  }
  for (const auto& l : s.layouts) {
    if (l.positions.rows() != n || l.positions.cols() != l.dims) finding("layout of the wrong shape");
    for (const auto& [a, b] : l.edges) {
      if (a < 0 || b < 0 || a >= n || b >= n) finding("edge out of range");
    }
  }
  for (const auto& sel : s.selections) {
    try {
      epochscope::store::validate(sel, ps.size());
    } catch (const epochscope::Error& e) {
      finding(std::string("a selection the reader should have refused: ") + e.what());
    }
    if (epochscope::store::find_selection(s.selections, sel.name) != &sel) finding("a selection name listed twice");
  }
  if (s.file_bytes != size || s.dropped_bytes > s.file_bytes) finding("byte counts do not add up");
  if (s.warning.empty() != (s.dropped_bytes == 0)) finding("a dropped tail without a warning, or the reverse");
  if (s.warning.find('\n') != std::string::npos) finding("warning is not one line");
}

void read(const Bytes& bytes) {
  const MemFile file(bytes);
  const std::string path = file.path();
  try {
    check(epochscope::io::read_session(path), bytes.size());
  } catch (const epochscope::Error& e) {
    const std::string msg = e.what();
    if (msg.rfind(path + ": ", 0) != 0) finding("error does not name the file: " + msg);
    if (msg.find('\n') != std::string::npos) finding("error is not one line: " + msg);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Bytes bytes(data, data + size);
  read(bytes);
  const Bytes fixed = fix_checksums(bytes);
  if (fixed != bytes) read(fixed);
  return 0;
}
