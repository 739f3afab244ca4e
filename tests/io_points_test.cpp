// The session format's tracked points in 1.4: colour images, sessions without images, a text per
// point; what the writer writes reads back, and what breaks the rules is refused with a reason.
#include <gtest/gtest.h>

#include <random>

#include "epochscope/io/codec.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/store/layers.hpp"
#include "test_util.hpp"

using namespace epochscope;
using epochscope::testing::scratch_dir;
using epochscope::testing::synthetic_frame;
using epochscope::testing::synthetic_points;

namespace {

std::filesystem::path write_session(const std::filesystem::path& path, const store::PointSet& ps) {
  io::SessionWriter w(path, ps, {});
  w.append(synthetic_frame(ps, 0));
  return path;
}

store::PointSet colour_points(std::size_t n, int side) {
  auto ps = synthetic_points(n);
  ps.height = ps.width = side;
  ps.channels = 3;
  std::mt19937 rng(5);
  ps.images.resize(n * ps.image_size());
  for (auto& b : ps.images) b = static_cast<std::uint8_t>(rng() & 0xff);
  return ps;
}

std::vector<std::string> some_texts(std::size_t n) {
  std::vector<std::string> t;
  for (std::size_t i = 0; i < n; ++i) t.push_back(i % 3 == 0 ? "" : "point " + std::to_string(i) + " \xc3\xa9t\xc3\xa9 \xe2\x9c\x93");
  return t;
}

std::string refusal(const std::filesystem::path& p) {
  try {
    io::read_session(p);
  } catch (const Error& e) {
    return e.what();
  }
  return "(read without complaint)";
}

}  // namespace

TEST(SessionPoints, ColourImagesAndTextsRoundTrip) {
  const auto dir = scratch_dir();
  auto ps = colour_points(30, 16);
  ps.texts = some_texts(30);
  const auto s = io::read_session(write_session(dir / "rgb.epochscope", ps));
  EXPECT_EQ(s.version_minor, 4);
  EXPECT_EQ(s.points->channels, 3);
  EXPECT_EQ(s.points->height, 16);
  EXPECT_EQ(s.points->images, ps.images);
  EXPECT_EQ(s.points->texts, ps.texts);
  // The input layer is every byte of an image: 16 x 16 x 3 values, RGB interleaved.
  EXPECT_EQ(store::input_layer_info(*s.points).width, 768);
  EXPECT_EQ(store::layer_label(*s.points, "input"), "input (768 values, RGB)");
  EXPECT_EQ(store::layer_choices(*s.points).front(), "input");
}

TEST(SessionPoints, TextsWithoutImagesHaveNoInputLayer) {
  const auto dir = scratch_dir();
  auto ps = synthetic_points(12);
  ps.channels = 0;
  ps.height = ps.width = 0;
  ps.images.clear();
  ps.texts = some_texts(12);
  const auto s = io::read_session(write_session(dir / "texts.epochscope", ps));
  EXPECT_FALSE(s.points->has_images());
  EXPECT_EQ(s.points->texts, ps.texts);
  const auto choices = store::layer_choices(*s.points);
  EXPECT_EQ(std::count(choices.begin(), choices.end(), "input"), 0);
  EXPECT_FALSE(store::is_layer_name("input", s.points.get()));
  EXPECT_THROW(store::require_layer(*s.points, "input"), Error);
  // Grey files written before 1.4 have no `image_channels`: one channel (the other tests' sessions).
  const auto grey = io::read_session(write_session(dir / "grey.epochscope", synthetic_points(5)));
  EXPECT_EQ(grey.points->channels, 1);
  EXPECT_FALSE(grey.points->has_texts());
}

TEST(SessionPoints, BrokenImageKindsAndTextsAreRefused) {
  const auto dir = scratch_dir();
  auto two = synthetic_points(4);
  two.channels = 2;
  two.images.resize(4 * two.image_size());
  EXPECT_NE(refusal(write_session(dir / "two", two)).find("image_channels is 2"), std::string::npos);
  const auto big = colour_points(2, 65);
  EXPECT_NE(refusal(write_session(dir / "big", big)).find("at most 64 x 64"), std::string::npos);
  auto sized = synthetic_points(3);
  sized.channels = 0;
  sized.images.clear();
  EXPECT_NE(refusal(write_session(dir / "sized", sized)).find("image size 0 x 0"), std::string::npos);
  // The writer refuses texts that do not match the points, or that the format cannot hold.
  auto few = synthetic_points(3);
  few.texts = {"a", "b"};
  EXPECT_THROW(write_session(dir / "few", few), Error);
  few.texts = {"a", std::string(1001, 'x'), "c"};
  EXPECT_THROW(write_session(dir / "long", few), Error);
  few.texts = {"a", std::string("b\0c", 3), "c"};
  EXPECT_THROW(write_session(dir / "nul", few), Error);
  // The reader checks the count, the terminators and the lengths.
  const auto packed = io::pack_texts({"one", "two"});
  EXPECT_EQ(io::unpack_texts(packed, 2), (std::vector<std::string>{"one", "two"}));
  EXPECT_THROW(io::unpack_texts(packed, 3), Error);
  EXPECT_THROW(io::unpack_texts(packed, 1), Error);
  const std::string unterminated = "one";
  const auto raw = io::deflate_bytes(reinterpret_cast<const std::uint8_t*>(unterminated.data()), unterminated.size());
  EXPECT_THROW(io::unpack_texts(raw, 1), Error);
  const std::string too_long(1001, 'x');
  const auto long_one = io::deflate_bytes(reinterpret_cast<const std::uint8_t*>((too_long + '\0').data()), too_long.size() + 1);
  EXPECT_THROW(io::unpack_texts(long_one, 1), Error);
  EXPECT_THROW(io::unpack_texts({1, 2, 3, 4, 5, 6, 7, 8, 9}, 1), Error);
}
