// Test helper for the io tests that write session records by hand, as another writer might: the
// record framing ([crc, bin(payload)]) and an encoded matrix as the format stores it. Needs msgpack
// (MSGPACK_NO_BOOST) and zlib.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>

#include <msgpack.hpp>

#include "epochscope/io/codec.hpp"

namespace epochscope::testing {

using Packer = msgpack::packer<msgpack::sbuffer>;

/// A raw record [crc, bin(payload)], framed as the writer frames them.
inline std::string raw_record(const msgpack::sbuffer& payload) {
  msgpack::sbuffer buf;
  Packer pk(buf);
  pk.pack_array(2);
  pk.pack(static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()))));
  pk.pack_bin(static_cast<std::uint32_t>(payload.size()));
  pk.pack_bin_body(payload.data(), static_cast<std::uint32_t>(payload.size()));
  return {buf.data(), buf.size()};
}

inline void pack_bytes(Packer& pk, const void* data, std::size_t size) {
  pk.pack_bin(static_cast<std::uint32_t>(size));
  if (size > 0) pk.pack_bin_body(static_cast<const char*>(data), static_cast<std::uint32_t>(size));
}

/// An encoded matrix as the session format stores it (a map of enc, rows, cols, [lo, step,] data).
inline void pack_encoded(Packer& pk, const io::EncodedMatrix& e) {
  pk.pack_map(e.encoding == "q16" ? 6 : 4);
  pk.pack(std::string("enc")); pk.pack(e.encoding);
  pk.pack(std::string("rows")); pk.pack(e.rows);
  pk.pack(std::string("cols")); pk.pack(e.cols);
  if (e.encoding == "q16") {
    pk.pack(std::string("lo")); pack_bytes(pk, e.lo.data(), e.lo.size() * 4);
    pk.pack(std::string("step")); pack_bytes(pk, e.step.data(), e.step.size() * 4);
  }
  pk.pack(std::string("data")); pack_bytes(pk, e.data.data(), e.data.size());
}

}  // namespace epochscope::testing
