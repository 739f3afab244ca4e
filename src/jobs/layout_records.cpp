#include "epochscope/jobs/layout_records.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "epochscope/core/matrix.hpp"
#include "epochscope/store/layers.hpp"

namespace epochscope::jobs {

bool worth_saving(const LayoutKey& key) {
  return is_computed(key.method) && !(key.method == Method::pca && key.layer == "input");
}

store::LayoutRecord to_record(const LayoutKey& key, const LayoutResult& r) {
  if (!r.final || !r.positions) throw Error("only a final layout can be saved");
  store::LayoutRecord rec;
  rec.method = method_name(key.method);
  rec.layer = key.layer;
  rec.dims = key.dims;
  rec.frame = r.frame;
  rec.positions = *r.positions;
  rec.recall_at_10 = r.recall_at_10;
  rec.knn_accuracy = r.knn_accuracy;
  rec.displacement = r.displacement;
  rec.cost_name = r.cost_name;
  rec.cost = r.cost;
  rec.seconds = r.seconds;
  if (r.edges) rec.edges = *r.edges;
  return rec;
}

std::optional<std::pair<LayoutKey, LayoutResult>> from_record(const store::LayoutRecord& rec, std::size_t points,
                                                               std::string* why) {
  auto refuse = [&](std::string w) -> std::optional<std::pair<LayoutKey, LayoutResult>> {
    if (why) *why = std::move(w);
    return std::nullopt;
  };
  const auto method = parse_method(rec.method);
  if (!method) return refuse("unknown method '" + rec.method + "'");
  if (*method == Method::trajectory) return refuse("the trajectory has no layouts of the points");
  if (!store::is_layer_name(rec.layer)) {
    return refuse("unknown layer '" + rec.layer + "'");
  }
  if (rec.dims != 2 && rec.dims != 3) return refuse("dims must be 2 or 3");
  if (rec.frame < 0) return refuse("negative frame");
  if (static_cast<std::size_t>(rec.positions.rows()) != points || rec.positions.cols() != rec.dims) {
    return refuse("the layout does not have one row per point");
  }
  if (!rec.positions.allFinite()) return refuse("the layout holds NaN or Inf");
  for (const auto& [a, b] : rec.edges) {
    if (a < 0 || b < 0 || static_cast<std::size_t>(a) >= points || static_cast<std::size_t>(b) >= points) {
      return refuse("an edge names a point that does not exist");
    }
  }
  LayoutKey key{*method, rec.layer, rec.dims};
  LayoutResult r;
  r.frame = rec.frame;
  r.positions = std::make_shared<const Matrix>(rec.positions);
  r.final = true;
  r.iteration = r.total_iterations = 1;
  r.cost = rec.cost;
  r.cost_name = rec.cost_name;
  r.recall_at_10 = rec.recall_at_10;
  r.knn_accuracy = rec.knn_accuracy;
  r.displacement = rec.displacement;
  r.seconds = rec.seconds;
  if (!rec.edges.empty()) r.edges = std::make_shared<const std::vector<std::pair<int, int>>>(rec.edges);
  return std::make_pair(std::move(key), std::move(r));
}

std::size_t preload_records(LayoutPool& pool, const std::vector<store::LayoutRecord>& records, std::size_t points,
                            std::size_t frames) {
  // Per chain, frame -> the last record written for it.
  std::map<LayoutKey, std::map<int, LayoutResult>> chains;
  for (const auto& rec : records) {
    auto parsed = from_record(rec, points);
    if (!parsed || static_cast<std::size_t>(parsed->second.frame) >= frames || !worth_saving(parsed->first)) continue;
    chains[parsed->first][parsed->second.frame] = std::move(parsed->second);
  }
  std::size_t loaded = 0;
  for (auto& [key, by_frame] : chains) {
    int expected = 0;
    for (auto& [frame, result] : by_frame) {
      if (frame != expected) break;  // a gap: the chain is recomputed from here
      pool.preload(key, std::make_shared<const LayoutResult>(std::move(result)));
      ++loaded;
      ++expected;
    }
  }
  return loaded;
}

}  // namespace epochscope::jobs
