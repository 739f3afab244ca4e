#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <msgpack.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "commands.hpp"
#include "epochscope/store/layers.hpp"
#include "epochscope/io/session.hpp"
#include "epochscope/jobs/layout_pool.hpp"
#include "epochscope/project/align.hpp"
#include "epochscope/project/quality.hpp"
#include "epochscope/project/rank_quality.hpp"
#include "progress_bar.hpp"

namespace epochscope::app {
namespace {

using Clock = std::chrono::steady_clock;

struct FrameOutcome {
  int frame = 0;
  Matrix positions;
  double seconds = 0;
  double recall = 0, accuracy = 0, displacement = std::numeric_limits<double>::quiet_NaN();
  std::string cost_name;
  double cost = 0;
  project::RankQuality rank;  ///< trustworthiness, continuity, Spearman's rho of distances
  double rank_seconds = 0;
};

// Trustworthiness, continuity (k = 10) and Spearman's rho of distances (2,000 points) of each
// layout against the data it came from, after the layouts are made (their times leave it out).
void add_rank_quality(std::vector<FrameOutcome>& outcomes, const std::function<Matrix(int)>& input_of, int threads) {
  for (auto& o : outcomes) {
    const auto start = std::chrono::steady_clock::now();
    const Matrix input = input_of(o.frame);
    if (input.rows() < 24 || !input.allFinite() || !o.positions.allFinite()) continue;
    const auto data_nn = knn::build_knn(input, {.k = 10, .threads = threads});
    const auto layout_nn = knn::build_knn(o.positions, {.k = 10, .threads = threads});
    o.rank = project::rank_quality(input, o.positions, data_nn, layout_nn, {.threads = threads});
    o.rank_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
}

nlohmann::ordered_json number_or_null(double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(); }


// One frame from scratch: kNN, initialisation and every iteration, timed together.
FrameOutcome project_one(const ProjectCommand& cmd, jobs::Method method, const jobs::MethodSettings& settings,
                         const Matrix& input, const store::PointSet& ps, int frame, ProgressBar& bar,
                         const Matrix* start_layout = nullptr) {
  FrameOutcome out;
  out.frame = frame;
  const auto start = Clock::now();
  project::ProjectionInput in;
  in.data = &input;
  in.start = start_layout;
  const int k = jobs::neighbors_needed(method, settings);
  std::shared_ptr<const knn::NeighborList> nb;
  if (k > 0) {
    knn::KnnOptions ko;
    ko.k = std::max(k, 10);
    ko.threads = settings.threads;
    nb = std::make_shared<const knn::NeighborList>(knn::build_knn(input, ko));
    in.neighbors = nb;
  }
  auto p = jobs::make_projection(method, settings);
  out.positions = p->initialize(in);
  while (!p->done()) {
    p->run(out.positions, p->iteration() + 25);
    if (!cmd.quiet) {
      bar.draw_custom(fmt::format("{} frame {}: iteration {}/{}", jobs::method_label(method), frame, p->iteration(),
                                  p->total_iterations()),
                      double(p->iteration()) / std::max(1, p->total_iterations()));
    }
  }
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const auto st = p->stats(out.positions);
  out.cost_name = st.cost_name;
  out.cost = st.cost;
  if (!nb || nb->k < 10) {
    knn::KnnOptions ko;
    ko.k = 10;
    ko.threads = settings.threads;
    nb = std::make_shared<const knn::NeighborList>(knn::build_knn(input, ko));
  }
  const auto q = project::evaluate_layout(out.positions, *nb, ps.labels, nullptr, {.threads = settings.threads});
  out.recall = q.recall_at_10;
  out.accuracy = q.knn_accuracy;
  return out;
}

// --points: the indices in the file, one per line, each a point of the session, none twice.
std::vector<std::size_t> read_point_indices(const std::filesystem::path& file, std::size_t count) {
  std::ifstream in(file);
  if (!in) throw Error(file.string() + ": cannot open the list of points");
  std::vector<std::size_t> out;
  std::vector<char> seen(count, 0);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::size_t used = 0;
    long long v = -1;
    try {
      v = std::stoll(line, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || line.find_first_not_of(" \t\r", used) != std::string::npos || v < 0 ||
        static_cast<std::size_t>(v) >= count) {
      throw Error(fmt::format("{}:{}: not a point index of this session (0 to {}): '{}'", file.string(), n, count - 1, line));
    }
    if (seen[static_cast<std::size_t>(v)]++) throw Error(fmt::format("{}:{}: point {} is listed twice", file.string(), n, v));
    out.push_back(static_cast<std::size_t>(v));
  }
  if (out.size() < 2) throw Error(file.string() + ": lists fewer than 2 points");
  return out;
}

// --init-file: `rows` x `dims` finite numbers, raw float32 (.f32) or text, one point per line.
Matrix read_start_layout(const std::filesystem::path& file, Eigen::Index rows, Eigen::Index dims) {
  Matrix out(rows, dims);
  if (file.extension() == ".f32") {
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in) throw Error(file.string() + ": cannot open the starting layout");
    const auto want = static_cast<std::streamoff>(out.size() * static_cast<Eigen::Index>(sizeof(float)));
    if (in.tellg() != want) {
      throw Error(fmt::format("{}: {} bytes, expected {} ({} points x {} float32)", file.string(),
                              static_cast<long long>(in.tellg()), static_cast<long long>(want), rows, dims));
    }
    in.seekg(0);
    in.read(reinterpret_cast<char*>(out.data()), want);
    if (!in) throw Error(file.string() + ": read error");
  } else {
    std::ifstream in(file);
    if (!in) throw Error(file.string() + ": cannot open the starting layout");
    std::string line;
    Eigen::Index r = 0;
    for (int n = 1; std::getline(in, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      std::replace(line.begin(), line.end(), ',', ' ');
      std::istringstream fields(line);
      std::vector<float> v;
      std::string field;
      while (fields >> field) {
        float x = 0;
        const char* first = field.data() + (field.size() > 1 && field[0] == '+' ? 1 : 0);  // from_chars takes no '+'
        const auto [end, ec] = std::from_chars(first, field.data() + field.size(), x);
        if (ec != std::errc() || end != field.data() + field.size()) {
          throw Error(fmt::format("{}:{}: not a number: '{}'", file.string(), n, field));
        }
        v.push_back(x);
      }
      if (static_cast<Eigen::Index>(v.size()) != dims) {
        throw Error(fmt::format("{}:{}: {} numbers, expected {} (one point per line)", file.string(), n, v.size(), dims));
      }
      if (r == rows) throw Error(fmt::format("{}: more than {} points", file.string(), rows));
      for (Eigen::Index c = 0; c < dims; ++c) out(r, c) = v[static_cast<std::size_t>(c)];
      ++r;
    }
    if (r != rows) throw Error(fmt::format("{}: {} points, expected {}", file.string(), r, rows));
  }
  if (!out.allFinite()) throw Error(file.string() + ": the starting layout holds NaN or Inf values");
  return out;
}

Matrix rows_of(const Matrix& m, const std::vector<std::size_t>& rows) {
  Matrix out(static_cast<Eigen::Index>(rows.size()), m.cols());
  for (std::size_t r = 0; r < rows.size(); ++r) out.row(static_cast<Eigen::Index>(r)) = m.row(static_cast<Eigen::Index>(rows[r]));
  return out;
}

// The points a subset keeps, with their labels (what project_one reads of a point set).
store::PointSet subset_of(const store::PointSet& ps, const std::vector<std::size_t>& rows) {
  store::PointSet out;
  out.dataset = ps.dataset;
  out.class_names = ps.class_names;
  out.layers = ps.layers;
  for (const auto r : rows) {
    out.labels.push_back(ps.labels[r]);
    out.heldout.push_back(ps.heldout[r]);
    out.source_index.push_back(ps.source_index[r]);
  }
  return out;
}

// Rows of the layouts; `indices` (when not empty) names the session's point of each row.
void write_csv(const std::filesystem::path& path, const std::vector<FrameOutcome>& frames, const store::PointSet& ps,
               const std::vector<std::size_t>& indices) {
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw Error(path.string() + ": cannot open for writing");
    const auto dims = frames.empty() ? 2 : frames[0].positions.cols();
    out << "frame,index,label,x,y" << (dims == 3 ? ",z" : "") << "\n";
    fmt::memory_buffer line;
    for (const auto& f : frames) {
      for (Eigen::Index i = 0; i < f.positions.rows(); ++i) {
        line.clear();
        const auto point = indices.empty() ? static_cast<std::size_t>(i) : indices[static_cast<std::size_t>(i)];
        fmt::format_to(std::back_inserter(line), "{},{},{}", f.frame, point, ps.class_names[ps.labels[point]]);
        for (Eigen::Index c = 0; c < dims; ++c) fmt::format_to(std::back_inserter(line), ",{:.6g}", f.positions(i, c));
        line.push_back('\n');
        out.write(line.data(), static_cast<std::streamsize>(line.size()));
      }
    }
    if (!out) throw Error(path.string() + ": write error");
  }
  std::filesystem::rename(tmp, path);
}

void write_msgpack(const std::filesystem::path& path, const ProjectCommand& cmd, const std::vector<FrameOutcome>& frames) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(buf);
  pk.pack_map(5);
  pk.pack(std::string("method")); pk.pack(cmd.method);
  pk.pack(std::string("layer")); pk.pack(cmd.layer);
  pk.pack(std::string("dims")); pk.pack(cmd.dims);
  pk.pack(std::string("seed")); pk.pack(cmd.seed);
  pk.pack(std::string("frames"));
  pk.pack_array(static_cast<std::uint32_t>(frames.size()));
  for (const auto& f : frames) {
    pk.pack_map(6);
    pk.pack(std::string("frame")); pk.pack(f.frame);
    pk.pack(std::string("rows")); pk.pack(static_cast<std::uint32_t>(f.positions.rows()));
    pk.pack(std::string("cols")); pk.pack(static_cast<std::uint32_t>(f.positions.cols()));
    pk.pack(std::string("positions"));  // row-major little-endian float32
    const auto bytes = static_cast<std::uint32_t>(f.positions.size() * sizeof(float));
    pk.pack_bin(bytes);
    pk.pack_bin_body(reinterpret_cast<const char*>(f.positions.data()), bytes);
    pk.pack(std::string("recall_at_10")); pk.pack(f.recall);
    pk.pack(std::string("knn_accuracy")); pk.pack(f.accuracy);
  }
  const auto tmp = path.string() + ".tmp";
  std::ofstream out(tmp, std::ios::binary);
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  out.close();
  if (!out) throw Error(path.string() + ": write error");
  std::filesystem::rename(tmp, path);
}

}  // namespace

int run_project(const ProjectCommand& cmd) {
  const auto method = jobs::parse_method(cmd.method);
  if (!method) throw Error("unknown method '" + cmd.method + "'");
  const auto session = io::read_session(cmd.file);
  if (!session.warning.empty()) fmt::print(stderr, "epochscope: warning: {}\n", session.warning);
  const auto& ps = *session.points;
  if (session.frames.empty()) throw Error(cmd.file.string() + ": the session holds no frames");
  store::require_layer(ps, cmd.layer);
  jobs::MethodSettings settings = cmd.settings;
  settings.dims = cmd.dims;
  settings.seed = cmd.seed;
  settings.threads = cmd.threads > 0 ? cmd.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ProgressBar bar(!cmd.quiet);
  std::vector<FrameOutcome> outcomes;
  const Matrix pixels = cmd.layer == "input" ? store::input_values(ps) : Matrix();
  std::vector<std::size_t> subset;
  if (!cmd.points.empty()) {
    if (cmd.frames == "all") throw Error("--points lays out one frame: give --frames last or a frame index");
    subset = read_point_indices(cmd.points, ps.size());
  }

  std::optional<Matrix> start;
  if (!cmd.init_file.empty()) {
    if (*method != jobs::Method::tsne && *method != jobs::Method::umap) throw Error("--init-file starts t-SNE or UMAP only");
    if (cmd.frames == "all") throw Error("--init-file starts one frame: give --frames last or a frame index");
    start = read_start_layout(cmd.init_file, static_cast<Eigen::Index>(subset.empty() ? ps.size() : subset.size()), cmd.dims);
  }
  const Matrix* start_ptr = start ? &*start : nullptr;

  if (cmd.frames == "all" && cmd.independent) {
    // Every frame from scratch, then aligned to the previous one: what coherence is measured against.
    for (std::size_t f = 0; f < session.frames.size(); ++f) {
      const Matrix& input = cmd.layer == "input" ? pixels : *session.frames[f]->layer(cmd.layer);
      auto o = project_one(cmd, *method, settings, input, ps, static_cast<int>(f), bar);
      if (!outcomes.empty()) {
        o.positions = project::align_to(o.positions, outcomes.back().positions);
        o.displacement = project::layout_displacement(o.positions, outcomes.back().positions);
      }
      outcomes.push_back(std::move(o));
    }
  } else if (cmd.frames != "all") {
    const auto f = parse_frame_choice(cmd.frames, session.frames.size());
    const Matrix& input = cmd.layer == "input" ? pixels : *session.frames[f]->layer(cmd.layer);
    if (subset.empty()) {
      outcomes.push_back(project_one(cmd, *method, settings, input, ps, static_cast<int>(f), bar, start_ptr));
    } else {
      outcomes.push_back(project_one(cmd, *method, settings, rows_of(input, subset), subset_of(ps, subset),
                                     static_cast<int>(f), bar, start_ptr));
    }
  } else {
    // The coherent chain: every frame warm-started from and aligned to the one before.
    auto store = std::make_shared<store::EpochStore>(session.points);
    for (const auto& fr : session.frames) store->publish(fr);
    store->close();
    jobs::PoolOptions po;
    po.workers = 1;
    po.threads_per_job = settings.threads;
    po.seed = cmd.seed;
    po.methods = settings;
    jobs::LayoutPool pool(store, po);
    const jobs::LayoutKey key{*method, cmd.layer, cmd.dims};
    pool.request(key);
    const int total = static_cast<int>(session.frames.size());
    while (!pool.wait_idle(0.1)) {
      const auto st = pool.status(key);
      bar.draw_custom(fmt::format("{} {}: {}/{} frames, frame {} iteration {}/{}", jobs::method_label(*method), cmd.layer,
                                  st.frames_final, total, st.working_frame, st.iteration, st.total_iterations),
                      double(st.frames_final) / total);
    }
    for (int f = 0; f < total; ++f) {
      const auto r = pool.get(key, f);
      if (!r) {
        const auto st = pool.status(key);
        throw Error("the layout of frame " + std::to_string(f) + " could not be computed" +
                    (st.error.empty() ? std::string{} : ": " + st.error));
      }
      FrameOutcome o;
      o.frame = f;
      o.positions = *r->positions;
      o.seconds = r->seconds;
      o.recall = r->recall_at_10;
      o.accuracy = r->knn_accuracy;
      o.displacement = r->displacement;
      o.cost_name = r->cost_name;
      o.cost = r->cost;
      outcomes.push_back(std::move(o));
    }
  }
  bar.finish();
  add_rank_quality(outcomes, [&](int f) {
    const Matrix& input = cmd.layer == "input" ? pixels : *session.frames[static_cast<std::size_t>(f)]->layer(cmd.layer);
    return subset.empty() ? input : rows_of(input, subset);
  }, settings.threads);
  nlohmann::ordered_json report = nlohmann::ordered_json::array();
  for (const auto& o : outcomes) {
    if (cmd.json) {
      report.push_back({{"frame", o.frame}, {"seconds", o.seconds}, {"recall_at_10", o.recall},
                        {"knn_accuracy", o.accuracy},
                        {"displacement", std::isnan(o.displacement) ? nlohmann::ordered_json() : nlohmann::ordered_json(o.displacement)},
                        {"cost_name", o.cost_name}, {"cost", o.cost},
                        {"trustworthiness_at_10", number_or_null(o.rank.trustworthiness)},
                        {"continuity_at_10", number_or_null(o.rank.continuity)},
                        {"distance_spearman", number_or_null(o.rank.spearman)},
                        {"quality_seconds", o.rank_seconds}});
    } else {
      fmt::print(stderr, "frame {:>3}: {:7.3f} s  recall@10 {:.3f}  T {:.3f}  C {:.3f}  rho {:.3f}  10-NN accuracy {:.3f}{}{}\n",
                 o.frame, o.seconds, o.recall, o.rank.trustworthiness, o.rank.continuity, o.rank.spearman, o.accuracy,
                 std::isnan(o.displacement) ? std::string() : fmt::format("  displacement {:.4f}", o.displacement),
                 o.cost_name.empty() ? std::string() : fmt::format("  {} {:.4g}", o.cost_name, o.cost));
    }
  }
  if (cmd.json) std::cout << report.dump() << "\n";
  if (!cmd.out.empty()) {
    if (cmd.out.extension() == ".msgpack") {
      write_msgpack(cmd.out, cmd, outcomes);
    } else {
      write_csv(cmd.out, outcomes, ps, subset);
    }
  }
  return 0;
}

}  // namespace epochscope::app
