// `epochscope import-tensorboard LOGDIR [--tag T] [--label-column C] --out FILE`: the embeddings
// PyTorch's SummaryWriter.add_embedding() logged (torch/utils/tensorboard: LOGDIR/
// projector_config.pbtxt naming, per embedding, "<step zero-padded to 5>/<tag>/tensors.tsv", and
// optionally metadata.tsv (one label a line, or a header line then tab-separated columns) and
// sprite.png (the label images in a grid of ceil(sqrt(N)) columns, single_image_dim W, H)) become
// one session with a frame per step: the steps of one tag must hold the same points.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <stb/stb_image.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "commands.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/store/metrics.hpp"

namespace epochscope::app {
namespace {

namespace fs = std::filesystem;

struct Embedding {
  std::string tag;
  int step = 0;
  std::string tensor_path, metadata_path, sprite_path;
  std::vector<int> image_dim;  ///< W, H of one sprite cell
};

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(p.string() + ": cannot read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The text-format protobuf the projector writes: nested `name { ... }` blocks and `key: value`
// lines; only the embeddings' fields matter here.
std::vector<Embedding> parse_projector_config(const std::string& text, const fs::path& file) {
  std::vector<Embedding> out;
  std::istringstream in(text);
  std::string line;
  int depth = 0;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    line = line.substr(first);
    if (line.ends_with("{")) {
      if (depth == 0 && line.starts_with("embeddings")) out.emplace_back();
      ++depth;
      continue;
    }
    if (line == "}") {
      if (--depth < 0) throw Error(file.string() + ": unbalanced braces");
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos || out.empty()) continue;
    const std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    auto& e = out.back();
    if (key == "tensor_name") {
      const auto sep = value.rfind(':');
      e.tag = sep == std::string::npos ? value : value.substr(0, sep);
      if (sep != std::string::npos) std::from_chars(value.data() + sep + 1, value.data() + value.size(), e.step);
    } else if (key == "tensor_path") {
      e.tensor_path = value;
    } else if (key == "metadata_path") {
      e.metadata_path = value;
    } else if (key == "image_path") {
      e.sprite_path = value;
    } else if (key == "single_image_dim") {
      e.image_dim.push_back(std::atoi(value.c_str()));
    }
  }
  if (depth != 0) throw Error(file.string() + ": unbalanced braces");
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty() && l.back() == '\r') l.pop_back();
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

Matrix read_tensors(const fs::path& p) {
  const auto rows = lines_of(read_text(p));
  if (rows.empty()) throw Error(p.string() + ": no points");
  const auto cols = split_tabs(rows[0]).size();
  Matrix m(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(cols));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto cells = split_tabs(rows[i]);
    if (cells.size() != cols) throw Error(fmt::format("{}: line {} has {} values, line 1 has {}", p.string(), i + 1, cells.size(), cols));
    for (std::size_t j = 0; j < cols; ++j) {
      char* end = nullptr;
      const float v = std::strtof(cells[j].c_str(), &end);
      if (end == cells[j].c_str() || !std::isfinite(v)) {
        throw Error(fmt::format("{}: line {}: '{}' is not a finite number", p.string(), i + 1, cells[j]));
      }
      m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = v;
    }
  }
  return m;
}

// Labels from metadata.tsv: one value a line, or (several columns) a header line first; the column
// named or numbered by `column` (default the first). Classes in order of first appearance, or
// numerically when every value is a whole number.
void read_labels(const fs::path& p, const std::string& column, store::PointSet& ps, std::size_t n) {
  const auto rows = lines_of(read_text(p));
  const bool header = !rows.empty() && split_tabs(rows[0]).size() > 1;
  std::size_t col = 0;
  if (header && !column.empty()) {
    const auto names = split_tabs(rows[0]);
    const auto it = std::find(names.begin(), names.end(), column);
    if (it != names.end()) {
      col = static_cast<std::size_t>(it - names.begin());
    } else if (std::all_of(column.begin(), column.end(), ::isdigit)) {
      col = static_cast<std::size_t>(std::stoul(column));
    } else {
      throw Error(fmt::format("{}: no column '{}' (it has: {})", p.string(), column, fmt::format("{}", fmt::join(names, ", "))));
    }
  }
  std::vector<std::string> values;
  for (std::size_t i = header ? 1 : 0; i < rows.size(); ++i) {
    const auto cells = split_tabs(rows[i]);
    if (col >= cells.size()) throw Error(fmt::format("{}: line {} has no column {}", p.string(), i + 1, col));
    values.push_back(cells[col]);
  }
  if (values.size() != n) throw Error(fmt::format("{}: {} labels for {} points", p.string(), values.size(), n));
  std::vector<std::string> classes;
  for (const auto& v : values) {
    if (std::find(classes.begin(), classes.end(), v) == classes.end()) classes.push_back(v);
  }
  const bool numeric = std::all_of(classes.begin(), classes.end(), [](const std::string& c) {
    return !c.empty() && c.size() < 9 && std::all_of(c.begin(), c.end(), ::isdigit);
  });
  if (numeric) std::sort(classes.begin(), classes.end(), [](const auto& a, const auto& b) { return std::stol(a) < std::stol(b); });
  if (classes.size() > 256) throw Error(fmt::format("{}: {} distinct labels (at most 256 classes)", p.string(), classes.size()));
  ps.class_names = classes;
  for (const auto& v : values) {
    ps.labels.push_back(static_cast<std::uint8_t>(std::find(classes.begin(), classes.end(), v) - classes.begin()));
  }
}

// The sprite's cells, grey, as the thumbnails.
void read_sprite(const fs::path& p, const std::vector<int>& dim, store::PointSet& ps, std::size_t n) {
  if (dim.size() != 2 || dim[0] < 1 || dim[1] < 1 || dim[0] > 1024 || dim[1] > 1024) {
    throw Error(p.string() + ": the projector config gives no single_image_dim for the sprite");
  }
  int w = 0, h = 0, channels = 0;
  unsigned char* pixels = stbi_load(p.c_str(), &w, &h, &channels, 1);
  if (pixels == nullptr) throw Error(p.string() + ": not a readable PNG");
  const int cw = dim[0], ch = dim[1];
  const auto cols = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(n))));
  ps.width = cw;
  ps.height = ch;
  ps.images.assign(n * static_cast<std::size_t>(cw * ch), 0);
  for (std::size_t i = 0; i < n; ++i) {
    const auto x0 = static_cast<int>(i % cols) * cw, y0 = static_cast<int>(i / cols) * ch;
    for (int y = 0; y < ch; ++y) {
      for (int x = 0; x < cw; ++x) {
        if (x0 + x < w && y0 + y < h) {
          ps.images[i * static_cast<std::size_t>(cw * ch) + static_cast<std::size_t>(y * cw + x)] =
              pixels[static_cast<std::size_t>((y0 + y) * w + x0 + x)];
        }
      }
    }
  }
  stbi_image_free(pixels);
}

}  // namespace

int run_import_tensorboard(const ImportTensorboardCommand& cmd) {
  const auto config = cmd.logdir / "projector_config.pbtxt";
  if (!fs::exists(config)) throw Error(cmd.logdir.string() + ": no projector_config.pbtxt (not a TensorBoard log with embeddings)");
  auto embeddings = parse_projector_config(read_text(config), config);
  std::vector<std::string> tags;
  for (const auto& e : embeddings) {
    if (std::find(tags.begin(), tags.end(), e.tag) == tags.end()) tags.push_back(e.tag);
  }
  if (tags.empty()) throw Error(config.string() + ": no embeddings");
  const std::string tag = cmd.tag.empty() ? tags.front() : cmd.tag;
  if (cmd.tag.empty() && tags.size() > 1) {
    throw Error(fmt::format("{} holds several embeddings: choose one with --tag ({})", cmd.logdir.string(), fmt::join(tags, ", ")));
  }
  std::erase_if(embeddings, [&](const Embedding& e) { return e.tag != tag; });
  if (embeddings.empty()) throw Error(fmt::format("no embedding tagged '{}' (tags: {})", tag, fmt::join(tags, ", ")));
  std::stable_sort(embeddings.begin(), embeddings.end(), [](const auto& a, const auto& b) { return a.step < b.step; });

  std::vector<Matrix> steps;
  for (const auto& e : embeddings) {
    steps.push_back(read_tensors(cmd.logdir / e.tensor_path));
    if (steps.back().rows() != steps.front().rows() || steps.back().cols() != steps.front().cols()) {
      throw Error(fmt::format("step {} holds {} points of {} values, step {} holds {} of {}: the steps must embed the same points",
                              e.step, steps.back().rows(), steps.back().cols(), embeddings.front().step,
                              steps.front().rows(), steps.front().cols()));
    }
  }
  const auto n = static_cast<std::size_t>(steps.front().rows());
  std::vector<int> step_numbers;
  for (const auto& e : embeddings) step_numbers.push_back(e.step);
  store::PointSet ps;
  ps.dataset = cmd.logdir.filename().empty() ? cmd.logdir.parent_path().filename().string() : cmd.logdir.filename().string();
  const auto& first = embeddings.front();
  if (!first.metadata_path.empty()) {
    read_labels(cmd.logdir / first.metadata_path, cmd.label_column, ps, n);
  } else {
    ps.class_names = {"all"};
    ps.labels.assign(n, 0);
  }
  if (!first.sprite_path.empty()) {
    read_sprite(cmd.logdir / first.sprite_path, first.image_dim, ps, n);
  } else {  // no images (format 1.4): no thumbnails and no input layer
    ps.height = ps.width = ps.channels = 0;
    ps.images.clear();
  }
  ps.heldout.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) ps.source_index.push_back(static_cast<std::uint32_t>(i));
  ps.layers = {{"embedding", static_cast<int>(steps.front().cols()), store::LayerKind::other}};
  io::SessionWriter writer(cmd.out, ps,
                           {{"tool", "epochscope import-tensorboard"}, {"source", cmd.logdir.string()}, {"tag", tag},
                            {"steps", fmt::format("{}", fmt::join(step_numbers, ","))},
                            {"note", "no predictions in a TensorBoard embedding: every point counts as its own class"}});
  for (std::size_t f = 0; f < steps.size(); ++f) {
    store::Frame frame;
    frame.index = static_cast<int>(f);
    frame.epoch = embeddings[f].step;
    frame.layers.emplace("embedding", std::move(steps[f]));
    frame.predicted = ps.labels;
    // No predictions and no metrics: NaN says "unknown" (FrameMetrics::known), not a perfect score.
    frame.metrics.train_loss = frame.metrics.heldout_loss = std::nan("");
    frame.metrics.train_accuracy = frame.metrics.heldout_accuracy = std::nan("");
    writer.append(frame);
  }
  writer.finish(steps.size(), "finished");
  fmt::print(stderr, "epochscope: wrote {} frames (steps {}) of {} points, {} classes, to {}\n", steps.size(),
             fmt::join(step_numbers, ", "), n,
             ps.class_count(), cmd.out.string());
  return 0;
}

}  // namespace epochscope::app
