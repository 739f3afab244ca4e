// Writes the small seed corpus of the fuzz targets: a few tiny valid IDX and session files, made
// with the library's own writers, and a few broken ones (truncated, bit-flipped, lying about sizes).
// The files are committed under fuzz/corpus/; rerun after a format change:
//   build-fuzz/fuzz_make_corpus fuzz/corpus
#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <msgpack.hpp>
#include <string>
#include <vector>

#include "epochscope/data/idx.hpp"
#include "epochscope/io/session.hpp"

namespace fs = std::filesystem;
using namespace epochscope;

namespace {

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_all(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void idx_corpus(const fs::path& dir) {
  data::IdxArray labels{{6}, {0, 1, 2, 0, 1, 2}};
  data::IdxArray images{{2, 3, 3}, {}};
  for (int i = 0; i < 18; ++i) images.values.push_back(static_cast<std::uint8_t>(i * 14));
  data::write_idx(dir / "labels", labels);
  data::write_idx(dir / "labels.gz", labels, true);
  data::write_idx(dir / "images", images);
  data::write_idx(dir / "images.gz", images, true);
  data::write_idx(dir / "empty-rank2", {{0, 7}, {}});
  const std::string plain = read_all(dir / "images");
  const std::string gz = read_all(dir / "images.gz");
  write_all(dir / "bad-truncated", plain.substr(0, plain.size() - 5));
  write_all(dir / "bad-truncated.gz", gz.substr(0, gz.size() / 2));
  write_all(dir / "bad-extra", plain + "xyz");
  write_all(dir / "bad-absurd-dims", std::string("\0\0\x08\x03\xff\xff\xff\xff\x00\x01\x00\x00\x7f\xff\xff\xff", 16));
  write_all(dir / "bad-type-float", std::string("\0\0\x0d\x01\0\0\0\x01\0\0\0\0", 12));
  std::string lying_gz = gz;  // the trailer's size claims 4 GiB - 1
  for (std::size_t i = lying_gz.size() - 4; i < lying_gz.size(); ++i) lying_gz[i] = '\xff';
  write_all(dir / "bad-isize.gz", lying_gz);
}

store::PointSet points() {
  store::PointSet ps;
  ps.dataset = "fuzz";
  ps.class_names = {"a", "b", "c"};
  ps.height = 2;
  ps.width = 2;
  for (std::uint8_t i = 0; i < 6; ++i) {
    ps.labels.push_back(i % 3);
    ps.heldout.push_back(i % 2);
    ps.source_index.push_back(i);
    for (int k = 0; k < 4; ++k) ps.images.push_back(static_cast<std::uint8_t>(i * 40 + k));
  }
  ps.layers = {{"output", 3}, {"hidden", 2}};
  return ps;
}

store::Frame frame(const store::PointSet& ps, int index, bool non_finite) {
  store::Frame f;
  f.index = index;
  f.epoch = index;
  const auto n = static_cast<Eigen::Index>(ps.size());
  Matrix out(n, 3), hidden(n, 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    out.row(i) << 0.2f + 0.1f * static_cast<float>(index), 0.3f, 0.5f - 0.1f * static_cast<float>(index);
    hidden.row(i) << static_cast<float>(i) * 700.0f, static_cast<float>(index);  // range 3500: f32
  }
  if (non_finite) {
    hidden(1, 0) = std::numeric_limits<float>::quiet_NaN();
    hidden(2, 1) = std::numeric_limits<float>::infinity();
  }
  f.layers.emplace("output", out);
  f.layers.emplace("hidden", hidden);
  f.predicted.assign(ps.size(), 2);
  f.metrics.train_loss = non_finite ? std::numeric_limits<double>::quiet_NaN() : 1.0;
  f.metrics.per_class_accuracy = {0.5, 0.5, 1.0};
  f.metrics.confusion = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  f.metrics.wall_seconds = index;
  return f;
}

// One record envelope [crc, bin(payload)].
std::string record(const msgpack::sbuffer& payload) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_array(2);
  pk.pack(static_cast<std::uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()))));
  pk.pack_bin(static_cast<std::uint32_t>(payload.size()));
  pk.pack_bin_body(payload.data(), static_cast<std::uint32_t>(payload.size()));
  return {buf.data(), buf.size()};
}

void session_corpus(const fs::path& dir) {
  const auto ps = points();
  std::uint64_t header_end = 0;
  {
    io::SessionWriter w(dir / "two-frames", ps, {{"seed", "1"}});
    header_end = w.bytes_written();
    w.append(frame(ps, 0, false));
    w.append(frame(ps, 1, false));
    io::LayoutRecord l;
    l.method = "graph";
    l.layer = "hidden";
    l.frame = 1;
    l.positions = Matrix::Random(static_cast<Eigen::Index>(ps.size()), 2);
    l.cost_name = "stress";
    l.cost = 0.5;
    l.edges = {{0, 1}, {4, 5}};
    w.append_layout(l);
  }
  {  // format 1.2: parameter-space snapshots
    io::SessionWriter w(dir / "trajectory", ps, {});
    w.append(frame(ps, 0, false));
    std::vector<store::TrajectoryPoint> t;
    for (int i = 0; i < 3; ++i) t.push_back({i, i == 0 ? 0 : 1, 2.0f - 0.1f * static_cast<float>(i), std::vector<float>(16, 0.25f * static_cast<float>(i))});
    w.append_trajectory(t);
    w.finish(1, "finished");
  }
  {
    io::SessionWriter w(dir / "non-finite-values", ps, {});
    w.append(frame(ps, 0, true));
  }
  {  // format 1.3: layer kinds, the layers in depth order (a conv layer's channel means first)
    auto deep = ps;
    deep.layers = {{"conv1", 2, store::LayerKind::conv}, {"hidden", 2, store::LayerKind::dense},
                   {"output", 3, store::LayerKind::output}};
    io::SessionWriter w(dir / "layer-kinds", deep, {{"model", "cnn"}});
    auto f = frame(deep, 0, false);
    f.layers.emplace("conv1", f.layers.at("hidden") * 0.5f);
    w.append(f);
  }
  {  // format 1.4: colour images and a text per point
    auto colour = ps;
    colour.height = colour.width = 4;
    colour.channels = 3;
    colour.images.assign(colour.size() * colour.image_size(), 0);
    for (std::size_t i = 0; i < colour.images.size(); ++i) colour.images[i] = static_cast<std::uint8_t>(i * 37);
    for (std::size_t i = 0; i < colour.size(); ++i) colour.texts.push_back(i % 2 ? "a red \xe2\x96\xa0" : "");
    io::SessionWriter w(dir / "colour-texts", colour, {});
    w.append(frame(colour, 0, false));
  }
  {  // format 1.4: no images at all, texts only (no input layer)
    auto texts = ps;
    texts.height = texts.width = texts.channels = 0;
    texts.images.clear();
    for (std::size_t i = 0; i < texts.size(); ++i) texts.texts.push_back("sentence " + std::to_string(i));
    io::SessionWriter w(dir / "texts-only", texts, {});
    w.append(frame(texts, 0, false));
  }
  {  // format 1.5: named selections, one replaced, one deleted, one appended after the end record
    io::SessionWriter w(dir / "selections", ps, {});
    w.append(frame(ps, 0, false));
    w.append_selection({"firsts", {0, 1, 2}, "the first three", 1.7e9});
    w.append_selection({"odd", {5, 3, 1}, "", 0});
    w.append_selection({"firsts", {4}, "replaced", 1.8e9});
    w.append_selection_deletion("odd");
    w.finish(1, "finished");
  }
  io::SessionWriter::append_layouts_to(dir / "selections", ps.size())->append_selection({"later", {5}, "", 0});
  {  // format 1.6: the first convolution's filters, 4 x 1 x 3 x 3 (q16) then 2 x 3 x 1 x 2 (f32: a wide range)
    io::SessionWriter w(dir / "filters", ps, {});
    auto f = frame(ps, 0, false);
    f.filters = {"conv1", 4, 1, 3, 3, {}};
    for (int k = 0; k < 36; ++k) f.filters.weights.push_back(0.3f * std::sin(static_cast<float>(k)));
    w.append(f);
    auto g = frame(ps, 1, false);
    g.filters = {"stem", 2, 3, 1, 2, {-40.0f, 2.5f, 0.0f, 1.0f, 7.0f, -0.5f, 3.0f, 30.0f, -2.0f, 0.25f, 1.5f, -9.0f}};
    w.append(g);
    w.append(frame(ps, 2, false));  // a frame without them
    w.finish(3, "finished");
  }
  {  // format 1.7: the full parameter vector, 24 values (q16) with 4 buffers, then 6 (f32: a wide range)
    io::SessionWriter w(dir / "parameters", ps, {{"preset", "cnn"}});
    auto f = frame(ps, 0, false);
    auto p = std::make_shared<store::ParameterSnapshot>();
    for (int k = 0; k < 24; ++k) p->values.push_back(0.4f * std::cos(static_cast<float>(k)));
    p->buffers = 4;
    f.parameters = p;
    w.append(f);
    auto g = frame(ps, 1, false);
    g.parameters = std::make_shared<store::ParameterSnapshot>(store::ParameterSnapshot{{-40.0f, 2.5f, 0.0f, 1.0f, 7.0f, 30.0f}, 0});
    w.append(g);
    w.append(frame(ps, 2, false));  // a frame without them
    w.finish(3, "finished");
  }
  const std::string good = read_all(dir / "two-frames");
  write_all(dir / "header-only", good.substr(0, header_end));
  write_all(dir / "bad-truncated", good.substr(0, good.size() * 2 / 3));
  std::string flipped = good;
  flipped[(header_end + good.size()) / 2] ^= 0x10;
  write_all(dir / "bad-bitflip", flipped);

  // A record whose payload claims an array of 2^31 - 1 elements and a map of 2^32 - 1 entries.
  const char lying_bytes[] = "\x82\xa4type\xa5" "frame" "\xa5index\xdd\x7f\xff\xff\xff\xdf\xff\xff\xff\xff";
  msgpack::sbuffer lying;
  lying.write(lying_bytes, sizeof(lying_bytes) - 1);
  write_all(dir / "bad-huge-array", good.substr(0, header_end) + record(lying));

  // A frame whose q16 layer claims 2^32 - 1 columns and a huge inflated size from 10 bytes.
  msgpack::sbuffer huge;
  msgpack::packer<msgpack::sbuffer> pk(huge);
  pk.pack_map(3);
  pk.pack(std::string("type")); pk.pack(std::string("frame"));
  pk.pack(std::string("index")); pk.pack(0);
  pk.pack(std::string("layers"));
  pk.pack_map(1);
  pk.pack(std::string("output"));
  pk.pack_map(4);
  pk.pack(std::string("enc")); pk.pack(std::string("f32"));
  pk.pack(std::string("rows")); pk.pack(std::uint32_t{0xffffffff});
  pk.pack(std::string("cols")); pk.pack(std::uint32_t{0xffffffff});
  pk.pack(std::string("data")); pk.pack_bin(10); pk.pack_bin_body("\x78\x9c\x01\x02\x03\x04\x05\x06\x07\x08", 10);
  write_all(dir / "bad-huge-matrix", good.substr(0, header_end) + record(huge));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR   (writes CORPUS_DIR/idx and CORPUS_DIR/session)\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  fs::create_directories(root / "idx");
  fs::create_directories(root / "session");
  idx_corpus(root / "idx");
  session_corpus(root / "session");
  return 0;
}
