#version 330 core
// One point sprite per tracked point. ndc = position * uScale + uOffset.
layout(location = 0) in vec2 aPos;
layout(location = 1) in vec4 aColor;
layout(location = 2) in uint aFlags;

uniform vec2 uScale;
uniform vec2 uOffset;
uniform float uPointSize;

out vec4 vColor;
flat out uint vFlags;
flat out float vSize;
flat out int vIndex;

void main() {
  gl_Position = vec4(aPos * uScale + uOffset, 0.0, 1.0);
  float size = uPointSize * (((aFlags & 2u) != 0u) ? 1.6 : 1.0);
  // One extra pixel of sprite so the anti-aliased edge is not cut off.
  gl_PointSize = size + 1.0;
  vColor = aColor;
  vFlags = aFlags;
  vSize = size + 1.0;
  vIndex = gl_VertexID;
}
