#version 330 core
// Round, anti-aliased discs (rings for held-out points), or the point's digit image from the atlas.
in vec4 vColor;
flat in uint vFlags;
flat in float vSize;
flat in int vIndex;

uniform sampler2D uAtlas;
uniform int uAtlasCols;
uniform vec2 uAtlasTile;
uniform int uAtlasColour;       // 1: RGB images, shown as they are inside a frame of the class colour
uniform float uAtlasTilePixels; // the larger side of one image, in texels
uniform int uDepth;  // 3-D: the faint rim is not written to the depth buffer (no dark halos)

out vec4 fragColor;

// Built twice (render/point_renderer): discs, and with IMAGES defined the digit images. Keeping the
// texture path out of the discs' build matters on software rasterisers (llvmpipe runs both sides of
// a branch).
void main() {
  // 3-D: greyed-out context (flag 4) sits at the far plane, so highlighted points always show.
  gl_FragDepth = (uDepth == 1 && (vFlags & 4u) != 0u) ? 0.99999 : gl_FragCoord.z;
#ifdef IMAGES
  vec2 tile = vec2(float(vIndex % uAtlasCols), float(vIndex / uAtlasCols));
  vec2 inner = clamp(gl_PointCoord, vec2(0.5 / uAtlasTilePixels), vec2(1.0 - 0.5 / uAtlasTilePixels));
  vec3 texel = texture(uAtlas, (tile + inner) * uAtlasTile).rgb;
  if (uAtlasColour == 1) {
    // The photo as it is, framed in its class colour (the frame a tenth of the point, at least 1.5 px).
    vec2 d = abs(gl_PointCoord - 0.5) * 2.0;
    float frame = max(1.5, 0.1 * vSize) * 2.0 / vSize;
    vec3 rgb = max(d.x, d.y) > 1.0 - frame ? vColor.rgb : texel;
    fragColor = vec4(rgb, vColor.a);
  } else {
    float ink = texel.r;
    // The digit in its class colour on a faint dark tile, so overlapping images stay readable.
    vec3 rgb = mix(vec3(0.08, 0.09, 0.11), vColor.rgb, ink);
    fragColor = vec4(rgb, vColor.a * (0.55 + 0.45 * ink));
  }
#else
  float radius = 0.5 * vSize;                          // pixels
  float r = length(gl_PointCoord * 2.0 - 1.0) * radius;  // distance from the centre, pixels
  float outer = clamp(radius - 0.5 - r + 0.5, 0.0, 1.0);
  float alpha = outer;
  if ((vFlags & 1u) != 0u) {
    float width = max(1.4, 0.3 * radius);
    float inner = clamp(r - (radius - 0.5 - width) + 0.5, 0.0, 1.0);
    alpha *= inner;
  }
  if (alpha <= 0.0 || (uDepth == 1 && alpha < 0.5)) discard;
  fragColor = vec4(vColor.rgb, vColor.a * alpha);
#endif
}
