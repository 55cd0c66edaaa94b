#!/usr/bin/env python3
"""check_layers.py - keeps core/ in its layers and its modules free of cycles.

The build already refuses most violations (each layer's include path holds
only the layers below it; see core/CMakeLists.txt).  This check says the same
rules out loud, without compiling, and adds one the compiler cannot see: no
cycle among the modules of a layer (meeting.c must not include agenda.h while
agenda.c includes meeting.h).  A module is a header X.h with X.c, X_internal.h
and the .c files without a header of their own that include X.h first
(agenda.h: agenda.c, agenda_internal.h, agenda_sync.c, agenda_problems.c).

Usage: check_layers.py [CORE_DIR]   (default: core/ next to tests/)
       check_layers.py --self-test  (the check catches what it must)
Exit 0 when every rule holds, 1 with one line per violation otherwise.
"""
import os
import re
import sys

# Layer -> the layers its files may include (itself first).  "." is core/
# itself: main.c and demo.c, which may use everything.
ALLOWED = {
    "base": ["base"],
    "store": ["store", "base"],
    "engine": ["engine"],
    "domain": ["domain", "store", "engine", "base"],
    "lua": ["lua", "domain", "store", "engine", "base"],
    "plugin": ["plugin", "lua", "domain", "store", "engine", "base"],
    "web": ["web", "domain", "store", "engine", "base"],
    "mail": ["mail", "web", "domain", "store", "engine", "base"],
    "http": ["http", "mail", "web", "plugin", "lua", "domain", "store", "engine", "base"],
    ".": ["."] + ["http", "mail", "web", "plugin", "lua", "domain", "store", "engine", "base"],
}

# System headers a layer may not use: (pattern, layers that may).
SYSTEM_RULES = [
    (re.compile(r"^event2/"), {"http", "."}, "libevent"),
    (re.compile(r"^(lua|lauxlib|lualib)\.h$"), {"lua", "plugin", "."}, "Lua"),
    (re.compile(r"^sqlite3\.h$"), {"store", "domain", "lua", "plugin", "web", "mail", "http", "."},
     "SQLite"),
    (re.compile(r"^jansson\.h$"),
     {"base", "store", "domain", "lua", "plugin", "web", "mail", "http", "."},
     "jansson"),
    # Untrusted archives are opened in one place, plugin_files.c.
    (re.compile(r"^archive(_entry)?\.h$"), {"plugin"}, "libarchive"),
    # SMTP is spoken in one layer.
    (re.compile(r"^curl/"), {"mail"}, "libcurl"),
]

# What the HTTP and web layers must not do themselves: SQL and transactions
# belong to the domain and the store (handlers parse and answer).
NO_SQL_LAYERS = {"http", "web", "mail"}
SQL_USE = re.compile(r"\b(sqlite3_\w+|db_stmt|db_exec|db_run|db_begin\w*|db_commit|"
                     r"db_rollback|db_savepoint\w*)\s*\(")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^">]+)[">]', re.M)


def sources(core):
    for layer in ALLOWED:
        d = os.path.join(core, layer)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if name.endswith((".c", ".h")):
                yield layer, name, os.path.join(d, name)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def includes(path):
    return INCLUDE.findall(read(path))


def module_of(stem, headers, first_include):
    """The module a file belongs to: its own header's (X.c and X.h), X for
    X_internal.h, and for a .c without a header of its own the module of the
    first header of its layer it includes: by convention, its interface
    (visit_changes.c implements part of visit_allocation.h)."""
    if stem.endswith("_internal"):
        return stem[: -len("_internal")]
    if stem in headers or first_include is None:
        return stem
    return module_of(first_include[:-2], headers, None)


def find_cycle(graph):
    """One cycle as a list of nodes, or None (iterative DFS)."""
    state = {}
    for root in sorted(graph):
        if state.get(root):
            continue
        stack = [(root, iter(sorted(graph[root])))]
        path = [root]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(sorted(graph.get(nxt, ())))))
                path.append(nxt)
    return None


def check(core):
    errors = []
    files = list(sources(core))
    where = {}  # header name -> layer
    for layer, name, _ in files:
        if name.endswith(".h"):
            if name in where:
                errors.append(f"{name}: in both {where[name]}/ and {layer}/")
            where[name] = layer
    graphs = {}  # layer -> module -> modules it includes
    for layer, name, path in files:
        headers = {h[:-2] for h, lay in where.items() if lay == layer}
        if layer in NO_SQL_LAYERS:
            for use in sorted(set(SQL_USE.findall(read(path)))):
                errors.append(f"{layer}/{name}: calls {use}(): SQL and transactions belong "
                              f"to the domain")
        incs = includes(path)
        first = next((inc for kind, inc in incs
                      if kind == '"' and where.get(os.path.basename(inc)) == layer), None)
        me = module_of(name[:-2], headers, first)
        graph = graphs.setdefault(layer, {})
        graph.setdefault(me, set())
        for kind, inc in incs:
            rel = f"{layer}/{name}" if layer != "." else name
            if kind == '"':
                target = where.get(os.path.basename(inc))
                if target is None:
                    continue  # generated or test-only headers
                if target not in ALLOWED[layer]:
                    errors.append(f"{rel}: includes {inc} of layer {target}/, "
                                  f"above {layer}/ (may use: {', '.join(ALLOWED[layer])})")
                elif target == layer:
                    other = module_of(os.path.basename(inc)[:-2], headers, None)
                    if other != me:
                        graph[me].add(other)
            else:
                for pattern, may, what in SYSTEM_RULES:
                    if pattern.search(inc) and layer not in may:
                        errors.append(f"{rel}: includes <{inc}>: {layer}/ must not use {what}")
    for layer, graph in sorted(graphs.items()):
        cycle = find_cycle(graph)
        if cycle:
            errors.append(f"{layer}/: modules include each other: {' -> '.join(cycle)}")
    return errors


def self_test():
    """The check must fail on the mistakes it exists for."""
    import tempfile

    cases = {
        "up": {"domain/a.c": '#include "http.h"\n', "http/http.h": ""},
        "libevent": {"domain/a.c": "#include <event2/event.h>\n"},
        "libarchive": {"http/a.c": "#include <archive.h>\n"},
        "sql in a handler": {"http/api_x.c": 'void f(void) { db_stmt(db, "SELECT 1"); }\n'},
        "cycle": {"domain/a.h": "", "domain/a.c": '#include "a.h"\n#include "b.h"\n',
                  "domain/b.h": "", "domain/b.c": '#include "b.h"\n#include "a.h"\n'},
        "cycle via a helper file": {
            "domain/a.h": "", "domain/b.h": "",
            "domain/a_more.c": '#include "a.h"\n#include "b.h"\n',
            "domain/b.c": '#include "b.h"\n#include "a.h"\n'},
    }
    failed = 0
    for name, tree in cases.items():
        with tempfile.TemporaryDirectory() as core:
            os.makedirs(os.path.join(core, "domain"))
            for rel, text in tree.items():
                os.makedirs(os.path.dirname(os.path.join(core, rel)), exist_ok=True)
                with open(os.path.join(core, rel), "w", encoding="utf-8") as f:
                    f.write(text)
            if not check(core):
                print(f"check_layers: self-test '{name}' was not caught")
                failed = 1
    return failed


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    here = os.path.dirname(os.path.abspath(__file__))
    core = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "core")
    if not os.path.isdir(os.path.join(core, "domain")):
        print(f"check_layers: {core} has no domain/ folder", file=sys.stderr)
        return 2
    errors = check(core)
    for line in errors:
        print(line)
    if not errors:
        print("check_layers: every layer includes only layers below it; no module cycles")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
