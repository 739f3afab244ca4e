// Contract: reading and writing IDX files (the MNIST container format), plain or gzipped.
// The reader validates before it allocates: the magic number, the element type, the rank, every
// dimension, their product against the file's length (for gzip: against the stream's recorded size
// and the most a deflate stream of that length can expand to), and fails with an epochscope::Error
// whose one-line message names the file and the problem. Memory stays within a small multiple of
// what the file holds: a header's claims are checked against the bytes present before anything is
// allocated for them, and a gzipped file only ever gets a buffer for its recorded, checked size.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace epochscope::data {

/// An unsigned-byte IDX array: dims[0] is the number of items.
struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> values;  ///< row-major, size = product of dims
};

struct IdxReadOptions {
  int expected_rank = -1;                        ///< -1 accepts any rank in 1..4
  std::uint64_t max_bytes = 1ull << 31;          ///< refuse payloads larger than this (2 GiB)
};

/// Reads an IDX file of unsigned bytes (type code 0x08), gzipped or not (detected by content).
/// Refuses a file longer than the largest payload options.max_bytes allows before reading it.
IdxArray read_idx(const std::filesystem::path& path, const IdxReadOptions& options = {});

/// The same on bytes already in memory (a file's whole content, gzipped or not); `name` starts every
/// error message in place of the file's path.
IdxArray parse_idx(std::span<const std::uint8_t> bytes, std::string_view name, const IdxReadOptions& options = {});

/// Writes an IDX file of unsigned bytes; gzip-compressed when `gzip` is true.
void write_idx(const std::filesystem::path& path, const IdxArray& array, bool gzip = false);

}  // namespace epochscope::data
