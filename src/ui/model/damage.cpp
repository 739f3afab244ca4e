#include "epochscope/ui/damage.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "epochscope/core/random.hpp"

namespace epochscope::ui {
namespace {

float area(const Rect& r) { return std::max(0.0f, r.width()) * std::max(0.0f, r.height()); }

Rect unite(const Rect& a, const Rect& b) {
  return {{std::min(a.min.x, b.min.x), std::min(a.min.y, b.min.y)}, {std::max(a.max.x, b.max.x), std::max(a.max.y, b.max.y)}};
}

void add_all(const std::vector<DrawPrim>& prims, std::vector<Rect>& damage) {
  for (const auto& p : prims) damage.push_back(p.bounds);
}

// The primitives of one list that appeared or went away. Equal hashes are the same primitive
// (same vertices, clip and texture, so the same pixels); a list whose surviving primitives changed
// order is damaged as a whole (what overlaps may now be drawn in another order).
void diff_prims(const std::vector<DrawPrim>& before, const std::vector<DrawPrim>& after, std::vector<Rect>& damage) {
  std::size_t head = 0;
  while (head < before.size() && head < after.size() && before[head].hash == after[head].hash) ++head;
  std::size_t tail = 0;
  while (tail < before.size() - head && tail < after.size() - head &&
         before[before.size() - 1 - tail].hash == after[after.size() - 1 - tail].hash) {
    ++tail;
  }
  const std::size_t nb = before.size() - head - tail, na = after.size() - head - tail;
  if (nb == 0 && na == 0) return;
  // The middle parts: pair equal hashes in order of occurrence.
  using Entry = std::pair<std::uint64_t, std::size_t>;
  std::vector<Entry> b(nb), a(na);
  for (std::size_t i = 0; i < nb; ++i) b[i] = {before[head + i].hash, i};
  for (std::size_t i = 0; i < na; ++i) a[i] = {after[head + i].hash, i};
  std::sort(b.begin(), b.end());
  std::sort(a.begin(), a.end());
  std::vector<std::uint8_t> kept_b(nb, 0), kept_a(na, 0);
  for (std::size_t i = 0, j = 0; i < nb && j < na;) {
    if (b[i].first < a[j].first) {
      ++i;
    } else if (a[j].first < b[i].first) {
      ++j;
    } else {
      kept_b[b[i].second] = 1;
      kept_a[a[j].second] = 1;
      ++i;
      ++j;
    }
  }
  std::vector<std::uint64_t> order_b, order_a;
  for (std::size_t i = 0; i < nb; ++i) {
    if (kept_b[i] != 0) order_b.push_back(before[head + i].hash);
  }
  for (std::size_t i = 0; i < na; ++i) {
    if (kept_a[i] != 0) order_a.push_back(after[head + i].hash);
  }
  if (order_b != order_a) {
    for (std::size_t i = head; i < before.size() - tail; ++i) damage.push_back(before[i].bounds);
    for (std::size_t i = head; i < after.size() - tail; ++i) damage.push_back(after[i].bounds);
    return;
  }
  for (std::size_t i = 0; i < nb; ++i) {
    if (kept_b[i] == 0) damage.push_back(before[head + i].bounds);
  }
  for (std::size_t i = 0; i < na; ++i) {
    if (kept_a[i] == 0) damage.push_back(after[head + i].bounds);
  }
}

}  // namespace

float Damage::fraction(Vec2 size) const {
  if (full) return 1.0f;
  const float total = size.x * size.y;
  if (!(total > 0)) return 0.0f;
  float sum = 0;
  for (const auto& r : rects) sum += area(r);
  return sum / total;
}

std::uint64_t hash_bytes(const void* data, std::size_t size, std::uint64_t seed) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::uint64_t h = mix64(seed ^ size);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + i, 8);
    h = mix64(h ^ w);
  }
  if (i < size) {
    std::uint64_t w = 0;
    std::memcpy(&w, p + i, size - i);
    h = mix64(h ^ w ^ 0xff00000000000000ULL);
  }
  return h;
}

std::vector<Rect> coalesce(const std::vector<Rect>& damage, Vec2 size, const DamageOptions& options) {
  const float tile = std::max(options.tile, 1.0f);
  if (!(size.x > 0 && size.y > 0)) return {};
  const int nx = static_cast<int>(std::ceil(size.x / tile)), ny = static_cast<int>(std::ceil(size.y / tile));
  std::vector<std::uint8_t> grid(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny), 0);
  bool any = false;
  for (const auto& r : damage) {
    const bool finite = std::isfinite(r.min.x) && std::isfinite(r.min.y) && std::isfinite(r.max.x) && std::isfinite(r.max.y);
    if (finite && !(r.max.x > r.min.x && r.max.y > r.min.y)) continue;  // empty: touches no pixel
    const auto cell = [&](float v, int n, bool up) {
      const float c = up ? std::ceil(v / tile) : std::floor(v / tile);
      return static_cast<int>(std::clamp(c, 0.0f, static_cast<float>(n)));
    };
    const int x0 = finite ? cell(r.min.x, nx, false) : 0, x1 = finite ? cell(r.max.x, nx, true) : nx;
    const int y0 = finite ? cell(r.min.y, ny, false) : 0, y1 = finite ? cell(r.max.y, ny, true) : ny;
    for (int y = y0; y < y1; ++y) {
      std::fill_n(grid.begin() + static_cast<std::ptrdiff_t>(y) * nx + x0, std::max(0, x1 - x0), std::uint8_t{1});
      any = any || x1 > x0;
    }
  }
  if (!any) return {};
  // Runs of damaged tiles per row; a run with the same ends as one in the row above extends it.
  struct Cells {
    int x0, x1, y0, y1;
  };
  std::vector<Cells> done, open;
  for (int y = 0; y <= ny; ++y) {
    std::vector<Cells> next;
    for (int x = 0; y < ny && x < nx;) {
      if (grid[static_cast<std::size_t>(y) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(x)] == 0) {
        ++x;
        continue;
      }
      int e = x;
      while (e < nx && grid[static_cast<std::size_t>(y) * static_cast<std::size_t>(nx) + static_cast<std::size_t>(e)] != 0) ++e;
      auto it = std::find_if(open.begin(), open.end(), [&](const Cells& c) { return c.x0 == x && c.x1 == e; });
      if (it != open.end()) {
        next.push_back({x, e, it->y0, y + 1});
        open.erase(it);
      } else {
        next.push_back({x, e, y, y + 1});
      }
      x = e;
    }
    done.insert(done.end(), open.begin(), open.end());
    open = std::move(next);
  }
  std::vector<Rect> rects;
  rects.reserve(done.size());
  for (const auto& c : done) {
    rects.push_back({{static_cast<float>(c.x0) * tile, static_cast<float>(c.y0) * tile},
                     {std::min(static_cast<float>(c.x1) * tile, size.x), std::min(static_cast<float>(c.y1) * tile, size.y)}});
  }
  const auto max_rects = static_cast<std::size_t>(std::max(options.max_rects, 1));
  if (rects.size() > 64) {  // scattered: one box (the caller may then draw everything)
    Rect box = rects.front();
    for (const auto& r : rects) box = unite(box, r);
    return {box};
  }
  while (rects.size() > max_rects) {  // merge the pair that adds the least area
    std::size_t bi = 0, bj = 1;
    float best = std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < rects.size(); ++i) {
      for (std::size_t j = i + 1; j < rects.size(); ++j) {
        const float cost = area(unite(rects[i], rects[j])) - area(rects[i]) - area(rects[j]);
        if (cost < best) {
          best = cost;
          bi = i;
          bj = j;
        }
      }
    }
    rects[bi] = unite(rects[bi], rects[bj]);
    rects.erase(rects.begin() + static_cast<std::ptrdiff_t>(bj));
  }
  return rects;
}

Damage DamageTracker::update(DrawSig frame) {
  Damage out;
  const bool same_size = previous_ && previous_->size.x == frame.size.x && previous_->size.y == frame.size.y;
  if (!same_size) {
    out.full = true;
    previous_ = std::move(frame);
    return out;
  }
  const DrawSig& before = *previous_;
  std::unordered_map<std::uint64_t, std::size_t> index;
  for (std::size_t i = 0; i < before.lists.size(); ++i) {
    if (!index.emplace(before.lists[i].id, i).second) out.full = true;  // ambiguous lists
  }
  std::vector<std::uint8_t> matched(before.lists.size(), 0);
  std::vector<Rect> damage;
  std::size_t last = 0;
  bool first = true;
  for (const auto& list : frame.lists) {
    const auto it = index.find(list.id);
    if (it == index.end()) {
      add_all(list.prims, damage);  // a new window or tooltip
      continue;
    }
    if (matched[it->second] != 0 || (!first && it->second < last)) out.full = true;  // windows reordered
    matched[it->second] = 1;
    last = it->second;
    first = false;
    diff_prims(before.lists[it->second].prims, list.prims, damage);
  }
  for (std::size_t i = 0; i < before.lists.size(); ++i) {
    if (matched[i] == 0) add_all(before.lists[i].prims, damage);  // a window or tooltip that closed
  }
  if (!out.full) {
    out.rects = coalesce(damage, frame.size, options_);
    if (out.fraction(frame.size) > options_.full_fraction) {
      out.full = true;
      out.rects.clear();
    }
  }
  previous_ = std::move(frame);
  return out;
}

}  // namespace epochscope::ui
