#version 330 core
// The layer holds premultiplied colour; blended with ONE, ONE_MINUS_SRC_ALPHA.
in vec2 vUv;
uniform sampler2D uLayer;
out vec4 fragColor;
void main() { fragColor = texture(uLayer, vUv); }
