"""phasetap.py: TAP for Python test scripts that a bash driver runs in
phases, restarting judgeboxd between them (tests/lib/daemon-env.sh,
jd_phase). Test numbers continue from the count in $PT_DIR/n, and
failures from the count in $PT_DIR/failed, which run_phase() writes back
(the driver's done_testing prints the plan and exits non-zero if any test
failed); values a later phase needs are kept in $PT_DIR/data.json."""
import json
import os
import sys
import time
import traceback

PT = os.environ["PT_DIR"]
T0 = time.monotonic()
_n = [int(open(f"{PT}/n").read())]
try:
    _failed = [int(open(f"{PT}/failed").read())]
except FileNotFoundError:
    _failed = [0]


def _short(v, n=900):
    s = repr(v)
    return s if len(s) <= n else s[:n] + "..."


def ok(cond, name, *diag):
    _n[0] += 1
    print(f"{'ok' if cond else 'not ok'} {_n[0]} - {name}")
    if not cond:
        _failed[0] += 1
        for d in diag:
            for line in str(d).splitlines():
                print(f"#   {line}")
    sys.stdout.flush()
    return bool(cond)


def is_(got, want, name, *diag):
    return ok(got == want, name, f"got:  {_short(got)}", f"want: {_short(want)}", *diag)


def note(msg):
    print(f"# [{time.monotonic() - T0:5.1f} s] {msg}")
    sys.stdout.flush()


def get(d, *path, default=None):
    """d[path[0]][path[1]]..., or default if any step is missing."""
    for k in path:
        if isinstance(d, dict) and k in d:
            d = d[k]
        elif isinstance(d, list) and isinstance(k, int) and -len(d) <= k < len(d):
            d = d[k]
        else:
            return default
    return d


def load_data():
    try:
        return json.load(open(f"{PT}/data.json"))
    except FileNotFoundError:
        return {}


def save_data(**kv):
    d = load_data()
    d.update(kv)
    json.dump(d, open(f"{PT}/data.json", "w"))


def run_phase(name, body, cleanup):
    """Run phase name's body; a crash of the test is a failing test, not a
    stop. The counts are written back whatever happens."""
    try:
        body()
    except Exception:  # noqa: BLE001 - reported as a failure
        ok(False, f"phase {name} ran to its end", traceback.format_exc())
    finally:
        open(f"{PT}/n", "w").write(str(_n[0]))
        open(f"{PT}/failed", "w").write(str(_failed[0]))
        cleanup()
