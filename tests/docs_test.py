#!/usr/bin/env python3
"""The README against the code: the in-app guide (docs/guide.md, shown on F1) appears in the README
word for word, every image the README shows exists, and every flag the README's command-line block
gives for `render` and the window is one the program accepts (read from its --help)."""
import os, re, subprocess, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
guide = open(os.path.join(root, "docs", "guide.md"), encoding="utf-8").read().strip()
failures = []

if guide not in readme:
    # Name the first paragraph that differs, so the fix is obvious.
    for para in guide.split("\n\n"):
        if para.strip() not in readme:
            failures.append("README lacks this paragraph of docs/guide.md (copy the file into the README):\n  "
                            + para.strip()[:200])
            break

for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme):
    if not os.path.isfile(os.path.join(root, image)):
        failures.append(f"README shows {image}, which does not exist")

if len(sys.argv) > 1:  # the built program: every flag in the command-line block is accepted
    exe = sys.argv[1]
    block = readme[readme.index("## Command line"):]
    block = block[block.index("```") + 3:]
    block = block[:block.index("```")]
    helps = {
        "render": subprocess.run([exe, "render", "--help"], capture_output=True, text=True).stdout,
        "": subprocess.run([exe, "--help"], capture_output=True, text=True).stdout,
    }
    section = None
    for line in block.splitlines():
        words = line.split("#")[0]
        if words.startswith("epochscope "):
            sub = words.split()[1]
            section = sub if sub in helps else ("" if sub.startswith("-") or sub == "[train" else None)
        if section is None:
            continue
        for flag in re.findall(r"(--[a-z][a-z0-9-]*)", words):
            if flag not in helps[section]:
                failures.append(f"README gives `epochscope {section} {flag}`, which --help does not list".replace("  ", " "))

if failures:
    sys.exit("docs_test: " + "\n".join(failures))
print("docs_test: the README holds the guide, its images and its flags")
