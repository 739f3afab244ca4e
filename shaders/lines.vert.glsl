#version 330 core
// Graph edges between a view's points: the same position buffer, indexed by pairs.
layout(location = 0) in vec2 aPos;
uniform vec2 uScale;
uniform vec2 uOffset;
void main() { gl_Position = vec4(aPos * uScale + uOffset, 0.0, 1.0); }
