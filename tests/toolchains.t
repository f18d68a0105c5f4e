#!/bin/bash
# Real toolchains under the shipped policies. For each language the compiler
# (or, for Python and JavaScript, the syntax check) runs in the jail under
# default.policy, since compilers fork and exec, and writes into /box. Then
# three programs run under the language's run policy (the header of
# policies/strict.policy says which): a hello world (stdout a file), a sum
# of numbers from stdin (stdin and stdout pipes), and a busier one (threads,
# timers, files in /box and /tmp, the runtime's own corners). Each must end
# ok, print the right thing and make no violation. A toolchain missing from
# the host is skipped; `make check` installs them (DEPS in the Makefile).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/helper-env.sh"
SRC=$JB/src
mkdir -p "$SRC"
# Compile steps get generous limits: compilers are big, threaded and fork.
COMPILE="--policy=default --memory-kb=1048576 --procs=256 --cpu-ms=20000 --wall-ms=60000"
# Runs get room for a JIT and threads; CPU time is still the cgroup's.
RUNTIME="--memory-kb=524288 --procs=64 --cpu-ms=10000 --wall-ms=20000"
# The input of the sum programs.
printf '1 2 3\n40\n' > "$SRC/input"

# have TOOL...: on the PATH the job gets (/usr/local/bin:/usr/bin:/bin), not
# the caller's: a rustup or pyenv shim under /root is not in the box.
have() { for t; do PATH=/usr/local/bin:/usr/bin:/bin command -v "$t" >/dev/null || return; done; }
# abs 'PROG ARGS': PROG made absolute on that PATH. The helper looks a bare
# name up in the caller's PATH (judgebox-helper(8), BUGS), not the job's.
abs() { set -- $1; p=$1; shift; case $p in /*) ;; *) p=$(PATH=/usr/local/bin:/usr/bin:/bin command -v "$p");; esac; echo "$p $*"; }

# jrun BOX [helper options] -- PROG ARGS: like box_run, but stdin and stdout
# are pipes (as a controller or an interactor would give), $SRC/input in.
jrun() {
	b=$1; shift
	hrun run "$b" --result-fd=3 "$@" 3>"$OUT/result" 2>"$OUT/stderr" <"$SRC/input" | cat >"$OUT/stdout"
}

# check NAME [WANT]: the last run ended ok, made no violation and printed
# WANT (anything, without one); on failure, show the record and what the job
# wrote to stdout and stderr.
check() {
	got="$(field status)$(field syscall)/$(cat "$OUT/stdout")"
	[ $# = 1 ] && got=${got%%/*}/
	is "$got" "ok/${2:-}" "$1"
	[ "$got" = "ok/${2:-}" ] || { sed 's/^/#   record: /' "$OUT/result"
		head -c 1500 "$OUT/stdout" | sed 's/^/#   stdout: /'; head -c 1500 "$OUT/stderr" | sed 's/^/#   stderr: /'; }
}

# language NAME BOX POLICY 'TOOLS' 'COMPILE' 'HELLO' 'SUM' 'BUSY' FILE...:
# four test points. FILEs (from $SRC) go into box BOX's /box, readable by
# its uid; COMPILE runs there (sh -c), then the three programs under POLICY.
language() {
	lang=$1 b=$2 pol=$3 tools=$4 cc=$5 hello=$6 sum=$7 busy=$8 t0=$SECONDS
	shift 8
	if ! have $tools; then
		for i in 1 2 3 4; do skip "$tools not installed"; done
		return
	fi
	for f; do install -m 0644 "$SRC/$f" "$JB/boxes/$b/box/$f"; done
	box_run "$b" $COMPILE -- /bin/sh -c "$cc"
	check "$lang: ${tools%% *} runs in the jail (default policy)"
	box_run "$b" --policy="$pol" $RUNTIME -- $(abs "$hello")
	check "$lang: hello world runs under the $pol policy" "hello, world"
	jrun "$b" --policy="$pol" $RUNTIME -- $(abs "$sum")
	check "$lang: a sum from stdin to stdout (pipes) runs under the $pol policy" 46
	box_run "$b" --policy="$pol" $RUNTIME -- $(abs "$busy")
	check "$lang: threads, timers and files run under the $pol policy" "busy ok"
	diag "$lang: $((SECONDS - t0)) s"
}

# The per-language policies start with strict.policy's block, verbatim.
block() { sed -n '/^# --- strict.policy rules/,/^# --- [a-z]* extras ---$/p' "$1" | grep -v '^# --- [a-z]* extras ---$\|^$'; }
for p in go java node; do
	block "$TOP/policies/strict.policy" | cmp -s - <(block "$TOP/policies/$p.policy")
	ok $? "$p.policy starts with strict.policy's rules, verbatim"
done

# C (gcc), under strict. The busy one is OpenMP: libgomp's thread pool.
cat > "$SRC/hello.c" <<'EOF'
#include <stdio.h>
int main(void) { puts("hello, world"); return 0; }
EOF
cat > "$SRC/sum.c" <<'EOF'
#include <stdio.h>
int main(void) { long long s = 0, x; while (scanf("%lld", &x) == 1) s += x; printf("%lld\n", s); return 0; }
EOF
cat > "$SRC/busy.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <omp.h>
int main(void)
{
	long s = 0, x = 0;
	FILE *f;
#pragma omp parallel for num_threads(4) reduction(+:s)
	for (long i = 0; i < 10000000; i++)
		s += i % 3;
	if (!(f = fopen("/tmp/busy", "w")) || fprintf(f, "%ld\n", s) < 0 || fclose(f) ||
	    !(f = fopen("/tmp/busy", "r")) || fscanf(f, "%ld", &x) != 1 || fclose(f))
		return 1;
	nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	srand((unsigned)time(NULL));
	puts(x == 9999999 && clock() > 0 ? "busy ok" : "busy wrong");
	return 0;
}
EOF
language C 0 strict gcc "gcc -O2 -o hello hello.c && gcc -O2 -o sum sum.c &&
	gcc -O2 -fopenmp -o busy busy.c" /box/hello /box/sum /box/busy hello.c sum.c busy.c

# C++ (g++), under strict.
cat > "$SRC/hello.cpp" <<'EOF'
#include <iostream>
int main() { std::cout << "hello, world" << std::endl; }
EOF
cat > "$SRC/sum.cpp" <<'EOF'
#include <iostream>
int main() { std::ios::sync_with_stdio(false); long long s = 0, x; while (std::cin >> x) s += x; std::cout << s << "\n"; }
EOF
cat > "$SRC/busy.cpp" <<'EOF'
#include <bits/stdc++.h>
using namespace std;
int main()
{
	vector<thread> ts;
	atomic<long> s{0};
	for (int i = 0; i < 4; i++)
		ts.emplace_back([&s] { for (int j = 0; j < 1000000; j++) s += j % 7; });
	for (auto &t : ts)
		t.join();
	ofstream("/box/out.txt") << s << "\n";
	long v = 0;
	ifstream("/box/out.txt") >> v;
	vector<int> big(20000000, 1);
	mt19937 rng(random_device{}());
	unordered_map<int, int> h;
	for (int i = 0; i < 100000; i++)
		h[rng() % 1000]++;
	this_thread::sleep_for(chrono::milliseconds(5));
	try { throw runtime_error("caught"); } catch (exception &) { v += accumulate(big.begin(), big.end(), 0L); }
	cout << (v == 11999988 + 20000000 && thread::hardware_concurrency() > 0 ? "busy ok" : "busy wrong") << endl;
}
EOF
language C++ 1 strict g++ "g++ -O2 -o hello hello.cpp && g++ -O2 -o sum sum.cpp &&
	g++ -O2 -pthread -o busy busy.cpp" /box/hello /box/sum /box/busy hello.cpp sum.cpp busy.cpp

# What strict.policy decides beyond the toolchains' needs, with one C program.
cat > "$SRC/probe.c" <<'EOF'
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
static void *run(void *p) { return p; }
int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	pthread_t t;
	int rc;
	if (!strcmp(m, "thread"))
		return pthread_create(&t, NULL, run, NULL) || pthread_join(t, NULL) || puts("joined") < 0;
	if (!strcmp(m, "fork"))
		return fork() < 0;
	if (!strcmp(m, "abort"))
		abort();
	if (!strcmp(m, "socket"))     /* quietly refused, and so is nscd's */
		return printf("%d %d\n", socket(AF_INET, SOCK_STREAM, 0), getpwuid(getuid()) != NULL) < 0;
	if (!strcmp(m, "ioctl")) {    /* FS_IOC_GETFLAGS: quietly ENOTTY */
		rc = ioctl(0, 0x80086601, &(long){ 0 });
		return printf("%d %d\n", rc, errno) < 0;
	}
	if (!strcmp(m, "tiocsti"))
		return ioctl(0, TIOCSTI, "x");
	return 2;
}
EOF
if have gcc; then
	install -m 0644 "$SRC/probe.c" "$JB/boxes/2/box/"
	box_run 2 $COMPILE -- $(abs "gcc -O2 -pthread -o probe probe.c")
	box_run 2 --policy=strict -- /box/probe thread
	is "$(field status)/$(cat $OUT/stdout)" "ok/joined" "strict: a program may start and join a thread"
	box_run 2 --policy=strict -- /box/probe fork
	is "$(field status)/$(field syscall)" "violation/clone" "strict: fork() is a violation naming clone"
	box_run 2 --policy=strict -- /box/probe abort
	is "$(field status)/$(field signal)" "signal/6" "strict: abort() ends as SIGABRT, not as a violation"
	box_run 2 --policy=strict -- /box/probe socket
	is "$(field status)/$(cat $OUT/stdout)" "ok/-1 0" "strict: socket() and getpwuid()'s nscd probe fail quietly"
	box_run 2 --policy=strict -- /box/probe ioctl
	is "$(field status)/$(cat $OUT/stdout)" "ok/-1 25" "strict: an ioctl outside the tty range fails quietly (ENOTTY)"
	box_run 2 --policy=strict -- /box/probe tiocsti
	is "$(field status)/$(field syscall)" "violation/ioctl" "strict: TIOCSTI is a violation"
else for i in 1 2 3 4 5 6; do skip "gcc not installed"; done; fi

# Rust (rustc), under strict. The busy one is the contest trick of solving
# in a thread with a big stack.
cat > "$SRC/hello.rs" <<'EOF'
fn main() { println!("hello, world"); }
EOF
cat > "$SRC/sum.rs" <<'EOF'
use std::io::Read;
fn main() {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).unwrap();
    let t: i64 = s.split_whitespace().map(|w| w.parse::<i64>().unwrap()).sum();
    println!("{}", t);
}
EOF
cat > "$SRC/busy.rs" <<'EOF'
use std::collections::HashMap;
fn depth(n: u64, v: &mut Vec<u64>) -> u64 { v.push(n); if n == 0 { 0 } else { 1 + depth(n - 1, v) } }
fn main() {
    let solver = std::thread::Builder::new().name("solver".into()).stack_size(256 << 20);
    let d = solver.spawn(|| depth(1_000_000, &mut Vec::new())).unwrap().join().unwrap();
    let mut h = HashMap::new();
    for i in 0..1000 { *h.entry(i % 7).or_insert(0) += 1; }
    std::fs::write("/tmp/busy", b"x").unwrap();
    std::fs::write("/box/busy.txt", std::fs::read("/tmp/busy").unwrap()).unwrap();
    let t = std::time::Instant::now();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let ok = d == 1_000_000 && h.len() == 7 && std::fs::read("/box/busy.txt").unwrap() == b"x"
        && t.elapsed().as_millis() >= 5;
    println!("{}", if ok { "busy ok" } else { "busy wrong" });
}
EOF
language Rust 3 strict rustc "rustc -O -o hello hello.rs && rustc -O -o sum sum.rs &&
	rustc -O -o busy busy.rs" /box/hello /box/sum /box/busy hello.rs sum.rs busy.rs

# Pascal (Free Pascal), under strict. -n skips /etc/fpc.cfg (a versioned
# file outside the binds); the unit path is given instead.
cat > "$SRC/hello.pas" <<'EOF'
program hello; begin writeln('hello, world'); end.
EOF
cat > "$SRC/sum.pas" <<'EOF'
program sum; var s, x: int64; begin s := 0; while not seekeof do begin read(x); s := s + x; end; writeln(s); end.
EOF
cat > "$SRC/busy.pas" <<'EOF'
program busy;
{$mode objfpc}
uses sysutils, classes;
var f: text; s: string; i: longint; a: array of int64; l: TStringList;
begin
  assign(f, '/box/busy.txt'); rewrite(f); writeln(f, 'busy'); close(f);
  assign(f, '/box/busy.txt'); reset(f); readln(f, s); close(f);
  setlength(a, 1000000); for i := 0 to high(a) do a[i] := i;
  l := TStringList.Create; l.Add(s); l.Free;
  try raise Exception.Create('caught'); except on e: Exception do s := s + ' ok'; end;
  sleep(5);
  if (a[high(a)] = 999999) and (GetTickCount64 > 0) then writeln(s) else writeln('busy wrong');
end.
EOF
fpc="fpc -n -O2 '-Fu/usr/lib/x86_64-linux-gnu/fpc/\$fpcversion/units/\$fpctarget/*'"
language Pascal 4 strict fpc "$fpc hello.pas && $fpc sum.pas && $fpc busy.pas" \
	/box/hello /box/sum /box/busy hello.pas sum.pas busy.pas

# Go, under go. The build cache goes to the run's private /tmp.
cat > "$SRC/hello.go" <<'EOF'
package main

import "fmt"

func main() { fmt.Println("hello, world") }
EOF
cat > "$SRC/sum.go" <<'EOF'
package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	r := bufio.NewReader(os.Stdin)
	var s, x int64
	for {
		if _, err := fmt.Fscan(r, &x); err != nil {
			break
		}
		s += x
	}
	fmt.Println(s)
}
EOF
cat > "$SRC/busy.go" <<'EOF'
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

var sink []byte

func main() {
	var wg sync.WaitGroup
	ch := make(chan int, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			for j := 0; j < 20000; j++ {
				sink = make([]byte, 4096)
			}
			time.Sleep(time.Millisecond)
			ch <- k
		}(i)
	}
	wg.Wait()
	close(ch)
	t := 0
	for k := range ch {
		t += k
	}
	runtime.GC()
	os.WriteFile("/tmp/busy", []byte("x"), 0600)
	b, err := os.ReadFile("/tmp/busy")
	if t == 28 && err == nil && string(b) == "x" && runtime.NumCPU() > 0 {
		fmt.Println("busy ok")
	} else {
		fmt.Println("busy wrong")
	}
}
EOF
gobuild="GOCACHE=/tmp/go-build GOPATH=/tmp/go go build"
language Go 5 go go "$gobuild -o hello hello.go && $gobuild -o sum sum.go && $gobuild -o busy busy.go" \
	/box/hello /box/sum /box/busy hello.go sum.go busy.go

# Java (javac, java), under java. The run flags are the ones a language
# definition would pass: a heap below the cgroup's limit, a big stack, and a
# quick start (serial GC, C1 only).
cat > "$SRC/Hello.java" <<'EOF'
public class Hello { public static void main(String[] a) { System.out.println("hello, world"); } }
EOF
cat > "$SRC/Sum.java" <<'EOF'
import java.io.*;
import java.util.*;
public class Sum {
    public static void main(String[] a) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        long s = 0;
        for (String line; (line = in.readLine()) != null; )
            for (StringTokenizer t = new StringTokenizer(line); t.hasMoreTokens(); )
                s += Long.parseLong(t.nextToken());
        System.out.println(s);
    }
}
EOF
cat > "$SRC/Busy.java" <<'EOF'
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
public class Busy {
    static int depth(int n) { return n == 0 ? 0 : 1 + depth(n - 1); }
    public static void main(String[] a) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(4);
        List<Future<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            final int k = i;
            fs.add(ex.submit(() -> { int s = 0; for (int j = 0; j < 100000; j++) s += new int[64].length; return s + k; }));
        }
        long t = 0;
        for (Future<Integer> f : fs) t += f.get();
        ex.shutdown();
        int d;
        try { d = depth(Integer.MAX_VALUE); } catch (StackOverflowError e) { d = -1; }
        Object o = null;
        boolean npe = false;
        try { o.hashCode(); } catch (NullPointerException e) { npe = true; }
        Files.writeString(Path.of("/tmp/busy"), "x");
        Files.writeString(Path.of("/box/busy.txt"), Files.readString(Path.of("/tmp/busy")));
        Thread.sleep(5);
        boolean ok = t == 8 * 6400000L + 28 && d == -1 && npe && Files.readString(Path.of("/box/busy.txt")).equals("x");
        System.out.println(ok ? "busy ok" : "busy wrong");
    }
}
EOF
JAVA="java -Xmx256m -Xss64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp /box"
language Java 6 java "javac java" "javac -d /box Hello.java Sum.java Busy.java" \
	"$JAVA Hello" "$JAVA Sum" "$JAVA Busy" Hello.java Sum.java Busy.java

# Python (python3), under default: see policies/strict.policy's header. Its
# "compile" is the syntax check a judge makes before running.
printf 'print("hello, world")\n' > "$SRC/hello.py"
printf 'import sys\nprint(sum(int(w) for w in sys.stdin.read().split()))\n' > "$SRC/sum.py"
cat > "$SRC/busy.py" <<'EOF'
import json, os, random, threading, time
out = []
ts = [threading.Thread(target=lambda k=k: out.append(sum(range(k * 1000)))) for k in range(4)]
for t in ts: t.start()
for t in ts: t.join()
with open("/tmp/busy", "w") as f: json.dump(sorted(out), f)
with open("/tmp/busy") as f: back = json.load(f)
time.sleep(0.005)
ok = back == sorted(out) and len(out) == 4 and random.random() < 1 and os.getcwd() == "/box"
print("busy ok" if ok else "busy wrong")
EOF
language Python 7 default python3 "python3 -m py_compile hello.py sum.py busy.py" \
	"python3 /box/hello.py" "python3 /box/sum.py" "python3 /box/busy.py" hello.py sum.py busy.py

# JavaScript (node), under node; the syntax check is node --check.
printf 'console.log("hello, world");\n' > "$SRC/hello.js"
cat > "$SRC/sum.js" <<'EOF'
let s = 0n;
for (const w of require("fs").readFileSync(0, "utf8").split(/\s+/)) if (w) s += BigInt(w);
console.log(s.toString());
EOF
cat > "$SRC/busy.js" <<'EOF'
const fs = require("fs");
let a = [];
for (let i = 0; i < 1e6; i++) { a.push({ i }); if (a.length > 1e5) a = []; }
fs.writeFileSync("/tmp/busy", "x");
fs.readFile("/tmp/busy", "utf8", (err, d) => {       // libuv's thread pool
  setTimeout(() => {
    Promise.resolve(d).then((v) => {
      let depth;
      const r = (n) => (n ? 1 + r(n - 1) : 0);
      try { depth = r(1e7); } catch (e) { depth = -1; }
      console.log(!err && v === "x" && depth === -1 ? "busy ok" : "busy wrong");
    });
  }, 5);
});
EOF
language JavaScript 2 node node "node --check hello.js && node --check sum.js && node --check busy.js" \
	"node /box/hello.js" "node /box/sum.js" "node /box/busy.js" hello.js sum.js busy.js
done_testing
