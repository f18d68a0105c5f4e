#!/bin/bash
# The client examples of proto/examples/ against a real judgeboxd: the Python
# one with Debian's python3-zmq and python3-msgpack, the Node one after an
# npm install of its package.json into a build directory (skipped when npm
# or the npm registry is not there).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"
jd_must_start

EX=$TOP/proto/examples
W=$JB/clients
mkdir -p "$W"
cd "$W" || exit 1
printf 'print(int(input()) * 2)\nprint("done")\n' > double.py
printf '21\n' > in.txt
printf 'import sys\nprint("bye")\nsys.exit(3)\n' > exit3.py
printf '#include <stdio.h>\nint main(void) { puts("from c"); return 0; }\n' > hello.c
want_ok='status ok
exit_code 0
--- stdout
42
done'
want_exit='status exit
exit_code 3
--- stdout
bye'
# summary FILE: the output without the figures that change from run to run.
summary() { grep -Ev '^(cpu_ms|wall_ms|memory_kb) ' "$1"; }
figures() { grep -Ec '^(cpu_ms|wall_ms|memory_kb) [0-9]+$' "$1"; }
show() { sed 's/^/#   /' "$1"; }
# is_ GOT WANT NAME FILE, ok_ COND NAME FILE: as is and ok; show FILE on a failure.
is_() { is "$1" "$2" "$3"; [ "$1" = "$2" ] || show "$4"; }
ok_() { ok "$1" "$2"; [ "$1" = 0 ] || show "$3"; }

# client NAME CMD...: run one example on three programs; 4 tests.
client() {
	local name=$1; shift
	"$@" double.py python3 in.txt > "$W/o" 2>&1; rc=$?
	is_ "$rc/$(summary "$W/o")" "0/$want_ok" "$name: a Python run with stdin: status ok, exit 0, its stdout" "$W/o"
	is "$(figures "$W/o")" 3 "$name: cpu_ms, wall_ms and memory_kb are numbers"
	"$@" exit3.py python3 > "$W/o" 2>&1; rc=$?
	is_ "$rc/$(summary "$W/o")" "1/$want_exit" "$name: a program that exits 3: status exit, exit_code 3, exit 1" "$W/o"
	"$@" hello.c c > "$W/o" 2>&1; rc=$?
	is_ "$rc/$(tail -n 1 "$W/o")" "0/from c" "$name: a C program, compiled: its stdout" "$W/o"
}

client client.py /usr/bin/python3 "$EX/client.py"
"$EX/client.py" hello.c nosuchlang > "$W/o" 2>&1; rc=$?
is "$rc/$(cat "$W/o")" "3/bad_request: $(sed -n 's/^bad_request: //p' "$W/o")" "client.py: an unknown language is an error reply, exit 3"

# Node: npm install into the build directory, from the npm registry only.
NODE_DIR=$JB/build/node-client
node_skip() { for _ in 1 2 3 4 5 6 7; do skip "$1"; done; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	node_skip "node or npm is not installed"
elif [ "$(node -p 'process.versions.node.split(".")[0] >= 18')" != true ]; then
	node_skip "node $(node --version) is older than 18"
elif ! timeout 30 npm ping >/dev/null 2>&1; then
	node_skip "the npm registry cannot be reached"
else
	mkdir -p "$NODE_DIR"
	cp "$EX/package.json" "$EX/client.mjs" "$NODE_DIR/"
	timeout 300 npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error \
		> "$W/npm.log" 2>&1
	ok_ $? "npm install of proto/examples/package.json" "$W/npm.log"
	v=$(node -p 'require(process.argv[1] + "/node_modules/zeromq/package.json").version' "$NODE_DIR")
	is "$v" "$(node -p 'require(process.argv[1]).dependencies.zeromq' "$EX/package.json")" \
		"zeromq is the version pinned in package.json"
	ls "$NODE_DIR"/node_modules/zeromq/build/linux/*/node/*/addon.node >/dev/null 2>&1
	ok $? "zeromq's native addon came prebuilt in its npm tarball (nothing compiled)"
	client client.mjs node "$NODE_DIR/client.mjs"
fi
done_testing
