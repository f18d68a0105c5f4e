# judgebox: the one build entry point. See README.md.
#   make            build everything
#   make check      install what the tests need, build, run every test under prove
#   make demo       start a local judgeboxd and judge example programs through it
#   make bench      print benchmark figures (never fails on a number)
#   make install    honours PREFIX and DESTDIR; never sets the setuid bit (the
#                   packages in packaging/ do: dpkg-statoverride, %attr)
#   make check-package  build the .deb and .rpm, install, use, upgrade and purge
#                   the .deb on this machine (root; tests/package.sh)

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/lib/judgebox
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
HELPER_CONF ?= $(SYSCONFDIR)/judgebox/helper.conf
# Sanitizers: `make SANITIZE=address,undefined` (and `make check SANITIZE=...`)
# builds the daemon, the CLI and the unit tests with -fsanitize=$(SANITIZE),
# into build-san unless O is given, so the normal build is untouched. The
# setuid helper is never sanitized (HELPER_CFLAGS): ASan's and UBSan's
# runtimes read ASAN_OPTIONS/UBSAN_OPTIONS from the caller's environment
# before main (log_path= would have root write files where the caller says: a
# privilege escalation; the helper promises to read no environment variable),
# and the runtime's own system calls and address-space reservation (shadow
# memory, terabytes of it) would run inside the jail's child, under its
# rlimits and seccomp filter, and skew its figures. The helper's parsers are
# sanitized where they run unprivileged: in the unit tests and the fuzzers.
ifneq ($(SANITIZE),)
O          ?= build-san
SAN_CFLAGS  = -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
# gcc links UBSan's runtime as a library of its own beside ASan's, and then
# UBSan ignores log_path (its reports would go to stderr only): link it in.
ifneq ($(findstring undefined,$(SANITIZE)),)
SAN_CFLAGS += $(if $(findstring clang,$(shell $(CC) --version 2>/dev/null)),,-static-libubsan)
endif
endif
# Objects and binaries go under O (tests build helpers with their own config path).
O          ?= build

WARN    = -Wall -Wextra -Wformat=2 -Werror=format-security -Werror=missing-prototypes \
          -Werror=shadow -Werror=implicit-function-declaration -Wstrict-prototypes \
          -Wvla -Wconversion -Wno-sign-conversion
HARDEN  = -fstack-protector-strong -fstack-clash-protection -D_FORTIFY_SOURCE=2 -fPIE
CFLAGS ?= -O2 -g
HELPER_CFLAGS = -std=gnu11 $(WARN) $(HARDEN) $(DEVFLAGS) $(CFLAGS)
ALL_CFLAGS  = $(HELPER_CFLAGS) $(SAN_CFLAGS)
ALL_LDFLAGS = -pie -Wl,-z,relro,-z,now,-z,noexecstack $(LDFLAGS)
# Development builds fail on any warning; packagers may set DEVFLAGS= to drop it.
DEVFLAGS ?= -Werror

HELPER_SRC = $(wildcard helper/*.c)
HELPER_OBJ = $(HELPER_SRC:%.c=$(O)/%.o)
HELPER     = $(O)/judgebox-helper

CTL_SRC = $(wildcard controller/*.c)
CTL_OBJ = $(CTL_SRC:%.c=$(O)/%.o) $(O)/proto/mp.o
JUDGEBOXD = $(O)/judgeboxd
# The command-line client: its own folder, a file per command family.
CLI_SRC = $(wildcard controller/cli/*.c)
CLI_OBJ = $(CLI_SRC:%.c=$(O)/%.o) $(O)/proto/mp.o
JUDGEBOX  = $(O)/judgebox

all: $(HELPER) controller tests

$(O)/helper/%.o: helper/%.c helper/*.h $(O)/helper/.conf
	@mkdir -p $(@D)
	$(CC) $(HELPER_CFLAGS) -DHELPER_CONF='"$(HELPER_CONF)"' -c -o $@ $<

# Rebuild when the compiled-in config path changes.
$(O)/helper/.conf: FORCE
	@mkdir -p $(@D)
	@echo '$(HELPER_CONF)' | cmp -s - $@ || echo '$(HELPER_CONF)' > $@
# And the sanitized objects when SANITIZE (its flags) changes.
$(O)/.sanitize: FORCE
	@mkdir -p $(@D)
	@echo '$(SAN_CFLAGS)' | cmp -s - $@ || echo '$(SAN_CFLAGS)' > $@

$(HELPER): $(HELPER_OBJ)
	$(CC) $(HELPER_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ -lseccomp -lcap

helper: $(HELPER)

# The controller (unprivileged): the daemon and the command-line client share
# the msgpack codec in proto/.
$(O)/controller/%.o: controller/%.c controller/*.h proto/mp.h proto/wire.h $(O)/.sanitize
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DSYSCONFDIR='"$(SYSCONFDIR)"' -DLIBEXECDIR='"$(LIBEXECDIR)"' -c -o $@ $<
$(O)/proto/mp.o: proto/mp.c proto/mp.h $(O)/.sanitize
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(JUDGEBOXD): $(CTL_OBJ)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ -lzmq -lmsgpackc -lsqlite3 -lyaml -lm
$(O)/controller/cli/%.o: controller/cli/%.c controller/cli/*.h proto/mp.h proto/wire.h $(O)/.sanitize
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(JUDGEBOX): $(CLI_OBJ)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ -lzmq -lmsgpackc -lm
controller: $(JUDGEBOXD) $(JUDGEBOX)

# Test programs: hostile ones refuse to run outside a jail (tests/progs/hostile.h).
TEST_SRC  = $(wildcard tests/progs/*.c)
TEST_BIN  = $(TEST_SRC:tests/progs/%.c=$(O)/progs/%)
tests: $(TEST_BIN)
$(O)/progs/%: tests/progs/%.c tests/progs/*.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -Wall -Wno-unused-result $(CFLAGS) -o $@ $< -lpthread

# The attack battery (tests/attacks.t): hostile too, and built the same way.
ATTACK_SRC = $(wildcard tests/attacks/*.c)
ATTACK_BIN = $(ATTACK_SRC:tests/attacks/%.c=$(O)/attacks/%)
attacks: $(ATTACK_BIN)
$(O)/attacks/%: tests/attacks/%.c tests/attacks/*.h tests/progs/hostile.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -Wall -Wno-unused-result $(CFLAGS) -o $@ $< -lpthread

# C unit tests: every tests/unit/NAME_test.c is a program that prints TAP
# (tests/unit.t runs them all), linked against archives of the daemon's
# objects but its main and of the helper's but its main: the linker takes
# only the objects a test uses, and a test may define its own stubs of what
# those need (policy_test stands in for helper/main.c's die_with).
LIBJBD    = $(O)/libjbd.a
LIBHELPER = $(O)/libhelper.a
UNIT_SRC  = $(wildcard tests/unit/*_test.c)
UNIT_BIN  = $(UNIT_SRC:tests/unit/%.c=$(O)/unit/%)
UNIT_LIBS = -lzmq -lmsgpackc -lsqlite3 -lyaml -lseccomp -lcap -lm
unit: $(UNIT_BIN)
$(LIBJBD): $(filter-out $(O)/controller/judgeboxd.o,$(CTL_OBJ))
	@rm -f $@
	$(AR) rcs $@ $^
# With SANITIZE, the helper's objects the unit tests link are sanitized
# copies under $(O)/helper-san, never the setuid binary's.
UNIT_HELPER_OBJ = $(filter-out $(O)/helper/main.o,$(HELPER_OBJ))
ifneq ($(SANITIZE),)
UNIT_HELPER_OBJ := $(UNIT_HELPER_OBJ:$(O)/helper/%=$(O)/helper-san/%)
endif
$(O)/helper-san/%.o: helper/%.c helper/*.h $(O)/helper/.conf $(O)/.sanitize
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DHELPER_CONF='"$(HELPER_CONF)"' -c -o $@ $<
$(LIBHELPER): $(UNIT_HELPER_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(O)/unit/%_test: tests/unit/%_test.c tests/lib/tap.h $(wildcard controller/*.h helper/*.h proto/*.h) \
		$(LIBJBD) $(LIBHELPER)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBJBD) $(LIBHELPER) $(UNIT_LIBS)

# libFuzzer targets: every tests/fuzz/NAME_fuzz.c, built with clang (and
# the daemon's and helper's objects with it, sanitized) into $(O)/fuzz, apart
# from the gcc build. `make fuzz` runs each for FUZZ_SECONDS from its
# committed corpus (tests/fuzz/corpus/NAME), new inputs going to
# $(O)/fuzz/corpus/NAME; tests/fuzz.t replays the corpus in `make check`.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS   = -std=gnu11 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
                -fno-sanitize-recover=undefined
FUZZ_NAMES    = $(patsubst tests/fuzz/%_fuzz.c,%,$(wildcard tests/fuzz/*_fuzz.c))
FUZZ_BIN      = $(FUZZ_NAMES:%=$(O)/fuzz/%_fuzz)
FUZZ_LIBS     = $(O)/fuzz/libjbd.a $(O)/fuzz/libhelper.a
$(O)/fuzz/controller/%.o: controller/%.c controller/*.h proto/mp.h proto/wire.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -DSYSCONFDIR='"$(SYSCONFDIR)"' \
		-DLIBEXECDIR='"$(LIBEXECDIR)"' -c -o $@ $<
$(O)/fuzz/proto/mp.o: proto/mp.c proto/mp.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(O)/fuzz/helper/%.o: helper/%.c helper/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -DHELPER_CONF='"$(HELPER_CONF)"' -c -o $@ $<
$(O)/fuzz/libjbd.a: $(filter-out $(O)/fuzz/controller/judgeboxd.o,$(CTL_SRC:%.c=$(O)/fuzz/%.o)) $(O)/fuzz/proto/mp.o
	@rm -f $@
	$(AR) rcs $@ $^
$(O)/fuzz/libhelper.a: $(filter-out $(O)/fuzz/helper/main.o,$(HELPER_SRC:%.c=$(O)/fuzz/%.o))
	@rm -f $@
	$(AR) rcs $@ $^
# policy_fuzz frees what a dying policy_compile leaves behind (see its header).
$(O)/fuzz/policy_fuzz: FUZZ_WRAP = -Wl,--wrap=fdopen,--wrap=fclose,--wrap=seccomp_init
$(O)/fuzz/%_fuzz: tests/fuzz/%_fuzz.c $(wildcard controller/*.h helper/*.h proto/*.h) helper/main.c $(FUZZ_LIBS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_WRAP) -DHELPER_CONF='"$(HELPER_CONF)"' \
		-o $@ $< $(FUZZ_LIBS) $(UNIT_LIBS)
fuzz-build: $(FUZZ_BIN)
fuzz: $(FUZZ_BIN)
	@for t in $(FUZZ_NAMES); do \
		mkdir -p $(O)/fuzz/corpus/$$t && echo "fuzz: $$t, $(FUZZ_SECONDS) s" && \
		$(O)/fuzz/$${t}_fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(O)/fuzz/$$t- $(O)/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
			2>$(O)/fuzz/$$t.log; rc=$$?; \
		grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|SUMMARY)' $(O)/fuzz/$$t.log; \
		[ $$rc = 0 ] || { tail -40 $(O)/fuzz/$$t.log; exit 1; }; \
	done

# With SANITIZE, check runs every test but SAN_SKIP (so a new test of the
# daemon is sanitized too), each ending with a test that no sanitizer
# reported anything (tests/lib/tap.sh). Skipped: helper.t, attacks.t,
# attacks-v2.t, toolchains.t and cgroup-v2.t run only the helper, which is
# never sanitized; layout.t reads the objects' symbols, not their behaviour;
# fuzz.t builds its own sanitized targets with clang; soak.t bounds the
# daemon's RSS as built for use (ASan's shadow and quarantine exceed it), on
# the paths protocol.t, judge.t and problems.t drive sanitized.
SAN_SKIP  = tests/helper.t tests/attacks.t tests/attacks-v2.t tests/toolchains.t \
            tests/cgroup-v2.t tests/layout.t tests/fuzz.t tests/soak.t
SAN_TESTS = $(filter-out $(SAN_SKIP),$(wildcard tests/*.t))
check: deps all unit
	O='$(O)' prove -v $(if $(SANITIZE),$(SAN_TESTS),tests/*.t)

# Debian packages the build and tests need, installed when missing.
DEPS = gcc make clang libseccomp-dev libcap-dev perl bubblewrap python3 passwd util-linux
# The controller's libraries; the client examples' Python bindings.
DEPS += libzmq3-dev libmsgpack-dev libsqlite3-dev libyaml-dev python3-zmq python3-msgpack
# The toolchains tests/toolchains.t runs in the jail (about 1.2 GB installed:
# golang-go ~450 MB, rustc ~370 MB, default-jdk-headless ~270 MB).
DEPS += g++ default-jdk-headless nodejs golang-go rustc fp-compiler
# Further languages tests/languages.t runs through judgeboxd (~240 MB more).
DEPS += node-typescript pypy3 php-cli ruby mono-mcs mono-runtime
# And (installed sizes with what each pulls in; about 80 s of apt here,
# gnat and gfortran not timed):
# gnat ~100 MB, gfortran ~40 MB, gawk 3 MB, sbcl 61 MB, lua5.4 0.5 MB,
# ocaml-nox 448 MB, swi-prolog-nox 15 MB, r-base-core 43 MB, scala 29 MB.
DEPS += gnat gfortran gawk sbcl lua5.4 ocaml-nox swi-prolog-nox r-base-core scala
# Haskell and Kotlin: ghc 794 MB, kotlin 355 MB (about 55 s of apt here).
DEPS += ghc kotlin
# promtool, which tests/metrics.t runs on the metrics file and the alert rules
# (policies/judgebox.rules.yml): Debian's prometheus, 19 MB to download,
# 96 MB installed (the server comes with it; it is not started by the tests).
DEPS += prometheus
deps:
	@missing=$$(for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		apt-get install -y --no-install-recommends $$missing || \
		{ apt-get update && apt-get install -y --no-install-recommends $$missing; }; \
	fi
	@# Debian's nodejs ships the Node.js types tsc needs; NodeSource's does not.
	@if [ ! -d /usr/share/nodejs/@types/node ] && command -v npm >/dev/null; then \
		echo "installing @types/node@18 from npm into /usr/share/nodejs/@types/node"; \
		d=$$(mktemp -d) && (cd $$d && npm pack --silent @types/node@18 >/dev/null && \
			mkdir -p /usr/share/nodejs/@types/node && \
			tar -xzf types-node-*.tgz -C /usr/share/nodejs/@types/node --strip-components=1) || \
			echo "(could not: TypeScript will be listed unavailable)"; rm -rf $$d; \
	fi

demo: deps all
	bash tests/demo.sh $(O)

# Benchmarks print figures and never fail on a number (tests/bench/).
BENCH_BIN = $(O)/bench/spawn
$(BENCH_BIN): tests/bench/spawn.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

bench: deps all $(BENCH_BIN)
	bash tests/bench/helper.sh $(O)
	bash tests/bench/judgeboxd.sh
	bash tests/bench/judge.sh
	bash tests/bench/sessions.sh

# judgeboxd as built from REV against this tree's, in one run.
bench-revs: deps all
	@test -n "$(REV)" || { echo "usage: make bench-revs REV=<git revision>"; exit 2; }
	bash tests/bench/revs.sh $(REV)

# The packages (packaging/README.md): builds the .deb and the .rpm into
# $(O)/packages, installs the .deb on this machine, runs programs through the
# installed service, upgrades from the previous version, purges. As root.
check-package:
	bash tests/package.sh $(O)

install: $(HELPER) $(JUDGEBOXD) $(JUDGEBOX)
	install -d $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSCONFDIR)/judgebox/policies $(DESTDIR)$(SYSCONFDIR)/judgebox/languages.d
	install -m 0755 $(HELPER) $(DESTDIR)$(LIBEXECDIR)/judgebox-helper
	install -m 0755 $(JUDGEBOXD) $(DESTDIR)$(SBINDIR)/judgeboxd
	install -m 0755 $(JUDGEBOX) $(DESTDIR)$(BINDIR)/judgebox
	install -m 0644 helper/judgebox-helper.8 controller/judgeboxd.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 controller/judgebox.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 policies/judgebox-policy.5 policies/judgebox-languages.5 \
		controller/judgeboxd.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 policies/*.policy $(DESTDIR)$(SYSCONFDIR)/judgebox/policies/
	install -m 0644 policies/languages.d/*.conf $(DESTDIR)$(SYSCONFDIR)/judgebox/languages.d/
	install -d $(DESTDIR)$(SYSCONFDIR)/judgebox/templates
	install -m 0644 policies/templates/* $(DESTDIR)$(SYSCONFDIR)/judgebox/templates/
	install -m 0644 policies/judgebox.rules.yml $(DESTDIR)$(SYSCONFDIR)/judgebox/
	test -e $(DESTDIR)$(HELPER_CONF) || install -m 0644 policies/helper.conf $(DESTDIR)$(HELPER_CONF)
	test -e $(DESTDIR)$(SYSCONFDIR)/judgebox/judgeboxd.conf || \
		install -m 0644 policies/judgeboxd.conf $(DESTDIR)$(SYSCONFDIR)/judgebox/judgeboxd.conf

clean:
	rm -rf $(O)

.PHONY: all helper controller tests attacks unit fuzz fuzz-build check deps demo bench bench-revs install check-package clean FORCE
