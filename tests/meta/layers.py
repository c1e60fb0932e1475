#!/usr/bin/env python3
"""tests/meta/layers.py: the layers of STYLE.md §10 hold
(docs/internals.md, "Rules the meta tests keep").

  dirs   No #include "..." goes from a layer to a higher one, and no two
         directories of src/ include each other, directly or round a
         circle. The layers are LAYERS below, top first; a directory may
         include any directory of its own layer or a lower one. plugins/
         (programs built on libpaks) is the top.
  files  No two files need each other, directly or round a circle: file A
         needs file B when A calls (or takes the address of) a function
         that B defines, not static. In C that is what including B's
         header is for; a header that declares the functions of several
         .c files hides such a need, so this check follows the
         definitions, not the #include lines. Headers that include each
         other round a circle fail too. Only functions count: a table
         (cmd-table.c, engines[]) names the entries it lists by design.

Prints what breaks a rule, with the lines that make the edge; exits 1 if
anything does (or an entry of the allow-list is no longer needed).

Usage: tests/meta/layers.py dirs|files [ROOT]
"""
import collections
import os
import re
import sys

sys.dont_write_bytecode = True  # nothing written into the tree
import ctree  # noqa: E402 (beside this script)

# Top first (docs/internals.md draws them). Besides the directories of
# src/: "plugins" is plugins/; "main" is src/main.c and src/cmd-table.c
# (the binary, and the table that names every command); "cmd" is the rest
# of src/cmd*.[ch] (the entry type, the dispatcher and the option parser
# that host/, inside/, session/ and plugin/ share). STYLE.md §10 puts
# engine/ and image/ side by side; image/ drives the engines (save, move),
# so it is the upper of the two.
LAYERS = [
    ["plugins", "main"],
    ["host", "inside"],
    ["session", "plugin", "cmd"],
    ["image"],
    ["engine"],
    ["store"],
    ["util"],
]

# Cycles between directories that may stay for now, each a set of two.
# Nothing else belongs here; an entry no longer needed fails "dirs".
ALLOWED_CYCLES = []


def unit_of(path):
    """The directory (layer member) a file belongs to, or None."""
    parts = path.split(os.sep)
    if parts[0] == "plugins":
        return "plugins"
    if len(parts) > 2:
        return parts[1]
    if path in ("src/main.c", "src/cmd-table.c"):
        return "main"
    if re.fullmatch(r"src/cmd[\w-]*\.[ch]", path):
        return "cmd"
    return None


def layer_of(unit):
    for n, names in enumerate(LAYERS):
        if unit in names:
            return n
    return None


def check_dirs(root):
    bad = []
    edges = collections.defaultdict(list)  # (from, to) -> ["file:line ..."]
    for path in ctree.sources(root):
        unit = unit_of(path)
        if unit is None or layer_of(unit) is None:
            bad.append(f"{path}: in no layer (add its directory to LAYERS "
                       "in tests/meta/layers.py and to docs/internals.md)")
            continue
        for line, name, found in ctree.includes(
                root, path, ctree.read_lines(root, path)):
            to = unit_of(found) if found else None
            if to is None or to == unit:
                continue
            edges[(unit, to)].append(f"{path}:{line} includes \"{name}\"")
            if layer_of(to) is not None and layer_of(to) < layer_of(unit):
                bad.append(f"{path}:{line}: includes \"{name}\": {to} is "
                           f"above {unit} (includes only point down)")
    graph = collections.defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    comps = ctree.cycles(graph)
    for comp in comps:
        allowed = set(comp) in ALLOWED_CYCLES
        print(f"{'allowed: ' if allowed else ''}cycle between "
              f"directories: {' '.join(comp)}")
        for (a, b), where in sorted(edges.items()):
            if a in comp and b in comp:
                for w in where:
                    print(f"  {a} -> {b}: {w}")
        if not allowed:
            bad.append(f"cycle between directories: {' '.join(comp)}")
    for pair in ALLOWED_CYCLES:
        if not any(pair <= set(comp) for comp in comps):
            bad.append(f"the allowed cycle {' '.join(sorted(pair))} is "
                       "gone: remove it from tests/meta/layers.py")
    return bad, "directories: every include points down, no cycle"


def definitions(root, paths):
    """name -> the .c file defining it, for every function not static
    (names defined in more than one file, such as each program's main,
    are left out)."""
    where = collections.defaultdict(set)
    for path in paths:
        if path.endswith(".c"):
            lines = ctree.read_lines(root, path)
            for name, _, _, static in ctree.functions(path, lines):
                if not static:
                    where[name].add(path)
    return {n: next(iter(p)) for n, p in where.items() if len(p) == 1}


def check_files(root):
    paths = ctree.sources(root)
    try:
        defs = definitions(root, paths)
    except SyntaxError as e:
        return [str(e)], ""
    edges = {}  # (from, to) -> "file:line: why"
    for path in paths:
        lines = ctree.read_lines(root, path)
        for line, name, found in ctree.includes(root, path, lines):
            if found is not None and path.endswith(".h"):
                edges.setdefault((path, found),
                                 f"{path}:{line} includes \"{name}\"")
        if not path.endswith(".c"):
            continue
        text = ctree.blank_noise("\n".join(lines)).split("\n")
        for n, line in enumerate(text, 1):
            for word in ctree.IDENT.findall(line):
                to = defs.get(word)
                if to is not None and to != path:
                    edges.setdefault((path, to),
                                     f"{path}:{n} uses {word}()")
    graph = collections.defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    bad = []
    for comp in ctree.cycles(graph):
        dirs = {unit_of(p) for p in comp}
        allowed = len(dirs) == 2 and dirs in ALLOWED_CYCLES
        print(f"{'allowed (as directories): ' if allowed else ''}"
              f"cycle between files: {' '.join(comp)}")
        for (a, b), why in sorted(edges.items()):
            if a in comp and b in comp:
                print(f"  {why}")
        if not allowed:
            bad.append(f"cycle between files: {' '.join(comp)}")
    return bad, "files: no two need each other"


def main(argv):
    checks = {"dirs": check_dirs, "files": check_files}
    if not argv or argv[0] not in checks:
        print(__doc__.strip().split("\n")[-1], file=sys.stderr)
        return 2
    root = argv[1] if len(argv) > 1 else ctree.default_root(__file__)
    bad, fine = checks[argv[0]](root)
    for line in bad:
        print(line)
    if bad:
        print(f"{argv[0]}: {len(bad)} problem(s); see docs/internals.md")
        return 1
    print(fine)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
