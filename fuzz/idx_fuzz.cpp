// libFuzzer target: the IDX reader (data::parse_idx, what read_idx runs on a file's bytes) on
// arbitrary input, plain or gzipped. The reader must return an array whose dimensions match its
// values or throw a one-line epochscope::Error naming the input; anything else (a crash, another
// exception, ASan/UBSan, an allocation over -malloc_limit_mb) is a finding. `make fuzz` runs it.
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

#include "epochscope/core/matrix.hpp"
#include "epochscope/data/idx.hpp"

namespace {

constexpr const char* kName = "fuzz-input.idx";

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "idx_fuzz: %s\n", what.c_str());
  __builtin_trap();
}

void check_error(const epochscope::Error& e) {
  const std::string msg = e.what();
  if (msg.rfind(std::string(kName) + ": ", 0) != 0) finding("error does not name the input: " + msg);
  if (msg.find('\n') != std::string::npos) finding("error is not one line: " + msg);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  // Any rank, then the two ranks the dataset loader asks for.
  for (const int rank : {-1, 1, 3}) {
    try {
      const auto a = epochscope::data::parse_idx(bytes, kName, {.expected_rank = rank});
      std::uint64_t count = 1;
      for (const auto d : a.dims) count *= d;
      if (a.dims.empty() || a.dims.size() > 4 || count != a.values.size()) finding("dimensions do not match the values");
      if (rank >= 0 && a.dims.size() != static_cast<std::size_t>(rank)) finding("rank not enforced");
      if (a.values.size() > size * 1032 + 64) finding("more values than the input can hold");
    } catch (const epochscope::Error& e) {
      check_error(e);
    }
  }
  return 0;
}
