#!/usr/bin/env python3
"""tests/meta/funclen.py: no function in src/ or plugins/ is longer than 80
lines (docs/internals.md, "Rules the meta tests keep").

How a function is counted. The code is formatted by .clang-format
(BreakBeforeBraces: Linux, AlwaysBreakAfterDefinitionReturnType), so every
function definition looks like

    static int              <- return type, on its own line
    name(int a,             <- the line of its name: where counting starts
        char *b)
    {
            ...
    }                       <- its closing brace, at column 0: counted too

A function's body is a "{" at column 0; its name is on the nearest line
above that starts at column 0 (parameters that wrap are indented); its end
is the next "}" at column 0. Its length is (line of "}") - (line of the
name) + 1: comments and blank lines inside count, the comment above it and
its return type do not.

Prints each function over the limit, and each entry of the allow-list
below that no longer needs to be there; exits 1 if it printed any.

Usage: tests/meta/funclen.py [-v] [ROOT]   (ROOT: the source tree, default
the one this script is in; -v: print the longest functions too)
"""
import sys

sys.dont_write_bytecode = True  # nothing written into the tree
import ctree  # noqa: E402 (beside this script)

LIMIT = 80

# Functions that may still be longer than LIMIT, as "path:name". Keep this
# list empty but for work that is under way; an entry for a function that
# is now short enough (or gone) fails the check, so that it gets removed.
ALLOWED = set()


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    root = args[0] if args else ctree.default_root(__file__)
    bad, seen, sizes = [], set(), []
    for path in ctree.sources(root):
        try:
            found = list(ctree.functions(path, ctree.read_lines(root, path)))
        except SyntaxError as e:
            bad.append(str(e))
            continue
        for name, first, length, _ in found:
            key = f"{path}:{name}"
            sizes.append((length, f"{path}:{first}: {name}"))
            if length <= LIMIT:
                continue
            if key in ALLOWED:
                seen.add(key)
                print(f"allowed: {path}:{first}: {name} is {length} lines")
                continue
            bad.append(f"{path}:{first}: {name} is {length} lines "
                       f"(at most {LIMIT})")
    for key in sorted(ALLOWED - seen):
        bad.append(f"{key}: on the allow-list of tests/meta/funclen.py "
                   f"but not over {LIMIT} lines (any more): remove it")
    if verbose:
        for length, where in sorted(sizes, reverse=True)[:10]:
            print(f"{length:4d} {where}")
    for line in bad:
        print(line)
    if bad:
        print(f"functions: {len(bad)} problem(s); split along meaning "
              "(a state machine's states, a walk's steps)")
        return 1
    print(f"functions: none over {LIMIT} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
