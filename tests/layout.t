#!/usr/bin/python3
"""layout.t: the promises of the controller's structure, checked on the
sources of controller/, controller/cli/ and proto/ and on their objects in
${O:-build} (as make's O; `make check` builds them first). One test per
rule; the offenders follow it as diagnostics, biggest first:

  1. no source file (.c, .h) over 1,000 lines;
  2. no function over 60 lines, from the first line of its definition to
     its closing brace (a definition's body opens and closes at column 0);
  3. no mutable storage outside functions' frames: nm's b/B and d/D
     symbols in a writable section (.bss, .data; .data.rel.ro, where PIE
     puts const tables of pointers, is read-only after relocation), which
     takes in function-local statics (NAME.N) too;
  4. no call cycle between files: file A calls file B when A's object
     needs a function B's defines; a strongly connected set of files is a
     cycle. The layers of the call graph follow as diagnostics: a file
     calls only files of lower layers.

Rules 3 and 4 are skipped when no object is built."""
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRS = ("controller", "controller/cli", "proto")
MAX_FILE, MAX_FUNC = 1000, 60
BUILD = os.environ.get("O") or "build"
BUILD = BUILD if os.path.isabs(BUILD) else os.path.join(TOP, BUILD)

n = failed = 0


def ok(cond, name, diags=(), skip=None):
    global n, failed
    n += 1
    if skip:
        print(f"ok {n} - {name} # SKIP {skip}")
    else:
        print(f"{'ok' if cond else 'not ok'} {n} - {name}")
        failed += not cond
    for d in diags:
        print(f"#   {d}")
    sys.stdout.flush()


def sources(exts):
    """The source files of DIRS with these extensions, relative to TOP."""
    out = []
    for d in DIRS:
        if os.path.isdir(os.path.join(TOP, d)):
            out += sorted(os.path.join(d, f) for f in os.listdir(os.path.join(TOP, d))
                          if f.endswith(exts) and os.path.isfile(os.path.join(TOP, d, f)))
    return out


def lines_of(path):
    with open(os.path.join(TOP, path), encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def functions(path):
    """(first line, last line, name) of each function defined in path: a
    body opens with "{" at column 0 after a header ending in ")"; the
    header's first line is the nearest line above at column 0 (a return
    type on a line of its own above it counts too); "}" at column 0 ends
    the body."""
    text = lines_of(path)
    out = []
    for i, line in enumerate(text):
        if not line.startswith("{") or i == 0 or not text[i - 1].rstrip().endswith(")"):
            continue
        first = i - 1
        while first > 0 and text[first][:1] in (" ", "\t"):
            first -= 1
        prev = text[first - 1].rstrip() if first > 0 else ""
        if (prev and prev[0] not in " \t#/*}" and "(" not in prev
                and not prev.endswith((";", "*/", "{", "}", ",", "="))):
            first -= 1
        last = next((j for j in range(i + 1, len(text)) if text[j].startswith("}")), len(text) - 1)
        header = " ".join(t.strip() for t in text[first:i])
        m = re.search(r"([A-Za-z_]\w*)\s*\(", header)
        out.append((first + 1, last + 1, m.group(1) if m else "?"))
    return out


def nm(obj):
    """[(name, nm class, section, size)] of an object (nm's System V form)."""
    r = subprocess.run(["nm", "-f", "sysv", obj], capture_output=True, text=True)
    if r.returncode != 0:
        raise OSError(r.stderr.strip() or f"nm {obj} failed")
    out = []
    for line in r.stdout.splitlines():
        f = [x.strip() for x in line.split("|")]
        if len(f) == 7 and f[2]:
            out.append((f[0], f[2], f[6], int(f[4], 16) if f[4] else 0))
    return out


def writable(cls, section):
    if cls in "Cc" or section == "*COM*":
        return True
    if cls not in "bBdDgGsSvV":
        return False
    if section.startswith(".data.rel.ro"):
        return False
    return section.startswith((".bss", ".data", ".tbss", ".tdata", ".sbss", ".sdata")) or section == "COMMON"


def tarjan(nodes, edges):
    """The strongly connected components of the graph, callees first."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
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
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


# 1. File sizes.
big = sorted(((len(lines_of(p)), p) for p in sources((".c", ".h"))), reverse=True)
big = [f"{p}: {k} lines" for k, p in big if k > MAX_FILE]
ok(not big, f"no source file in {', '.join(d + '/' for d in DIRS)} over {MAX_FILE:,} lines", big)

# 2. Function sizes.
long_ = sorted(((last - first + 1, p, first, name) for p in sources((".c", ".h"))
                for first, last, name in functions(p)), key=lambda t: (-t[0], t[1], t[2]))
long_ = [f"{p}:{first} {name}(): {k} lines" for k, p, first, name in long_ if k > MAX_FUNC]
ok(not long_, f"no function over {MAX_FUNC} lines", long_)

# The objects of the sources that exist; those not built are named.
objs, missing, stale = {}, [], []
for src in sources((".c",)):
    obj = os.path.join(BUILD, src[:-2] + ".o")
    if not os.path.exists(obj):
        missing.append(src)
        continue
    objs[src] = obj
    if os.path.getmtime(obj) < os.path.getmtime(os.path.join(TOP, src)):
        stale.append(src)
rel = os.path.relpath(BUILD, TOP) if BUILD.startswith(TOP + "/") else BUILD
notes = [f"not built, not checked: {' '.join(missing)}"] if missing else []
notes += [f"older than its source (run make): {' '.join(stale)}"] if stale else []
skip = None if objs else f"no object built in {rel}/ (run make)"
syms = {}
for src, obj in objs.items():
    try:
        syms[src] = nm(obj)
    except OSError as e:
        notes.append(f"{src}: {e}")

# 3. Mutable storage.
muts = []
for src in syms:
    for name, cls, section, size in syms[src]:
        if writable(cls, section):
            kind = "function-local static" if re.search(r"\.\d+$", name) else \
                "global" if cls.isupper() else "file-scope static"
            muts.append((src, name, f"{kind}, {section}, {size} bytes"))
muts = [f"{s[:-2]}.o: {name} ({what})" for s, name, what in sorted(muts)]
ok(not muts and len(syms) == len(objs), "no mutable global, file-scope or function-local static variable",
   notes + muts, skip)

# 4. Call cycles between files.
defs = {}
for src in syms:
    for name, cls, section, size in syms[src]:
        if cls in "TWi":
            defs.setdefault(name, []).append(src)
edges = {s: {} for s in syms}      # caller -> callee -> [functions]
for src in syms:
    for name, cls, section, size in syms[src]:
        if cls != "U" or name not in defs:
            continue
        to = [d for d in defs[name] if d != src]
        near = [d for d in to if os.path.dirname(d) == os.path.dirname(src)]
        for d in near or to:
            edges[src].setdefault(d, []).append(name)
sccs = tarjan(syms, edges)
cycles = []
for comp in (c for c in sccs if len(c) > 1):
    cycles.append("cycle: " + " ".join(comp))
    for a in comp:
        for b in comp:
            if b in edges[a]:
                f = sorted(edges[a][b])
                cycles.append(f"  {a} -> {b}: {', '.join(f[:6])}{' ...' if len(f) > 6 else ''}")
ok(not cycles, "no call cycle between the files", cycles, skip)

# The layers: 0 calls none of these files; k calls files of layers below k.
if not skip:
    comp_of = {v: i for i, c in enumerate(sccs) for v in c}
    layer = {}
    for i, comp in enumerate(sccs):          # callees come first
        below = [layer[comp_of[w]] for v in comp for w in edges[v] if comp_of[w] != i]
        layer[i] = 1 + max(below) if below else 0
    print("# the call graph's layers (a file calls only files of lower layers;")
    print("# {a b} is a cycle):")
    for k in range(max(layer.values(), default=-1) + 1):
        print(f"# layer {k}:")
        for i in sorted((i for i in layer if layer[i] == k), key=lambda i: sccs[i]):
            name = sccs[i][0] if len(sccs[i]) == 1 else "{" + " ".join(sccs[i]) + "}"
            calls = sorted({w for v in sccs[i] for w in edges[v] if comp_of[w] != i})
            print(f"#   {name}" + (f"  calls {' '.join(calls)}" if calls else ""))

print(f"1..{n}")
sys.exit(min(failed, 254))
