#version 330 core
// One point sprite per tracked point. clip = uTransform * position (2-D layouts get z = 0).
layout(location = 0) in vec3 aPos;
layout(location = 1) in vec4 aColor;
layout(location = 2) in uint aFlags;

uniform mat4 uTransform;
uniform float uPointSize;
uniform float uRefDepth;  // 3-D: clip w at which a point has its nominal size (2-D: w = 1 = uRefDepth)
uniform vec2 uFog;        // 3-D: clip w where dimming starts and where it is strongest (2-D: 0 0, none)

out vec4 vColor;
flat out uint vFlags;
flat out float vSize;
flat out int vIndex;

void main() {
  gl_Position = uTransform * vec4(aPos, 1.0);
  float w = max(gl_Position.w, 1e-4);
  // Perspective: nearer points larger, within limits so neither end vanishes nor swamps the view.
  float perspective = clamp(uRefDepth / w, 0.55, 1.9);
  float size = uPointSize * perspective * (((aFlags & 2u) != 0u) ? 1.6 : 1.0);
  // One extra pixel of sprite so the anti-aliased edge is not cut off.
  gl_PointSize = size + 1.0;
  vec3 rgb = aColor.rgb;
  if (uFog.y > uFog.x) {
    float far = clamp((w - uFog.x) / (uFog.y - uFog.x), 0.0, 1.0);
    rgb = mix(rgb, vec3(0.09, 0.10, 0.12), 0.55 * far);  // towards the view's background
  }
  vColor = vec4(rgb, aColor.a);
  vFlags = aFlags;
  vSize = size + 1.0;
  vIndex = gl_VertexID;
}
