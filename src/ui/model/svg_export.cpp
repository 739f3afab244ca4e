#include "epochscope/ui/svg_export.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

namespace epochscope::ui {
namespace {

std::string escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string hex(Rgba8 c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
  return buf;
}

std::string num(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(v));
  return buf;
}

std::string opacity(Rgba8 c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", c.a / 255.0);
  return buf;
}

}  // namespace

std::string to_svg(const SvgScene& s) {
  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(s.width) + "\" height=\"" + num(s.height) +
         "\" viewBox=\"0 0 " + num(s.width) + " " + num(s.height) + "\" font-family=\"DejaVu Sans, sans-serif\">\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"" + hex(s.background) + "\"/>\n";
  // Runs of points of one colour and kind share a group (in drawing order, so what is on top stays on top).
  std::size_t i = 0;
  while (i < s.points.size()) {
    const Rgba8 c = s.points[i].colour;
    const bool hollow = s.points[i].hollow;
    out += hollow ? "<g fill=\"none\" stroke=\"" + hex(c) + "\" stroke-opacity=\"" + opacity(c) + "\" stroke-width=\"1.2\">"
                  : "<g fill=\"" + hex(c) + "\" fill-opacity=\"" + opacity(c) + "\">";
    for (; i < s.points.size(); ++i) {
      const auto& p = s.points[i];
      if (p.hollow != hollow || p.colour.r != c.r || p.colour.g != c.g || p.colour.b != c.b || p.colour.a != c.a) break;
      if (!std::isfinite(p.at.x) || !std::isfinite(p.at.y)) continue;
      out += "<circle cx=\"" + num(p.at.x) + "\" cy=\"" + num(p.at.y) + "\" r=\"" + num(s.radius) + "\"/>";
    }
    out += "</g>\n";
  }
  for (const auto& t : s.traces) {
    std::string pts;
    for (const auto& p : t.points) {
      if (std::isfinite(p.x) && std::isfinite(p.y)) pts += num(p.x) + "," + num(p.y) + " ";
    }
    if (pts.empty()) continue;
    out += "<polyline points=\"" + pts + "\" fill=\"none\" stroke=\"" + hex(s.outline) + "\" stroke-opacity=\"" +
           opacity(s.outline) + "\" stroke-width=\"4\" stroke-linejoin=\"round\"/>\n";
    out += "<polyline points=\"" + pts + "\" fill=\"none\" stroke=\"" + hex(t.colour) + "\" stroke-width=\"2\" stroke-linejoin=\"round\"/>\n";
    out += "<g fill=\"" + hex(t.colour) + "\" stroke=\"" + hex(s.outline) + "\" stroke-width=\"1\">";
    for (const auto& p : t.points) {
      if (std::isfinite(p.x) && std::isfinite(p.y)) out += "<circle cx=\"" + num(p.x) + "\" cy=\"" + num(p.y) + "\" r=\"3\"/>";
    }
    out += "</g>\n";
  }
  if (!s.caption.empty()) {
    out += "<text x=\"12\" y=\"24\" font-size=\"15\" fill=\"" + hex(s.text) + "\">" + escape(s.caption) + "</text>\n";
  }
  if (!s.legend.empty()) {
    const float row = 20, w = 170, x = s.width - w - 12, y = 12;
    out += "<g font-size=\"13\">\n<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(w) + "\" height=\"" +
           num(row * static_cast<float>(s.legend.size()) + 10) + "\" rx=\"4\" fill=\"" + hex(s.background) +
           "\" fill-opacity=\"0.85\" stroke=\"" + hex(s.text) + "\" stroke-opacity=\"0.3\"/>\n";
    for (std::size_t k = 0; k < s.legend.size(); ++k) {
      const float cy = y + 5 + row * (static_cast<float>(k) + 0.5f);
      out += "<circle cx=\"" + num(x + 14) + "\" cy=\"" + num(cy) + "\" r=\"6\" fill=\"" + hex(s.legend[k].second) + "\"/>";
      out += "<text x=\"" + num(x + 28) + "\" y=\"" + num(cy + 4.5f) + "\" fill=\"" + hex(s.text) + "\">" +
             escape(s.legend[k].first) + "</text>\n";
    }
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace epochscope::ui
