# Reception-desk queue system: one binary, build/kiosk, with subcommands.
#
#   make          build build/kiosk
#   make test     install what tests need, build, run every test (plain + ASan/UBSan)
#   make asan     build with AddressSanitizer + UBSan and run the C tests
#   make fuzz     run every libFuzzer harness (tests/fuzz/) for FUZZ_SECONDS each
#   make fuzz-smoke  the same for 20 s each; `make test` runs it and fails on a crash
#   make bench    run the benchmarks under bench/
#   make demo     install what is missing, build, run the demo site
#   make install PREFIX=/usr/local
#   make man      the manual pages, build/man/*.1, from docs/man/*.scd (scdoc)
#   make deb      the Debian packages, into build-deb/ (debian/, dpkg-buildpackage)
#
# The user's CFLAGS are appended to ours, never replace them.

PREFIX  ?= /usr/local
BUILD   ?= build
CC      ?= cc
PC       = $(shell pkg-config --cflags $(1))
PL       = $(shell pkg-config --libs $(1))

.DEFAULT_GOAL := all

# Libraries the pure core may use: they do no I/O of their own.
CORE_PKGS = libsodium libqrencode libcjson
ALL_PKGS  = $(CORE_PKGS) sqlite3 libpq libmicrohttpd inih sdl2 SDL2_ttf fribidi libcurl zbar libpng libjpeg espeak-ng \
            libical

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wno-overlength-strings
XCFLAGS =
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -MMD -MP -Ikiosk \
             $(call PC,$(CORE_PKGS)) $(SANFLAGS) $(XCFLAGS) $(CFLAGS)
LIBS = $(call PL,$(ALL_PKGS)) -lm -lpthread

# The source tree shows the layers (docs/ARCHITECTURE.md):
#   core/  pure rules and formats     ui/    the kiosk's screens (pure)
#   desk/  every verb of the queue    cmd/   one file per subcommand
#   and one folder per platform seam: store/ (SQLite), http/ (microhttpd),
#   sdl/ (SDL2, SDL_ttf), printer/, speech/ (espeak-ng), client/ (libcurl),
#   io/ (site file, key files, PNG, JPEG, appointment files: CSV, iCalendar).
# The pure layers are compiled with CORE_PKGS' flags only, so a stray
# platform include fails at once; each seam sees only its own library.
PURE = core ui desk
# The libraries the pure layers may include, beyond the C library: they do
# no I/O of their own. Some platform headers sit in /usr/include, where no
# flag is needed to find them, so `make layers` also reads the includes.
PURE_HEADERS = sodium.h qrencode.h cJSON.h pthread.h math.h
$(BUILD)/obj/store/%.o:   XCFLAGS = $(call PC,sqlite3 libpq) -I$(BUILD)/gen
$(BUILD)/obj/http/http.o: XCFLAGS = $(call PC,libmicrohttpd)
$(BUILD)/obj/sdl/%.o:     XCFLAGS = $(call PC,sdl2 SDL2_ttf fribidi libpng)
$(BUILD)/obj/client/%.o:  XCFLAGS = $(call PC,libcurl)
$(BUILD)/obj/speech/%.o:  XCFLAGS = $(call PC,espeak-ng)
$(BUILD)/obj/io/%.o:      XCFLAGS = $(call PC,inih libpng libjpeg libical)
$(BUILD)/obj/cmd/verify.o: XCFLAGS = $(call PC,zbar libpng)
$(addprefix $(BUILD)/obj/store/,$(notdir $(patsubst %.c,%.o,$(wildcard kiosk/store/*.c)))): \
    $(BUILD)/gen/migrations.inc $(BUILD)/gen/pg_migrations.inc

SRCS  = $(wildcard kiosk/*/*.c)
OBJS  = $(patsubst kiosk/%.c,$(BUILD)/obj/%.o,$(SRCS))
LIBOBJS = $(filter-out $(BUILD)/obj/cmd/main.o,$(OBJS))
TSRCS = $(wildcard tests/test_*.c)
TBINS = $(patsubst tests/%.c,$(BUILD)/tests/%,$(TSRCS))
TOOLS = $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(wildcard tests/tools/*.c))
BENCHES = $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

.PHONY: all layers test check asan bench demo install clean deps test-deps \
        fuzz fuzz-smoke fuzz-build fuzz-bins man deb deb-deps
all: layers $(BUILD)/kiosk

# Fails when a file of a pure layer includes a system header that is not
# the C library's or one of PURE_HEADERS, or a project header other than
# the pure layers' and the two seam interfaces that hold plain structs only
# (store/store.h, client/client.h).
LIBC_HEADERS = assert.h ctype.h errno.h inttypes.h limits.h stdarg.h stdbool.h stddef.h \
               stdint.h stdio.h stdlib.h string.h strings.h time.h
layers:
	@bad=$$(grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*<' \
	    $(foreach d,$(PURE),kiosk/$(d)/*.[ch]) | grep -v -F \
	    $(foreach h,$(LIBC_HEADERS) $(PURE_HEADERS),-e '<$(h)>')); \
	bad="$$bad$$(grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' \
	    $(foreach d,$(PURE),kiosk/$(d)/*.[ch]) | grep -v -E \
	    '"(core|ui|desk)/|"store/store\.h"|"client/client\.h"')"; \
	if [ -n "$$bad" ]; then \
	    echo "a pure layer ($(PURE)) includes a platform header:"; echo "$$bad"; exit 1; fi

$(BUILD)/kiosk: $(OBJS)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/obj/%.o: kiosk/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The numbered migrations in db/ (SQLite) and db/pg/ (PostgreSQL, the same
# numbers) are compiled into the binary, in order.
MIGRATE_AWK = awk -v name=$(1) 'BEGIN { print "static const char *const " name "[] = {" } \
	     FNR == 1 && NR > 1 { print "," } \
	     { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "\"%s\\n\"\n", $$0 } \
	     END { print "};" }'
$(BUILD)/gen/migrations.inc: $(sort $(wildcard db/*.sql))
	@mkdir -p $(@D)
	$(call MIGRATE_AWK,migrations) $^ > $@
$(BUILD)/gen/pg_migrations.inc: $(sort $(wildcard db/pg/*.sql))
	@mkdir -p $(@D)
	$(call MIGRATE_AWK,pg_migrations) $^ > $@

# Tests and tools see every header: they may drive platform code.
TEST_CFLAGS = $(ALL_CFLAGS) $(call PC,$(ALL_PKGS))
$(BUILD)/tests/%: tests/%.c tests/testhelp.h tests/fixture.h $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Itests -o $@ $< $(LIBOBJS) $(LIBS)
$(BUILD)/tools/%: tests/tools/%.c $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Itests -o $@ $< $(LIBOBJS) $(LIBS)
$(BUILD)/bench/%: bench/%.c $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -Itests -o $@ $< $(LIBOBJS) $(LIBS)

# Debian packages: build, run, and test. deps installs what is missing when
# run as root, and otherwise prints the exact command and stops.
DEB_DEV   = build-essential pkg-config libsdl2-dev libsdl2-ttf-dev libsqlite3-dev libpq-dev \
            libqrencode-dev libmicrohttpd-dev libsodium-dev libcjson-dev libinih-dev \
            libfribidi-dev libcurl4-gnutls-dev libzbar-dev libpng-dev libjpeg62-turbo-dev libespeak-ng-dev \
            libical-dev
DEB_BUILD = $(DEB_DEV) espeak-ng fonts-noto-core fonts-noto-cjk sqlite3
# Building the packages (make deb) and checking them (tests/it_deb.sh).
# (debian/control's Build-Depends are DEB_DEV and scdoc.)
DEB_PKG   = $(DEB_DEV) scdoc debhelper dpkg-dev
DEB_TEST  = $(sort $(DEB_BUILD) $(DEB_PKG) zbar-tools imagemagick xvfb xdotool chromium chromium-l10n sox curl \
            openssl python3 python3-prometheus-client gettext clang libclang-rt-dev \
            lintian strace systemd adduser man-db procps faketime postgresql)
deps:
	@sh .ci/apt-need $(DEB_BUILD)
deb-deps:
	@sh .ci/apt-need $(DEB_PKG)
test-deps:
	@sh .ci/apt-need $(DEB_TEST)
	@# Node.js may come from Debian or be there already (with its own npm).
	@command -v npm >/dev/null 2>&1 || sh .ci/apt-need nodejs npm

tests/web/node_modules: tests/web/package.json
	cd tests/web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: test-deps
	$(MAKE) all tests-build
	@[ ! -f tests/web/package.json ] || $(MAKE) tests/web/node_modules
	BUILD=$(BUILD) sh tests/run.sh
	$(MAKE) asan
	$(MAKE) fuzz-smoke

check: test

tests-build: $(BUILD)/kiosk $(TBINS) $(TOOLS)
.PHONY: tests-build

asan:
	$(MAKE) BUILD=build-asan SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" tests-build
	BUILD=build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 sh tests/run.sh --c-only

# Fuzzing (docs/FUZZING.md): one libFuzzer harness per parser that takes
# outside input, tests/fuzz/fuzz_NAME.c, seeded from tests/fuzz/corpus/NAME/.
# Everything is built with clang in build-fuzz/ under ASan and UBSan: the
# project's objects with fuzzer-no-link (coverage only), the harnesses with
# the fuzzer's main. New inputs go to build-fuzz/corpus/NAME (never into
# the seed corpus in git), crashes to build-fuzz/crashes/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_NAMES    = $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS     = $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_NAMES))
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/testhelp.h tests/fixture.h $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -fsanitize=fuzzer -Itests -o $@ $< $(LIBOBJS) $(LIBS)

fuzz-build:
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) \
	  SANFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" fuzz-bins
fuzz-bins: $(FUZZ_BINS)

# One harness after the other, each for FUZZ_SECONDS; fails when any found something.
fuzz: fuzz-build
	@failed=""; for n in $(FUZZ_NAMES); do \
	  FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $$n || failed="$$failed $$n"; done; \
	  [ -z "$$failed" ] || { echo "fuzz failed:$$failed"; exit 1; }

fuzz-smoke:
	@command -v $(FUZZ_CC) >/dev/null || { echo "$(FUZZ_CC) is missing: make test-deps"; exit 1; }
	$(MAKE) fuzz FUZZ_SECONDS=20

bench: deps all $(BENCHES) $(TOOLS)
	BUILD=$(BUILD) sh bench/run.sh

demo: deps all
	sh assets/demo/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/kiosk
	install -m 0755 $(BUILD)/kiosk $(DESTDIR)$(PREFIX)/bin/kiosk
	cp -r assets db $(DESTDIR)$(PREFIX)/share/kiosk/

# One manual page per subcommand, from one source format.
MANS = $(patsubst docs/man/%.scd,$(BUILD)/man/%,$(wildcard docs/man/*.scd))
man: $(MANS)
$(BUILD)/man/%: docs/man/%.scd
	@mkdir -p $(@D)
	scdoc < $< > $@

# The packages are built in a copy of the tree (build-deb/src), so that
# neither the developer's build/ nor debian/'s by-products are touched;
# dpkg-buildpackage leaves the .deb files in build-deb/.
DEBOUT = build-deb
deb: deb-deps
	rm -rf $(DEBOUT) && mkdir -p $(DEBOUT)/src
	tar --exclude='./build*' --exclude=./.git --exclude=./tests/web/node_modules -cf - . | \
	    tar -C $(DEBOUT)/src -xf -
	cd $(DEBOUT)/src && DEB_BUILD_OPTIONS="parallel=2 noddebs $(DEB_BUILD_OPTIONS)" \
	    dpkg-buildpackage -us -uc -b
	rm -rf $(DEBOUT)/src
	@ls $(DEBOUT)/*.deb

clean:
	rm -rf build build-asan build-fuzz build-deb

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/tests/*.d $(BUILD)/tools/*.d $(BUILD)/fuzz/*.d)
