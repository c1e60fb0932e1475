"""tests/meta/ctree.py: reading the C tree for the meta checks
(layers.py, funclen.py). Relies on the layout .clang-format gives every
file: a function's name starts a line, its body opens with a "{" at column
0 and closes with the next "}" at column 0."""
import os
import re

NAME = re.compile(r"([A-Za-z_]\w*)\s*\(")
INCLUDE = re.compile(r'\s*#\s*include\s*"([^"]+)"')
IDENT = re.compile(r"[A-Za-z_]\w*")
# comments, string and character literals (blanked before looking for names)
NOISE = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"'
                   r"|'(?:\\.|[^'\\\n])*'", re.S)


def default_root(script):
    return os.path.normpath(os.path.join(os.path.dirname(
        os.path.abspath(script)), "..", ".."))


def sources(root, tops=("src", "plugins")):
    """The .c and .h files under tops, relative to root, sorted."""
    out = []
    for top in tops:
        for d, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(d, f), root))
    return out


def read_lines(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return f.read().split("\n")


def functions(path, lines):
    """(name, line of the name, length, static?) of each function defined
    in lines; lines are counted from 1. Raises SyntaxError when the file
    does not have the expected shape."""
    for i, line in enumerate(lines):
        if not line.startswith("{"):
            continue
        start = i - 1
        while start >= 0 and lines[start][:1] in (" ", "\t"):
            start -= 1
        m = NAME.search(lines[start]) if start >= 0 else None
        if m is None:
            raise SyntaxError(f"{path}:{i + 1}: a body without a name "
                              "above it (is the file formatted?)")
        end = i + 1
        while end < len(lines) and not lines[end].startswith("}"):
            end += 1
        if end == len(lines):
            raise SyntaxError(f"{path}:{i + 1}: no closing brace at "
                              "column 0")
        # "static" opens the return type's line, above the name's
        static = (start > 0 and lines[start - 1].startswith("static")) or \
            lines[start].startswith("static ")
        yield m.group(1), start + 1, end - start + 1, static


def includes(root, path, lines):
    """(line, name, path or None) of each #include "name" in a file.
    A name is looked up beside the file, then in src/ and the top of the
    tree (meson's include_directories('src', '.')); None: a generated
    header (version.h, in the build directory)."""
    here = os.path.dirname(path)
    for n, line in enumerate(lines, 1):
        m = INCLUDE.match(line)
        if m is None:
            continue
        found = None
        for d in (here, "src", "."):
            cand = os.path.normpath(os.path.join(d, m.group(1)))
            if os.path.isfile(os.path.join(root, cand)):
                found = cand
                break
        yield n, m.group(1), found


def blank_noise(text):
    """text without comments and literals, line breaks kept."""
    return NOISE.sub(lambda m: "\n" * m.group(0).count("\n") + " ", text)


def cycles(graph):
    """The strongly connected components of more than one node (each a
    sorted list), in a stable order: Tarjan's algorithm."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)
