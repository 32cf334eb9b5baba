#!/bin/sh
# it_escpos_roundtrip: the printing path end to end, without any input PNG.
# printjob generates a test pattern and prints it through a file: printer at
# 384, 576 and 512 dots (and through printer_emu over TCP); escpos2png, the
# strict decoder, turns the bytes back into a picture, which must be exactly
# the pattern thresholded and centred (same size, same pixels). Then the
# decoder must refuse broken streams: a byte missing from image data, an
# unknown command, a band wider than the head.
set -eu
. "$(dirname "$0")/lib.sh"
PJ=$BUILD/tools/printjob
DEC=$BUILD/tools/escpos2png
EMU=$BUILD/tools/printer_emu
need_build "$PJ" "$DEC" "$EMU"
kit_tmp it_escpos
T=$tmp

n=0
# profile, dots, pattern WxH, lines fed before the cut (from the profile)
for c in "58mm 384 300x700 4" "58mm 384 384x256 4" "80mm 576 500x900 1" \
	 "80mm 576 1x1 1" "tm-t88 512 512x300 1" "80mm 576 383x257 1"; do
	set -- $c
	prof=$1 dots=$2 pat=$3 feed=$4 h=${3#*x}
	"$PJ" "file:$T/job.bin?profile=$prof" --pattern "$pat" --expect "$T/exp.png" >"$T/out.txt" ||
		fail "$prof $pat: $(cat "$T/out.txt")"
	grep -q '^outcome: printed' "$T/out.txt" || fail "$prof $pat: $(cat "$T/out.txt")"
	"$DEC" --width "$dots" --raster-only "$T/job.bin" "$T/dec.png" >"$T/dec.txt" ||
		fail "$prof $pat: decoder refused our own stream"
	grep -q "jobs: 1, cuts: 1, .*png: ${dots}x${h}\$" "$T/dec.txt" ||
		fail "$prof $pat: decoded $(cat "$T/dec.txt"), want ${dots}x${h}"
	cmp -s "$T/exp.png" "$T/dec.png" || fail "$prof $pat: decoded raster differs from the pattern"
	# The full picture adds the feed (30 rows a line) and one cut row.
	"$DEC" --width "$dots" "$T/job.bin" "$T/full.png" >"$T/dec.txt"
	grep -q "png: ${dots}x$((h + feed * 30 + 1))\$" "$T/dec.txt" ||
		fail "$prof $pat: full picture $(cat "$T/dec.txt")"
	n=$((n + 1))
done
echo "round trip: $n prints decoded exactly"

# Over TCP, through the emulator: the stored job decodes to the same raster.
mkdir "$T/emu"
"$EMU" --out "$T/emu" --exit-after-jobs 1 --max-seconds 30 >"$T/port" 2>"$T/emu.log" &
EMU_PID=$!
kit_track "$EMU_PID"
wait_line "$T/port" . "$EMU_PID" 10 || fail "printer_emu did not give its port ($KIT_WHY)"
port=$(head -n 1 "$T/port")
"$PJ" "tcp:127.0.0.1:$port?profile=80mm&timeout_ms=3000" --pattern 560x600 --expect "$T/exp.png" >"$T/out.txt" ||
	fail "tcp print: $(cat "$T/out.txt")"
grep -q '^outcome: printed$' "$T/out.txt" || fail "tcp print not confirmed: $(cat "$T/out.txt")"
wait_until 5 kit_gone "$EMU_PID" || fail "printer_emu did not exit after its job"
wait "$EMU_PID" || fail "printer_emu exited with $?: $(cat "$T/emu.log")"
kit_untrack "$EMU_PID"
"$DEC" --width 576 --raster-only "$T/emu/job-001.bin" "$T/dec.png" >"$T/dec.txt" || fail "tcp job does not decode"
grep -q "barriers: 1," "$T/dec.txt" || fail "tcp job lacks its GS r 1: $(cat "$T/dec.txt")"
cmp -s "$T/exp.png" "$T/dec.png" || fail "tcp job decodes to another raster"
echo "tcp: confirmed job decoded exactly"

# Strictness: every broken stream is refused with a reason and exit 1.
"$PJ" "file:$T/good.bin?profile=80mm" --pattern 576x300 >/dev/null
size=$(wc -c <"$T/good.bin")
refuse() { # name file [options] -- grep pattern
	name=$1 f=$2 want=$3; shift 3
	if "$DEC" "$@" "$f" "$T/bad.png" >"$T/dec.txt" 2>"$T/err.txt"; then
		fail "decoder accepted $name"
	fi
	grep -q "$want" "$T/err.txt" || fail "$name: message '$(cat "$T/err.txt")' lacks '$want'"
}
head -c 100 "$T/good.bin" >"$T/bad.bin"; tail -c +102 "$T/good.bin" >>"$T/bad.bin"
refuse "a byte missing from image data" "$T/bad.bin" "unknown byte"
head -c $((size - 1)) "$T/good.bin" >"$T/bad.bin"
refuse "a truncated job" "$T/bad.bin" "offset"
head -c 12 "$T/good.bin" >"$T/bad.bin"; printf '\033a\001' >>"$T/bad.bin"; tail -c +13 "$T/good.bin" >>"$T/bad.bin"
refuse "ESC a (never sent)" "$T/bad.bin" "unknown byte 0x1B"
tail -c +13 "$T/good.bin" >"$T/bad.bin"
refuse "a job without ESC @" "$T/bad.bin" "before any ESC @"
printf '\033@' >"$T/bad.bin"; tail -c +13 "$T/good.bin" >>"$T/bad.bin"
refuse "a job without the DLE DC4 command" "$T/bad.bin" "DLE DC4"
refuse "a 576-dot band on a 384-dot head" "$T/good.bin" "wider than the printer's 384 dots" --width 384
echo "decoder: 6 broken streams refused"
