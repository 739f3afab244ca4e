#include "epochscope/ui/selection_table.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace epochscope::ui {
namespace {

std::string number(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

std::string csv_quoted(const std::string& value) {
  std::string q = "\"";
  for (char c : value) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::vector<SelectionRow> selection_rows(const store::PointSet& points, const std::vector<store::FramePtr>& frames,
                                         const std::vector<int>& selection, int frame) {
  std::vector<SelectionRow> rows;
  rows.reserve(selection.size());
  const store::Frame* now = frames.empty() ? nullptr : frames[static_cast<std::size_t>(std::clamp(frame, 0, static_cast<int>(frames.size()) - 1))].get();
  for (int p : selection) {
    if (p < 0 || static_cast<std::size_t>(p) >= points.size()) continue;
    const auto i = static_cast<std::size_t>(p);
    SelectionRow r;
    r.point = p;
    r.label = points.labels[i];
    if (now != nullptr && now->metrics.known() && i < now->predicted.size()) {
      r.predicted = now->predicted[i];
      const Matrix* out = now->layer("output");
      if (out != nullptr && static_cast<std::size_t>(out->rows()) > i && r.predicted < out->cols()) {
        r.confidence = (*out)(static_cast<Eigen::Index>(i), r.predicted);
      }
    }
    for (const auto& f : frames) {
      if (f->metrics.known() && i < f->predicted.size() && f->predicted[i] == r.label) {
        r.first_correct = f->epoch;
        break;
      }
    }
    rows.push_back(r);
  }
  return rows;
}

void sort_rows(std::vector<SelectionRow>& rows, SelectionColumn column, bool ascending) {
  auto key = [column](const SelectionRow& r) -> double {
    switch (column) {
      case SelectionColumn::point: return r.point;
      case SelectionColumn::label: return r.label;
      case SelectionColumn::predicted: return r.predicted;
      case SelectionColumn::confidence: return r.confidence;
      case SelectionColumn::first_correct: return r.first_correct < 0 ? 1e9 : r.first_correct;  // never: last
    }
    return r.point;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const SelectionRow& a, const SelectionRow& b) {
    const double ka = key(a), kb = key(b);
    if (ka != kb) return ascending ? ka < kb : ka > kb;
    return a.point < b.point;
  });
}

std::string selection_csv(const store::PointSet& points, const std::vector<SelectionRow>& rows,
                          const std::vector<LayoutColumns>& layouts) {
  std::string out = "index,true,predicted,confidence,first_correct_epoch";
  static constexpr const char* kAxes[3] = {"x", "y", "z"};
  for (const auto& l : layouts) {
    for (Eigen::Index d = 0; l.positions && d < std::min<Eigen::Index>(l.positions->cols(), 3); ++d) {
      out += "," + l.name + "_" + kAxes[d];
    }
  }
  out += "\n";
  const auto name = [&](int c) { return c >= 0 && c < points.class_count() ? csv_quoted(points.class_names[static_cast<std::size_t>(c)]) : std::string(); };
  for (const auto& r : rows) {
    out += std::to_string(r.point) + "," + name(r.label) + "," + name(r.predicted) + "," +
           (r.confidence >= 0 ? number("%.4f", r.confidence) : std::string()) + "," +
           (r.first_correct >= 0 ? std::to_string(r.first_correct) : std::string());
    for (const auto& l : layouts) {
      if (!l.positions) continue;
      const bool has = r.point < l.positions->rows();
      for (Eigen::Index d = 0; d < std::min<Eigen::Index>(l.positions->cols(), 3); ++d) {
        out += has ? "," + number("%.6g", (*l.positions)(r.point, d)) : std::string(",");
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace epochscope::ui
