#include "epochscope/ui/draw_signature.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

#include "epochscope/core/random.hpp"
#include "epochscope/ui/projection_view.hpp"

namespace epochscope::ui {
namespace {

Rect clip_of(const ImDrawCmd& cmd, const ImVec2& origin) {
  return {{cmd.ClipRect.x - origin.x, cmd.ClipRect.y - origin.y}, {cmd.ClipRect.z - origin.x, cmd.ClipRect.w - origin.y}};
}

Rect intersect(const Rect& a, const Rect& b) {
  return {{std::max(a.min.x, b.min.x), std::max(a.min.y, b.min.y)}, {std::min(a.max.x, b.max.x), std::min(a.max.y, b.max.y)}};
}

bool empty(const Rect& r) { return !(r.max.x > r.min.x && r.max.y > r.min.y); }

}  // namespace

DrawSig draw_signature(const ImDrawData& data, std::uint64_t frame) {
  DrawSig sig;
  sig.size = {data.DisplaySize.x, data.DisplaySize.y};
  const Rect screen{{0, 0}, {sig.size.x, sig.size.y}};
  const ImVec2 origin = data.DisplayPos;
  sig.lists.reserve(static_cast<std::size_t>(std::max(data.CmdListsCount, 0)));
  for (int l = 0; l < data.CmdListsCount; ++l) {
    const ImDrawList& list = *data.CmdLists[l];
    DrawListSig out;
    const char* name = list._OwnerName;
    out.id = name != nullptr ? hash_bytes(name, std::strlen(name)) : mix64(static_cast<std::uint64_t>(l) + 0x51u);
    out.prims.reserve(static_cast<std::size_t>(list.IdxBuffer.Size / 3) + static_cast<std::size_t>(list.CmdBuffer.Size));
    for (const ImDrawCmd& cmd : list.CmdBuffer) {
      const Rect clip = intersect(clip_of(cmd, origin), screen);
      if (empty(clip)) continue;  // draws nothing
      if (cmd.UserCallback != nullptr) {
        std::uint64_t token = 0x7e5e7;  // ImGui's reset: no pixels of its own
        if (cmd.UserCallback != ImDrawCallback_ResetRenderState) {
          const auto t = ProjectionView::callback_token(cmd);
          token = t ? *t : mix64(frame) ^ reinterpret_cast<std::uintptr_t>(cmd.UserCallbackData);
        }
        const float key[5] = {clip.min.x, clip.min.y, clip.max.x, clip.max.y, 1.0f};
        out.prims.push_back({hash_bytes(key, sizeof key, token), clip});
        continue;
      }
      const float state[4] = {clip.min.x, clip.min.y, clip.max.x, clip.max.y};
      const std::uint64_t seed = hash_bytes(state, sizeof state, reinterpret_cast<std::uintptr_t>(cmd.TextureId));
      for (unsigned e = 0; e + 2 < cmd.ElemCount; e += 3) {
        ImDrawVert v[3];
        Rect box{{1e30f, 1e30f}, {-1e30f, -1e30f}};
        for (int k = 0; k < 3; ++k) {
          const auto index = static_cast<unsigned>(list.IdxBuffer[static_cast<int>(cmd.IdxOffset + e) + k]) + cmd.VtxOffset;
          v[k] = list.VtxBuffer[static_cast<int>(index)];
          const Vec2 p{v[k].pos.x - origin.x, v[k].pos.y - origin.y};
          box.min = {std::min(box.min.x, p.x), std::min(box.min.y, p.y)};
          box.max = {std::max(box.max.x, p.x), std::max(box.max.y, p.y)};
        }
        const bool finite = std::isfinite(box.min.x) && std::isfinite(box.min.y) && std::isfinite(box.max.x) && std::isfinite(box.max.y);
        const Rect bounds = finite ? intersect(box, clip) : clip;
        if (finite && empty(bounds)) continue;  // clipped away, or no area: no pixel
        out.prims.push_back({hash_bytes(v, sizeof v, seed), bounds});
      }
    }
    sig.lists.push_back(std::move(out));
  }
  return sig;
}

ClipDrawData::ClipDrawData(ImDrawData& data, const Rect& rect) : data_(data) {
  const ImVec2 o = data.DisplayPos;
  const ImVec2 scale = data.FramebufferScale;
  const bool whole = scale.x == 1.0f && scale.y == 1.0f;
  const float fb_h = data.DisplaySize.y;
  for (int l = 0; l < data.CmdListsCount; ++l) {
    for (ImDrawCmd& cmd : data.CmdLists[l]->CmdBuffer) {
      saved_.push_back(cmd.ClipRect);
      ImVec4 c = cmd.ClipRect;
      if (whole) {  // the backend's glScissor: (int)x, (int)(h - max_y), (int)(width), (int)(height)
        const float x0 = c.x - o.x, y0 = c.y - o.y, x1 = c.z - o.x, y1 = c.w - o.y;
        const auto left = static_cast<float>(static_cast<int>(x0));
        const auto right = left + static_cast<float>(static_cast<int>(x1 - x0));
        const auto bottom_up = static_cast<float>(static_cast<int>(fb_h - y1));
        const auto height = static_cast<float>(static_cast<int>(y1 - y0));
        c = {left + o.x, fb_h - bottom_up - height + o.y, right + o.x, fb_h - bottom_up + o.y};
      }
      c.x = std::max(c.x, rect.min.x + o.x);
      c.y = std::max(c.y, rect.min.y + o.y);
      c.z = std::min(c.z, rect.max.x + o.x);
      c.w = std::min(c.w, rect.max.y + o.y);
      cmd.ClipRect = c;
    }
  }
}

ClipDrawData::~ClipDrawData() {
  std::size_t i = 0;
  for (int l = 0; l < data_.CmdListsCount; ++l) {
    for (ImDrawCmd& cmd : data_.CmdLists[l]->CmdBuffer) cmd.ClipRect = saved_[i++];
  }
}

}  // namespace epochscope::ui
