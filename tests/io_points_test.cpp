// The session format's tracked points in 1.4: colour images, sessions without images, a text per
// point; and their named selections in 1.5 (the filters of 1.6: io_filters_test.cpp). What the
// writer writes reads back, and what breaks the rules is refused with a reason.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <functional>
#include <limits>
#include <msgpack.hpp>
#include <random>
#include <tuple>

#include "epochscope/io/codec.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/store/layers.hpp"
#include "epochscope/store/selection.hpp"
#include "session_records.hpp"
#include "test_util.hpp"

using namespace epochscope;
using epochscope::testing::expect_same_frame;
using epochscope::testing::pack_bytes;
using epochscope::testing::pack_encoded;
using epochscope::testing::Packer;
using epochscope::testing::raw_record;
using epochscope::testing::read_bytes;
using epochscope::testing::scratch_dir;
using epochscope::testing::synthetic_frame;
using epochscope::testing::synthetic_points;
using epochscope::testing::write_bytes;

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
  EXPECT_EQ(s.version_minor, io::kFormatMinor);
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

// ---- named selections (1.5) ---------------------------------------------------------------------

namespace {


store::NamedSelection selection(std::string name, std::vector<std::uint32_t> points, std::string note = "",
                                double wall_seconds = 0) {
  return {std::move(name), std::move(points), std::move(note), wall_seconds};
}

void expect_same(const std::vector<store::NamedSelection>& got, const std::vector<store::NamedSelection>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].name, want[i].name) << i;
    EXPECT_EQ(got[i].points, want[i].points) << want[i].name;
    EXPECT_EQ(got[i].note, want[i].note) << want[i].name;
    EXPECT_EQ(got[i].wall_seconds, want[i].wall_seconds) << want[i].name;
  }
}

// A selection record as another writer might write it: `points` as the raw bytes given, then the
// extra fields `more` adds (each a key and its value).
std::string selection_record(const std::string& name, const std::string& points_bytes, int extra = 0,
                             const std::function<void(Packer&)>& more = {}) {
  msgpack::sbuffer payload;
  Packer pk(payload);
  pk.pack_map(static_cast<std::uint32_t>(3 + extra));
  pk.pack(std::string("type")); pk.pack(std::string("selection"));
  pk.pack(std::string("name")); pk.pack(name);
  pk.pack(std::string("points"));
  pk.pack_bin(static_cast<std::uint32_t>(points_bytes.size()));
  if (!points_bytes.empty()) pk.pack_bin_body(points_bytes.data(), static_cast<std::uint32_t>(points_bytes.size()));
  if (more) more(pk);
  return raw_record(payload);
}

std::string le32(std::vector<std::uint32_t> v) {
  return {reinterpret_cast<const char*>(v.data()), v.size() * 4};
}

}  // namespace

TEST(SessionSelections, RoundTripReplaceAndDeleteWithFramesAndLayoutsIntact) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(50);
  io::LayoutRecord l;
  l.method = "pca";
  l.layer = "hidden";
  l.frame = 1;
  l.positions = Matrix::Random(50, 2);
  {
    io::SessionWriter w(dir / "s", ps, {});
    w.append(synthetic_frame(ps, 0));
    w.append_selection(selection("fours", {4, 14, 24}, "all 4s", 1.7e9));
    w.append_selection(selection("outliers", {49, 0}));
    w.append(synthetic_frame(ps, 1));
    w.append_layout(l);
    w.append_selection(selection("empty", {}));
    w.append_selection(selection("fours", {34, 44}, "the held-out 4s \xe2\x9c\x93\nsecond line", 1.8e9));  // replaces in place
    w.append_selection_deletion("outliers");
    w.append_selection_deletion("never saved");  // removes nothing
    w.append_selection(selection("outliers", {1}));  // saved again: now the last
    w.finish(2, "finished");
  }
  const auto s = io::read_session(dir / "s");
  EXPECT_GE(s.version_minor, 5);  // selections came in 1.5
  EXPECT_EQ(s.dropped_bytes, 0u) << s.warning;
  EXPECT_TRUE(s.finished);
  ASSERT_EQ(s.frames.size(), 2u);
  expect_same_frame(synthetic_frame(ps, 1), *s.frames[1], 1e-3f);
  ASSERT_EQ(s.layouts.size(), 1u);
  EXPECT_EQ(s.layouts[0].method, "pca");
  expect_same(s.selections, {selection("fours", {34, 44}, "the held-out 4s \xe2\x9c\x93\nsecond line", 1.8e9),
                             selection("empty", {}), selection("outliers", {1})});
  // Frames still read back alone from where they lie.
  io::FrameReader reader(dir / "s", s.points);
  reader.add(1, s.frame_locations[1]);
  expect_same_frame(*s.frames[1], *reader.read(1), 0.f);

  // The list helpers the reader applies.
  auto list = s.selections;
  EXPECT_TRUE(store::remove_selection(list, "empty"));
  EXPECT_FALSE(store::remove_selection(list, "empty"));
  ASSERT_NE(store::find_selection(list, "outliers"), nullptr);
  EXPECT_EQ(store::find_selection(list, "outliers")->points, (std::vector<std::uint32_t>{1}));
  EXPECT_EQ(store::find_selection(list, "nope"), nullptr);
}

TEST(SessionSelections, AppendedToAFinishedFileWithTheLayouts) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(30);
  {
    io::SessionWriter w(dir / "s", ps, {});
    w.append(synthetic_frame(ps, 0));
    w.append_selection(selection("first", {1, 2, 3}));
    w.append_selection(selection("gone", {5}));
    w.finish(1, "finished");
  }
  const auto before = io::read_session(dir / "s");
  ASSERT_TRUE(before.finished);
  ASSERT_EQ(before.dropped_bytes, 0u);
  const auto size_before = std::filesystem::file_size(dir / "s");
  {  // The layouts' writer without the point count cannot check indices, so it writes no selection.
    auto w = io::SessionWriter::append_layouts_to(dir / "s");
    try {
      w->append_selection(selection("x", {0}));
      ADD_FAILURE() << "appended a selection it could not check";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("point count"), std::string::npos) << e.what();
    }
    EXPECT_EQ(std::filesystem::file_size(dir / "s"), size_before);
    w->append_selection_deletion("gone");  // a deletion needs no indices
  }
  {
    auto w = io::SessionWriter::append_layouts_to(dir / "s", before.points->size());
    io::LayoutRecord l;
    l.method = "pca";
    l.layer = "output";
    l.positions = Matrix::Random(30, 2);
    w->append_layout(l);
    w->append_selection(selection("later", {29, 0, 15}, "made after training", 2e9));
    w->append_selection(selection("first", {7}));
    EXPECT_THROW(w->append_selection(selection("far", {30})), Error);  // 30 points: 0..29
  }
  const auto s = io::read_session(dir / "s");
  EXPECT_EQ(s.dropped_bytes, 0u) << s.warning;
  EXPECT_TRUE(s.finished);
  EXPECT_EQ(s.frames.size(), 1u);
  EXPECT_EQ(s.layouts.size(), 1u);
  expect_same(s.selections, {selection("first", {7}), selection("later", {29, 0, 15}, "made after training", 2e9)});
}

TEST(SessionSelections, TheWriterRefusesWhatTheFormatCannotHold) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(10);
  io::SessionWriter w(dir / "s", ps, {});
  const auto bytes = w.bytes_written();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& [sel, why] : std::vector<std::pair<store::NamedSelection, std::string>>{
           {selection("", {1}), "implausible selection name"},
           {selection(std::string(65, 'n'), {1}), "implausible selection name"},
           {selection("two\nlines", {1}), "implausible selection name"},
           {selection("far", {3, 10}), "selection 'far': point 10 is out of range (the session has 10 points)"},
           {selection("twice", {3, 4, 3}), "selection 'twice': point 3 is listed twice"},
           {selection("many", std::vector<std::uint32_t>(11, 0)), "selection 'many': 11 points for a session of 10"},
           {selection("long", {1}, std::string(1001, 'x')), "selection 'long': its note has 1001 bytes, more than 1000"},
           {selection("when", {1}, "", nan), "selection 'when': wall_seconds is not finite"}}) {
    try {
      w.append_selection(sel);
      ADD_FAILURE() << "wrote " << sel.name;
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(why), std::string::npos) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
  }
  EXPECT_THROW(w.append_selection_deletion(""), Error);
  EXPECT_EQ(w.bytes_written(), bytes);
  // The longest name and note the format takes, and every point, are fine.
  EXPECT_NO_THROW(store::validate(selection(std::string(64, 'n'), {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}, std::string(1000, 'x')), 10));
}

TEST(SessionSelections, DamagedRecordsAreDroppedWithTheReason) {
  const auto dir = scratch_dir();
  const auto ps = synthetic_points(10);
  {
    io::SessionWriter w(dir / "base", ps, {});
    w.append(synthetic_frame(ps, 0));
    w.append_selection(selection("kept", {2, 3}));
  }
  const std::string good = read_bytes(dir / "base");
  // Another writer's record: no note, no wall_seconds, is read as well.
  write_bytes(dir / "foreign", good + selection_record("foreign", le32({9, 0})));
  const auto foreign = io::read_session(dir / "foreign");
  EXPECT_EQ(foreign.dropped_bytes, 0u) << foreign.warning;
  expect_same(foreign.selections, {selection("kept", {2, 3}), selection("foreign", {9, 0})});

  auto field = [](const char* key, auto value) {
    return [key, value](Packer& pk) {
      pk.pack(std::string(key));
      pk.pack(value);
    };
  };
  const std::string after = selection_record("after", le32({1}));  // fine, but behind the damage
  for (const auto& [file, record, why] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"empty-name", selection_record("", le32({1})), "implausible selection name"},
           {"long-name", selection_record(std::string(65, 'n'), le32({1})), "implausible selection name"},
           {"control-name", selection_record("a\x01" "b", le32({1})), "implausible selection name"},
           {"ragged", selection_record("ragged", le32({1}).substr(0, 3)), "selection 'ragged': 'points' holds 3 bytes"},
           {"far", selection_record("far", le32({1, 10})), "selection 'far': point 10 is out of range"},
           {"huge-index", selection_record("huge", le32({0xffffffffu})), "point 4294967295 is out of range"},
           {"twice", selection_record("twice", le32({5, 1, 5})), "selection 'twice': point 5 is listed twice"},
           {"too-many", selection_record("many", le32(std::vector<std::uint32_t>(11, 1))), "11 points for a session of 10"},
           {"long-note", selection_record("note", le32({1}), 1, field("note", std::string(1001, 'x'))), "note has 1001 bytes"},
           {"nan-time", selection_record("when", le32({1}), 1, field("wall_seconds", std::nan(""))), "wall_seconds is not finite"},
           {"note-type", selection_record("nt", le32({1}), 1, field("note", 5)), "field 'note' has the wrong type"},
           {"deleted-with-points", selection_record("kept", le32({1}), 1, field("deleted", true)), "a deletion that lists points"}}) {
    write_bytes(dir / file, good + record + after);
    const auto s = io::read_session(dir / file);
    EXPECT_EQ(s.dropped_bytes, record.size() + after.size()) << file;
    EXPECT_NE(s.warning.find(why), std::string::npos) << file << ": " << s.warning;
    EXPECT_NE(s.warning.find("after frame 0"), std::string::npos) << s.warning;
    EXPECT_EQ(s.warning.find('\n'), std::string::npos) << s.warning;
    EXPECT_EQ(s.frames.size(), 1u) << file;
    expect_same(s.selections, {selection("kept", {2, 3})});  // the damaged record changed nothing
  }
  // Points that are not binary, or missing.
  msgpack::sbuffer payload;
  Packer pk(payload);
  pk.pack_map(3);
  pk.pack(std::string("type")); pk.pack(std::string("selection"));
  pk.pack(std::string("name")); pk.pack(std::string("str"));
  pk.pack(std::string("points")); pk.pack(std::string("\x01\x00\x00\x00"));
  write_bytes(dir / "str-points", good + raw_record(payload));
  EXPECT_NE(io::read_session(dir / "str-points").warning.find("'points' is not binary"), std::string::npos);
  msgpack::sbuffer missing;
  Packer mk(missing);
  mk.pack_map(2);
  mk.pack(std::string("type")); mk.pack(std::string("selection"));
  mk.pack(std::string("name")); mk.pack(std::string("none"));
  write_bytes(dir / "no-points", good + raw_record(missing));
  EXPECT_NE(io::read_session(dir / "no-points").warning.find("missing field 'points'"), std::string::npos);
}
