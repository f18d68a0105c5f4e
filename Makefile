# judgebox: the one build entry point. See README.md.
#   make            build everything
#   make check      install what the tests need, build, run every test under prove
#   make demo       start a local judgeboxd and judge example programs through it
#   make bench      print benchmark figures (never fails on a number)
#   make install    honours PREFIX and DESTDIR; never sets the setuid bit (packaging does)

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
BINDIR     ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/lib/judgebox
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
HELPER_CONF ?= $(SYSCONFDIR)/judgebox/helper.conf
# Objects and binaries go under O (tests build helpers with their own config path).
O          ?= build

WARN    = -Wall -Wextra -Wformat=2 -Werror=format-security -Werror=missing-prototypes \
          -Werror=shadow -Werror=implicit-function-declaration -Wstrict-prototypes \
          -Wvla -Wconversion -Wno-sign-conversion
HARDEN  = -fstack-protector-strong -fstack-clash-protection -D_FORTIFY_SOURCE=2 -fPIE
CFLAGS ?= -O2 -g
ALL_CFLAGS  = -std=gnu11 $(WARN) $(HARDEN) $(DEVFLAGS) $(CFLAGS)
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
	$(CC) $(ALL_CFLAGS) -DHELPER_CONF='"$(HELPER_CONF)"' -c -o $@ $<

# Rebuild when the compiled-in config path changes.
$(O)/helper/.conf: FORCE
	@mkdir -p $(@D)
	@echo '$(HELPER_CONF)' | cmp -s - $@ || echo '$(HELPER_CONF)' > $@

$(HELPER): $(HELPER_OBJ)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ -lseccomp -lcap

helper: $(HELPER)

# The controller (unprivileged): the daemon and the command-line client share
# the msgpack codec in proto/.
$(O)/controller/%.o: controller/%.c controller/*.h proto/mp.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DSYSCONFDIR='"$(SYSCONFDIR)"' -DLIBEXECDIR='"$(LIBEXECDIR)"' -c -o $@ $<
$(O)/proto/mp.o: proto/mp.c proto/mp.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<
$(JUDGEBOXD): $(CTL_OBJ)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ -lzmq -lmsgpackc -lsqlite3 -lyaml -lm
$(O)/controller/cli/%.o: controller/cli/%.c controller/cli/*.h proto/mp.h proto/wire.h
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
$(LIBHELPER): $(filter-out $(O)/helper/main.o,$(HELPER_OBJ))
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
$(O)/fuzz/controller/%.o: controller/%.c controller/*.h proto/mp.h
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

check: deps all unit
	prove -v tests/*.t

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

# judgeboxd as built from REV against this tree's, in one run.
bench-revs: deps all
	@test -n "$(REV)" || { echo "usage: make bench-revs REV=<git revision>"; exit 2; }
	bash tests/bench/revs.sh $(REV)

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
	test -e $(DESTDIR)$(HELPER_CONF) || install -m 0644 policies/helper.conf $(DESTDIR)$(HELPER_CONF)
	test -e $(DESTDIR)$(SYSCONFDIR)/judgebox/judgeboxd.conf || \
		install -m 0644 policies/judgeboxd.conf $(DESTDIR)$(SYSCONFDIR)/judgebox/judgeboxd.conf

clean:
	rm -rf $(O)

.PHONY: all helper controller tests attacks unit fuzz fuzz-build check deps demo bench bench-revs install clean FORCE
