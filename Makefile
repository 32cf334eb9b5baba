# Reception-desk queue system: one binary, build/kiosk, with subcommands.
#
#   make          build build/kiosk
#   make test     install what tests need, build, run every test (plain + ASan/UBSan)
#   make asan     build with AddressSanitizer + UBSan and run the C tests
#   make bench    run the benchmarks under bench/
#   make demo     install what is missing, build, run the demo site
#   make install PREFIX=/usr/local
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
ALL_PKGS  = $(CORE_PKGS) sqlite3 libmicrohttpd inih sdl2 SDL2_ttf fribidi libcurl zbar libpng libjpeg espeak-ng

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
#   io/ (site file, key files, PNG, JPEG).
# The pure layers are compiled with CORE_PKGS' flags only, so a stray
# platform include fails at once; each seam sees only its own library.
PURE = core ui desk
# The libraries the pure layers may include, beyond the C library: they do
# no I/O of their own. Some platform headers sit in /usr/include, where no
# flag is needed to find them, so `make layers` also reads the includes.
PURE_HEADERS = sodium.h qrencode.h cJSON.h pthread.h math.h
$(BUILD)/obj/store/%.o:   XCFLAGS = $(call PC,sqlite3) -I$(BUILD)/gen
$(BUILD)/obj/http/http.o: XCFLAGS = $(call PC,libmicrohttpd)
$(BUILD)/obj/sdl/%.o:     XCFLAGS = $(call PC,sdl2 SDL2_ttf fribidi libpng)
$(BUILD)/obj/client/%.o:  XCFLAGS = $(call PC,libcurl)
$(BUILD)/obj/speech/%.o:  XCFLAGS = $(call PC,espeak-ng)
$(BUILD)/obj/io/%.o:      XCFLAGS = $(call PC,inih libpng libjpeg)
$(BUILD)/obj/cmd/verify.o: XCFLAGS = $(call PC,zbar libpng)
$(addprefix $(BUILD)/obj/store/,$(notdir $(patsubst %.c,%.o,$(wildcard kiosk/store/*.c)))): \
    $(BUILD)/gen/migrations.inc

SRCS  = $(wildcard kiosk/*/*.c)
OBJS  = $(patsubst kiosk/%.c,$(BUILD)/obj/%.o,$(SRCS))
LIBOBJS = $(filter-out $(BUILD)/obj/cmd/main.o,$(OBJS))
TSRCS = $(wildcard tests/test_*.c)
TBINS = $(patsubst tests/%.c,$(BUILD)/tests/%,$(TSRCS))
TOOLS = $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(wildcard tests/tools/*.c))
BENCHES = $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

.PHONY: all layers test check asan bench demo install clean deps test-deps
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

# The numbered migrations in db/ are compiled into the binary, in order.
$(BUILD)/gen/migrations.inc: $(sort $(wildcard db/*.sql))
	@mkdir -p $(@D)
	awk 'BEGIN { print "static const char *const migrations[] = {" } \
	     FNR == 1 && NR > 1 { print "," } \
	     { gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "\"%s\\n\"\n", $$0 } \
	     END { print "};" }' $^ > $@

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
DEB_BUILD = build-essential pkg-config libsdl2-dev libsdl2-ttf-dev libsqlite3-dev \
            libqrencode-dev libmicrohttpd-dev libsodium-dev libcjson-dev libinih-dev \
            libfribidi-dev libcurl4-gnutls-dev libzbar-dev libpng-dev libjpeg62-turbo-dev libespeak-ng-dev \
            espeak-ng fonts-noto-core fonts-noto-cjk sqlite3
DEB_TEST  = $(DEB_BUILD) zbar-tools imagemagick xvfb xdotool chromium sox curl \
            openssl python3 python3-prometheus-client gettext
deps:
	@sh .ci/apt-need $(DEB_BUILD)
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

check: test

tests-build: $(BUILD)/kiosk $(TBINS) $(TOOLS)
.PHONY: tests-build

asan:
	$(MAKE) BUILD=build-asan SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" tests-build
	BUILD=build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 sh tests/run.sh --c-only

bench: deps all $(BENCHES) $(TOOLS)
	BUILD=$(BUILD) sh bench/run.sh

demo: deps all
	sh assets/demo/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/kiosk
	install -m 0755 $(BUILD)/kiosk $(DESTDIR)$(PREFIX)/bin/kiosk
	cp -r assets db $(DESTDIR)$(PREFIX)/share/kiosk/

clean:
	rm -rf build build-asan

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/tests/*.d $(BUILD)/tools/*.d)
