#!/usr/bin/python3
"""sessions_test.py PHASE: sessions (PROTOCOL.md 18), an editor's backend,
through the real sockets. Driven by tests/sessions.t, which configures,
starts, kills and restarts judgeboxd between the phases:

  main     every operation and every error: create (template, files),
           update and conflict, get, list and its pages, run (the version
           current at that moment), history (newest first, pages, editor
           states), delete; another user gets not_found; templates of
           every language; empty sources refused by run/test too
  caps     small caps and a 1 s idle time: bad_request naming each cap;
           an idle session expires (and is gone from list)
  crash1   two autosaves, then kill -9 of the daemon
  crash2   (after the restart) the session is at the last saved version

The clients are tests/lib/protocol_test.py's (its shape checks included).
Every program is only ever run by the daemon, in a box.
"""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import protocol_test as pt  # noqa: E402
from phasetap import _short, get, is_, load_data, ok, run_phase, save_data  # noqa: E402

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
is_err, call, other = pt.is_err, pt.call, pt.other

PY_V = b"print('version %d')\n"


def files(*pairs):
    return [{"name": n, "content": c} for n, c in pairs]


def create(**kw):
    return call(dict({"op": "session_create"}, **kw))


def sess(rep):
    return get(rep, "session", default={})


def t_create():
    rep = create(lang="python3")
    s = sess(rep)
    ok(rep.get("ok") is True and type(s.get("id")) is int and s.get("version") == 1
       and s.get("lang") == "python3" and s.get("nfiles") == 1 and "files" not in s
       and type(s.get("created_at")) is int and type(s.get("expires_at")) is int,
       "session_create lang python3: id, version 1, one file (the language's template)", _short(rep))
    g = sess(call({"op": "session_get", "id": s.get("id")}))
    want = open(f"{TOP}/policies/templates/python3.py", "rb").read()
    is_(g.get("files"), files(("main.py", want)), "session_get: the template, as main.py")
    rep = create(lang="c", template="c")
    is_(get(rep, "session", "nfiles"), 1, "session_create with template c")
    rep = create(lang="python3", files=files(("main.py", PY_V % 1), ("data/in.txt", b"x")))
    s2 = sess(rep)
    ok(s2.get("nfiles") == 2 and s2.get("bytes") == len(PY_V % 1) + 1, "session_create with files", _short(rep))
    is_err(create(lang="python3", template="python3", files=files(("main.py", b"x"))), "bad_request",
           "session_create with a template and files: bad_request", field="template")
    is_err(create(lang="nosuch"), "bad_request", "session_create, unknown lang: bad_request", field="lang")
    is_err(create(), "bad_request", "session_create without lang: bad_request", field="lang")
    is_err(create(lang="python3", template="nosuch"), "not_found", "an unknown template: not_found",
           field="template")
    is_err(create(lang="python3", template="../x"), "bad_request", "a template name with '/': bad_request",
           field="template")
    is_err(create(lang="python3", files=files(("../x.py", b"x"))), "bad_request",
           "a file name with '..': bad_request", field="files.0.name")
    is_err(create(lang="python3", files=files(("a.py", b"x"), ("a.py", b"y"))), "bad_request",
           "two files of one name: bad_request", field="files.1.name")
    is_err(create(lang="python3", files="main.py"), "bad_request", "files not an array: bad_request",
           field="files")
    is_err(create(lang="python3", files=[{"name": "main.py", "content": 3}]), "bad_request",
           "content not bin: bad_request", field="files.0.content")
    return s2["id"]


def t_update(sid):
    rep = call({"op": "session_update", "id": sid, "base_version": 1, "files": files(("main.py", PY_V % 2))})
    ok(get(rep, "session", "version") == 2 and get(rep, "session", "nfiles") == 1,
       "session_update from version 1: version 2", _short(rep))
    rep = call({"op": "session_update", "id": sid, "base_version": 1, "files": files(("main.py", b"lost"))})
    is_err(rep, "conflict", "session_update from a stale version: conflict", field="base_version")
    ok("version 2" in get(rep, "error", "message", default=""), "the conflict names the current version",
       _short(rep))
    is_(get(call({"op": "session_get", "id": sid}), "session", "files"), files(("main.py", PY_V % 2)),
        "the stale update changed nothing")
    is_err(call({"op": "session_update", "id": sid, "files": files(("main.py", b"x"))}), "bad_request",
           "session_update without base_version: bad_request", field="base_version")
    is_err(call({"op": "session_update", "base_version": 2, "files": []}), "bad_request",
           "session_update without id: bad_request", field="id")
    is_err(call({"op": "session_update", "id": sid, "base_version": 2}), "bad_request",
           "session_update without files: bad_request", field="files")
    is_err(call({"op": "session_update", "id": 999999, "base_version": 1, "files": []}), "not_found",
           "session_update of no session: not_found", field="id")
    is_err(call({"op": "session_get", "id": 999999}), "not_found", "session_get of no session: not_found")
    is_err(call({"op": "session_get", "id": "x"}), "bad_request", "session_get, id not a uint: bad_request",
           field="id")


def t_other_user(sid):
    reps = other({"op": "session_get", "id": sid},
                 {"op": "session_update", "id": sid, "base_version": 2, "files": []},
                 {"op": "session_run", "id": sid},
                 {"op": "session_history", "id": sid},
                 {"op": "session_delete", "id": sid},
                 {"op": "session_list"})
    for rep, op in zip(reps[:5], ("get", "update", "run", "history", "delete")):
        is_err(rep, "not_found", f"another user's session_{op}: not_found", field="id")
    is_(get(reps[5], "sessions"), [], "another user's session_list: none of root's sessions")
    is_(get(call({"op": "session_get", "id": sid}), "session", "version"), 2,
        "the session is unchanged by the other user")


def t_run_history(sid):
    rep = call({"op": "session_run", "id": sid})
    j1 = get(rep, "job", default={})
    ok(j1.get("state") == "queued" and get(rep, "session") == {"id": sid, "version": 2},
       "session_run: a queued job at once, with the session's version (2)", _short(rep))
    call({"op": "session_update", "id": sid, "base_version": 2, "files": files(("main.py", PY_V % 3))})
    rep = call({"op": "session_run", "id": sid, "stdin": b"in", "limits": {"cpu_ms": 2000}, "label": "ed"})
    j2 = get(rep, "job", default={})
    is_(get(rep, "session", "version"), 3, "a run after an autosave runs the new version (3)")
    job = pt.wait_job(j1["id"])
    is_(get(job, "result", "stdout"), b"version 2\n", "the first run ran version 2, though version 3 was saved before it started")
    job = pt.wait_job(j2["id"])
    is_(get(job, "result", "stdout"), b"version 3\n", "the second run ran version 3")
    ok(get(job, "label") == "ed" and get(job, "limits", "cpu_ms") == 2000, "session_run takes label and limits",
       _short(job))
    rep = call({"op": "session_history", "id": sid})
    runs = get(rep, "runs", default=[])
    is_([(r.get("version"), get(r, "job", "id"), r.get("editor_state")) for r in runs],
        [(3, j2["id"], "COMPLETED"), (2, j1["id"], "COMPLETED")],
        "session_history: the runs, newest first, each with its version and editor state")
    ok("next" not in rep and "stdout" not in get(runs, 0, "job", "result", default={}),
       "one page; job summaries (no output)", _short(rep))
    return j1["id"], j2["id"]


def t_pages(sid, j1, j2):
    rep = call({"op": "session_history", "id": sid, "limit": 1})
    ok([get(r, "job", "id") for r in get(rep, "runs", default=[])] == [j2] and type(rep.get("next")) is str,
       "session_history limit 1: the newest run and next", _short(rep))
    rep = call({"op": "session_history", "id": sid, "limit": 1, "cursor": rep.get("next", "")})
    ok([get(r, "job", "id") for r in get(rep, "runs", default=[])] == [j1] and "next" not in rep,
       "its next page: the older run, the end", _short(rep))
    is_err(call({"op": "session_history", "id": sid, "cursor": "s1"}), "bad_request",
           "session_history with a cursor of another listing: bad_request", field="cursor")
    is_err(call({"op": "session_history", "id": sid, "limit": 101}), "bad_request",
           "session_history limit 101: bad_request", field="limit")
    ids = [s["id"] for s in get(call({"op": "session_list", "limit": 100}), "sessions", default=[])]
    ok(len(ids) >= 3 and ids == sorted(ids, reverse=True) and sid in ids, "session_list: mine, newest first",
       ids)
    rep = call({"op": "session_list", "limit": 2})
    first = [s["id"] for s in get(rep, "sessions", default=[])]
    rep2 = call({"op": "session_list", "limit": 100, "cursor": rep.get("next", "")})
    is_(first + [s["id"] for s in get(rep2, "sessions", default=[])], ids,
        "session_list limit 2, then its next page: the same sessions, in order")
    ok(all("files" not in s for s in get(rep, "sessions", default=[])), "session_list: summaries, no files")
    is_err(call({"op": "session_list", "cursor": "zz"}), "bad_request", "session_list, a bad cursor: bad_request",
           field="cursor")


def t_run_errors():
    sid = sess(create(lang="python3", files=files(("other.py", b"print(1)\n"))))["id"]
    is_err(call({"op": "session_run", "id": sid}), "bad_request",
           "session_run without the language's entry file: bad_request", field="files")
    call({"op": "session_update", "id": sid, "base_version": 1, "files": files(("main.py", b" \n\t\n"))})
    is_err(call({"op": "session_run", "id": sid}), "bad_request",
           "session_run of a white-space-only main.py: bad_request", field="files.0.content")
    call({"op": "session_update", "id": sid, "base_version": 2, "files": files(("main.py", b"print(1)\n"))})
    is_err(call({"op": "session_run", "id": sid, "limits": {"cpu_ms": 10 ** 9}}), "bad_request",
           "session_run, a limit over its ceiling: bad_request", field="limits.cpu_ms")
    is_err(call({"op": "session_run", "id": sid, "stdin": 5}), "bad_request",
           "session_run, stdin not bin: bad_request", field="stdin")
    is_err(call({"op": "session_run"}), "bad_request", "session_run without id: bad_request", field="id")
    is_err(call({"op": "session_run", "id": 999999}), "not_found", "session_run of no session: not_found")
    is_(get(call({"op": "session_history", "id": sid}), "runs"), [], "refused runs leave no history")
    rep = call({"op": "session_run", "id": sid, "idem": "k1"})
    rep2 = call({"op": "session_run", "id": sid, "idem": "k1"})
    ok(rep2.get("dup") is True and get(rep2, "job", "id") == get(rep, "job", "id"),
       "session_run with a used idem key: the same job, dup", _short(rep2))
    is_(len(get(call({"op": "session_history", "id": sid}), "runs", default=[])), 1, "and one run in the history")
    j = pt.wait_job(get(rep, "job", "id"))
    is_(j.get("state"), "judged", "that run ended")
    sp = call({"op": "session_run", "id": sid, "limits": {"cpu_ms": 300}})
    call({"op": "session_update", "id": sid, "base_version": 3, "files": files(("main.py", b"while True: pass\n"))})
    tmo = call({"op": "session_run", "id": sid, "limits": {"cpu_ms": 300}})
    call({"op": "session_update", "id": sid, "base_version": 4, "files": files(("main.py", b"print(\n"))})
    bad = call({"op": "session_run", "id": sid})
    for r in (sp, tmo, bad):
        pt.wait_job(get(r, "job", "id"))
    states = [r.get("editor_state") for r in get(call({"op": "session_history", "id": sid}), "runs", default=[])]
    is_(states, ["FAILED", "TIMEOUT", "COMPLETED", "COMPLETED"],
        "editor states: a syntax error FAILED, a CPU limit TIMEOUT, a clean exit COMPLETED")
    return sid


def t_delete(sid):
    rep = call({"op": "session_delete", "id": sid})
    is_(rep.get("deleted"), True, "session_delete: deleted")
    is_err(call({"op": "session_get", "id": sid}), "not_found", "session_get after delete: not_found")
    is_err(call({"op": "session_history", "id": sid}), "not_found", "session_history after delete: not_found")
    is_err(call({"op": "session_delete", "id": sid}), "not_found", "session_delete again: not_found")


def t_empty_sources():
    is_err(call({"op": "run", "lang": "python3", "source": b" \n\t "}), "bad_request",
           "run with a white-space-only source: bad_request", field="source")
    is_err(call({"op": "run", "lang": "python3", "source": b""}), "bad_request",
           "run with an empty source: bad_request", field="source")
    is_err(call({"op": "run", "lang": "python3", "files": files(("main.py", b"\n"), ("u.py", b"x=1"))}),
           "bad_request", "run whose entry file is blank: bad_request", field="files.0.content")
    is_err(call({"op": "test", "lang": "python3", "source": b"  ",
                 "tests": [{"name": "t", "input": b"", "answer": b""}]}), "bad_request",
           "test with a blank source: bad_request", field="source")
    rep = call({"op": "run", "lang": "python3", "files": files(("main.py", b"print(1)\n"), ("empty.txt", b""))})
    is_(rep.get("ok"), True, "an empty file beside a real entry file is fine")


def t_templates():
    """Every language has a template, and session_create takes it (or says
    the language is unavailable here)."""
    langs = get(call({"op": "languages"}), "languages", default=[])
    bad = []
    for lang in langs:
        rep = create(lang=lang["id"])
        want = "ok" if lang.get("available") else "unavailable"
        got = "ok" if rep.get("ok") else get(rep, "error", "code")
        if got != want:
            bad.append(f"{lang['id']}: {got}, want {want}: {_short(rep, 200)}")
    ok(len(langs) >= 20 and not bad, f"session_create with the default template of each of {len(langs)} languages",
       *bad)


def phase_main():
    sid = t_create()
    t_update(sid)
    t_other_user(sid)
    j1, j2 = t_run_history(sid)
    t_pages(sid, j1, j2)
    t_delete(t_run_errors())
    t_empty_sources()
    t_templates()


def phase_caps():
    is_err(create(lang="python3", files=files(("a.py", b"1"), ("b.py", b"2"), ("main.py", b"3"))),
           "bad_request", "3 files over session_max_files 2: bad_request naming it", field="files", limit=2)
    rep = create(lang="python3", files=files(("main.py", b"x" * 101)))
    is_err(rep, "bad_request", "a file over session_max_file 100: bad_request", field="files.0.content", limit=100)
    ok("session_max_file" in get(rep, "error", "message", default=""), "the message names session_max_file",
       _short(rep))
    rep = create(lang="python3", files=files(("main.py", b"x" * 80), ("b.py", b"y" * 80)))
    is_err(rep, "bad_request", "files over session_max_total 150: bad_request", field="files", limit=150)
    sid = sess(create(lang="python3", files=files(("main.py", b"print(1)\n"))))["id"]
    rep = call({"op": "session_update", "id": sid, "base_version": 1,
                "files": files(("main.py", b"x" * 60), ("b", b"y"), ("c", b"z"))})
    is_err(rep, "bad_request", "session_update is capped too", field="files", limit=2)
    s = sess(call({"op": "session_get", "id": sid}))
    ok(0 < s.get("expires_at", 0) - s.get("updated_at", 0) <= 1000, "expires_at: the last use plus session_idle_s",
       _short(s))
    time.sleep(1.3)
    is_err(call({"op": "session_get", "id": sid}), "not_found", "a session idle past session_idle_s: not_found")
    is_(get(call({"op": "session_list"}), "sessions"), [], "and session_list does not show it")
    is_err(call({"op": "session_update", "id": sid, "base_version": 1, "files": []}), "not_found",
           "nor can it be updated")
    sid2 = sess(create(lang="python3", files=files(("main.py", b"print(1)\n"))))["id"]
    for v in range(1, 4):
        time.sleep(0.4)
        call({"op": "session_update", "id": sid2, "base_version": v, "files": files(("main.py", b"print(2)\n"))})
    is_(get(call({"op": "session_get", "id": sid2}), "session", "version"), 4,
        "a session used more often than session_idle_s stays (1.2 s of autosaves)")


def phase_crash1():
    sid = sess(create(lang="python3", files=files(("main.py", PY_V % 1))))["id"]
    for v in (1, 2):
        rep = call({"op": "session_update", "id": sid, "base_version": v, "files": files(("main.py", PY_V % (v + 1)))})
        is_(get(rep, "session", "version"), v + 1, f"autosave {v}: version {v + 1}")
    save_data(crash_session=sid)
    os.kill(int(os.environ["JD_PID"]), signal.SIGKILL)


def phase_crash2():
    sid = load_data()["crash_session"]
    s = sess(call({"op": "session_get", "id": sid}))
    ok(s.get("version") == 3 and s.get("files") == files(("main.py", PY_V % 3)),
       "after kill -9: the session at its last acknowledged autosave (version 3)", _short(s))


PHASES = {"main": phase_main, "caps": phase_caps, "crash1": phase_crash1, "crash2": phase_crash2}

if __name__ == "__main__":
    pt.C = pt.Client()
    run_phase(sys.argv[1], lambda: (PHASES[sys.argv[1]](), pt.t_shapes()),
              lambda: (pt.C.close(), pt.CTX.destroy(linger=0)))
