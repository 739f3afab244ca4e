#include "epochscope/data/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <string>

#include "epochscope/core/matrix.hpp"

namespace epochscope::data {
namespace {

constexpr std::uint8_t kTypeUnsignedByte = 0x08;
// A deflate stream expands by at most 1032:1.
constexpr std::uint64_t kMaxDeflateRatio = 1032;
// The magic, the type, the rank and at most 4 dimensions.
constexpr std::size_t kMaxHeader = 4 + 4 * 4;

[[noreturn]] void fail(std::string_view name, const std::string& problem) {
  throw Error(std::string(name) + ": " + problem);
}

std::string hex_byte(std::uint8_t b) {
  const char* digits = "0123456789abcdef";
  return std::string("0x") + digits[b >> 4] + digits[b & 0xf];
}

bool is_gzip(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Inflates the gzip stream `in` into `out` (at most out_size bytes). Returns the number of bytes
// produced; stops early at the end of the stream and reports extra data beyond `out`.
std::size_t inflate_into(std::string_view name, std::span<const std::uint8_t> in, std::uint8_t* out,
                         std::size_t out_size, bool* has_more) {
  if (in.size() > std::numeric_limits<uInt>::max() || out_size > std::numeric_limits<uInt>::max()) {
    fail(name, "gzip stream too large");
  }
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) fail(name, "cannot initialise zlib");
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out;
  zs.avail_out = static_cast<uInt>(out_size);
  int rc = inflate(&zs, Z_FINISH);
  const std::size_t produced = out_size - zs.avail_out;
  *has_more = false;
  if (rc == Z_BUF_ERROR && zs.avail_out == 0) {
    // Output full but the stream goes on: check for surplus bytes.
    std::uint8_t probe = 0;
    zs.next_out = &probe;
    zs.avail_out = 1;
    rc = inflate(&zs, Z_FINISH);
    *has_more = zs.avail_out == 0;
  }
  const std::string message = zs.msg != nullptr ? zs.msg : "zlib error";
  inflateEnd(&zs);
  if (rc != Z_STREAM_END && rc != Z_BUF_ERROR && rc != Z_OK) fail(name, "corrupt gzip stream (" + message + ")");
  return produced;
}

}  // namespace

IdxArray read_idx(const std::filesystem::path& path, const IdxReadOptions& options) {
  const std::string name = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail(name, "no such file");
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(name, "cannot open file");
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::streamoff>(in.tellg());
  if (size < 0) fail(name, "cannot read file size");
  // Neither a plain nor a gzipped IDX file is longer than its payload plus the header (deflate's
  // worst case adds 5 bytes per 16 KiB block): refuse a bigger file before reading it.
  const std::uint64_t max_file = options.max_bytes + std::min<std::uint64_t>(options.max_bytes / 1024 + 4096, ~options.max_bytes);
  if (static_cast<std::uint64_t>(size) > max_file) {
    fail(name, "file of " + std::to_string(size) + " bytes is larger than an IDX file may be (" +
                   std::to_string(options.max_bytes) + " bytes of data)");
  }
  in.seekg(0);
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size)) fail(name, "read error");
  return parse_idx(bytes, name, options);
}

IdxArray parse_idx(std::span<const std::uint8_t> file, std::string_view name, const IdxReadOptions& options) {
  const bool gz = is_gzip(file);

  // The header is at most 4 + 4*4 bytes; read it first.
  std::uint8_t header[kMaxHeader] = {};
  std::size_t header_have = 0;
  if (gz) {
    bool more = false;
    header_have = inflate_into(name, file, header, sizeof(header), &more);
  } else {
    header_have = std::min(file.size(), sizeof(header));
    std::copy_n(file.begin(), header_have, header);
  }
  if (header_have < 4) fail(name, "too short to be an IDX file (" + std::to_string(file.size()) + " bytes)");
  if (header[0] != 0 || header[1] != 0) {
    fail(name, "not an IDX file (bad magic number; expected 0x0000 followed by type and rank)");
  }
  if (header[2] != kTypeUnsignedByte) {
    fail(name, "unsupported IDX element type " + hex_byte(header[2]) + " (only unsigned bytes, 0x08)");
  }
  const int rank = header[3];
  if (rank < 1 || rank > 4) fail(name, "unsupported IDX rank " + std::to_string(rank) + " (expected 1 to 4)");
  if (options.expected_rank >= 0 && rank != options.expected_rank) {
    fail(name, "IDX rank is " + std::to_string(rank) + ", expected " + std::to_string(options.expected_rank) +
                   (options.expected_rank == 1 ? " (labels)" : " (images)"));
  }
  const std::size_t header_size = 4 + 4 * static_cast<std::size_t>(rank);
  if (header_have < header_size) fail(name, "truncated IDX header");

  IdxArray result;
  std::uint64_t count = 1;
  for (int i = 0; i < rank; ++i) {
    const std::uint32_t d = be32(header + 4 + 4 * i);
    result.dims.push_back(d);
    if (d != 0 && count > options.max_bytes / d) {
      fail(name, "absurd IDX dimensions (more than " + std::to_string(options.max_bytes) + " bytes)");
    }
    count *= d;
  }
  const std::uint64_t total = header_size + count;
  if (!gz) {
    if (file.size() < total) {
      fail(name, "truncated: header promises " + std::to_string(total) + " bytes, file has " +
                     std::to_string(file.size()));
    }
    if (file.size() > total) {
      fail(name, "file has " + std::to_string(file.size() - total) + " bytes beyond the IDX data");
    }
    result.values.assign(file.begin() + static_cast<std::ptrdiff_t>(header_size), file.end());
    return result;
  }
  // gzip: the trailer records the uncompressed size modulo 2^32; deflate expands at most 1032:1.
  // Both bound the buffer before it is allocated.
  if (file.size() < 18) fail(name, "truncated gzip stream");
  const std::uint8_t* t = file.data() + file.size() - 4;
  const std::uint32_t isize = std::uint32_t{t[0]} | (std::uint32_t{t[1]} << 8) | (std::uint32_t{t[2]} << 16) |
                              (std::uint32_t{t[3]} << 24);
  if (isize != static_cast<std::uint32_t>(total) || total > file.size() * kMaxDeflateRatio) {
    fail(name, "truncated or inconsistent: IDX header promises " + std::to_string(total) +
                   " bytes but the gzip stream does not hold them");
  }
  result.values.resize(static_cast<std::size_t>(total));
  bool more = false;
  const std::size_t produced = inflate_into(name, file, result.values.data(), result.values.size(), &more);
  if (produced < total) {
    fail(name, "truncated: header promises " + std::to_string(total) + " bytes, gzip stream holds " +
                   std::to_string(produced));
  }
  if (more) fail(name, "gzip stream holds more bytes than the IDX header promises");
  result.values.erase(result.values.begin(), result.values.begin() + static_cast<std::ptrdiff_t>(header_size));
  return result;
}

void write_idx(const std::filesystem::path& path, const IdxArray& array, bool gzip) {
  std::uint64_t count = 1;
  for (auto d : array.dims) count *= d;
  if (array.dims.empty() || array.dims.size() > 4 || count != array.values.size()) {
    fail(path.string(), "IDX dimensions do not match the data");
  }
  std::vector<std::uint8_t> bytes = {0, 0, kTypeUnsignedByte, static_cast<std::uint8_t>(array.dims.size())};
  for (auto d : array.dims) {
    for (int s = 24; s >= 0; s -= 8) bytes.push_back(static_cast<std::uint8_t>(d >> s));
  }
  bytes.insert(bytes.end(), array.values.begin(), array.values.end());
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  const std::string tmp = path.string() + ".tmp";
  if (gzip) {
    gzFile f = gzopen(tmp.c_str(), "wb6");
    if (f == nullptr) fail(path.string(), "cannot open for writing");
    const bool ok = gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size());
    if (gzclose(f) != Z_OK || !ok) fail(path.string(), "write error");
  } else {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) fail(path.string(), "write error");
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace epochscope::data
