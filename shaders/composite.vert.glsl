#version 330 core
// A view's cached point layer over its viewport: two triangles made from the vertex index.
out vec2 vUv;
void main() {
  const vec2 corners[6] = vec2[](vec2(0, 0), vec2(1, 0), vec2(1, 1), vec2(0, 0), vec2(1, 1), vec2(0, 1));
  vUv = corners[gl_VertexID];
  gl_Position = vec4(vUv * 2.0 - 1.0, 0.0, 1.0);
}
