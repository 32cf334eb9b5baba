#!/bin/sh
# it_po: every catalogue in assets/po/ passes `msgfmt -c`, GNU gettext's
# own check (syntax, the header, and each c-format msgstr's conversions
# against its msgid), as docs/LANGUAGES.md promises. A catalogue refused is
# named, with msgfmt's message. The check is tested first: copies broken
# on purpose (a %d turned into %s, an unterminated string) in a temporary
# directory must be refused and named, or this test fails.
. "$(dirname "$0")/lib.sh"
need_tool msgfmt
kit_tmp it_po

# po_check DIR: msgfmt -c on every DIR/*.po; prints "FILE: ..." and
# msgfmt's message for each one refused; 1 if any was (or none is there).
po_check() {
	po_rc=0 po_n=0
	for f in "$1"/*.po; do
		[ -f "$f" ] || { echo "no catalogue in $1"; return 1; }
		po_n=$((po_n + 1))
		if ! msgfmt -c -o /dev/null "$f" >"$tmp/msgfmt.out" 2>&1; then
			po_rc=1
			echo "$f: msgfmt -c refuses it:"
			sed 's/^/    /' "$tmp/msgfmt.out"
		fi
	done
	return $po_rc
}

# The check itself, on broken copies.
src=assets/po/ru.po
grep -q '^msgstr "Место в очереди: %d"$' "$src" || fail "$src: the line this test breaks is gone; pick another"
mkdir "$tmp/fmt" "$tmp/syntax"
sed 's/^msgstr "Место в очереди: %d"$/msgstr "Место в очереди: %s"/' "$src" >"$tmp/fmt/ru.po"
sed 's/^msgstr "Место в очереди: %d"$/msgstr "Место в очереди: %d/' "$src" >"$tmp/syntax/ru.po"
for kind in fmt syntax; do
	if po_check "$tmp/$kind" >"$tmp/$kind.out"; then
		fail "a catalogue broken on purpose ($kind) passed the check"
	fi
	grep -q "^$tmp/$kind/ru.po: msgfmt -c refuses it:" "$tmp/$kind.out" ||
		fail "the refusal ($kind) does not name the file: $(cat "$tmp/$kind.out")"
	grep -q "ru.po:[0-9]" "$tmp/$kind.out" ||
		fail "the refusal ($kind) lacks msgfmt's message with the line: $(cat "$tmp/$kind.out")"
done
grep -q 'format specifications' "$tmp/fmt.out" ||
	fail "the %d/%s mismatch is not reported as such: $(cat "$tmp/fmt.out")"

# The shipped catalogues.
po_check assets/po >"$tmp/po.out" || fail "$(cat "$tmp/po.out")"
echo "it_po: $po_n catalogues in assets/po pass msgfmt -c (and broken copies are refused)"
