#!/usr/bin/env bash
# A rotation costs what it changes: when the recipients (file and inline)
# are the bytes the last apply built the recipients table from, and the
# table's files are still the ones it wrote, mxpin apply does not open the
# table at all and leaves it untouched.  Any change to the recipients, to
# the table by hand, or to the domain makes it read and compare again, and
# what it writes is then exactly what a first apply writes.
. "$(dirname "$0")/../lib.sh"

if [ ! -x /usr/bin/strace ]; then
	skip "recipients table kept on rotation" "needs strace"
	t_done
	exit 0
fi

make_cert "$T_TMP" primary
make_cert "$T_TMP" renewed
FP2=$(openssl_fp "$T_TMP/renewed.pem" sha256)
R=$T_TMP/rcpt.txt
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "user%05d@domain.not\n", i }' >"$R"

answers() {	# answers FILE CERT
	cat >"$1" <<EOT
domain = "domain.not";
relay_host = "mx.domain.not";
recipients = [ "inline@domain.not" ];
recipients_file = "$R";
certificate = "$2";
EOT
}
answers "$T_TMP/a.cfg" "$T_TMP/primary.pem"
answers "$T_TMP/b.cfg" "$T_TMP/renewed.pem"

D=$(new_confdir d)
TBL=$D/relay_recipient_maps.cf
ident() { stat -c '%i %s %Y.%y' "$TBL" "$TBL.db"; }
# opened_table CFG: 0 when mxpin apply opened the recipients table.
opened_table() {
	# (LeakSanitizer cannot run under ptrace.)
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
	    strace -f -qq -e trace=open,openat -o "$T_TMP/trace" \
	    "$MXPIN" apply --no-reload -c "$D" "$1" >"$T_TMP/out" 2>&1 ||
	    { cat "$T_TMP/out"; return 2; }
	grep -v ENOENT "$T_TMP/trace" | grep -q "\"$TBL\""
}

"$MXPIN" apply --no-reload -c "$D" "$T_TMP/a.cfg" >"$T_TMP/out" 2>&1
check "first apply exits 0" test $? -eq 0 || cat "$T_TMP/out"
check "the state records what the table was built from" \
    grep -q 'recipients_key = "[0-9a-f]\{64\}"' "$D/mxpin.conf"
first=$(ident)

# --- a rotation: the table is neither opened nor rewritten -------------------
opened_table "$T_TMP/b.cfg"; st=$?
check "rotation: mxpin apply does not open the recipients table" test $st -eq 1
check "rotation: the table's files are untouched" test "$(ident)" = "$first"
check "rotation: the new pin is in force" \
    bash -c "postmap -q '[mx.domain.not]' 'hash:$D/tls_policy.cf' | grep -q 'match=$FP2'"
check "rotation: the state still counts every recipient" \
    grep -q 'recipients = 3001L;' "$D/mxpin.conf"
check "rotation: the table still answers" \
    test "$(postmap -q user02999@domain.not "hash:$TBL")" = OK
out=$("$MXPIN" apply --dry-run -c "$D" "$T_TMP/b.cfg" 2>&1)
check "dry run after the rotation: no change" grep -q 'nothing to change\|no change' <<<"$out" ||
    printf '#   %s\n' "$out" | head -5

# --- the recipients file changes, same size: the table follows ---------------
sed -i 's/^user00007@/user0000x@/' "$R"
opened_table "$T_TMP/a.cfg"; st=$?
check "changed recipients file: the table is read" test $st -eq 0
check "changed recipients file: the new address is in the table" \
    test "$(postmap -q user0000x@domain.not "hash:$TBL")" = OK
check "changed recipients file: the old one is gone" \
    test -z "$(postmap -q user00007@domain.not "hash:$TBL")"
second=$(ident)

# --- an inline recipient changes ---------------------------------------------
sed -i 's/inline@/inline2@/' "$T_TMP/b.cfg"
opened_table "$T_TMP/b.cfg"; st=$?
check "changed inline recipient: the table is read" test $st -eq 0
check "changed inline recipient: it is in the table" \
    test "$(postmap -q inline2@domain.not "hash:$TBL")" = OK
sed -i 's/inline2@/inline@/' "$T_TMP/b.cfg"
"$MXPIN" apply --no-reload -c "$D" "$T_TMP/b.cfg" >/dev/null 2>&1

# --- the table edited by hand: read, and mxpin's lines restored --------------
sed -i 's/^user00010@domain.not.*/user00010@domain.not REJECT/' "$TBL"
postmap "hash:$TBL"
opened_table "$T_TMP/a.cfg"; st=$?
check "hand-edited table: the table is read" test $st -eq 0
check "hand-edited table: mxpin's line is back" \
    test "$(postmap -q user00010@domain.not "hash:$TBL")" = OK

# --- only touched: read, found equal, not rewritten; kept again next time ----
touch -d '-1 min' "$TBL"
before=$(ident)
opened_table "$T_TMP/b.cfg"; st=$?
check "touched table: the table is read" test $st -eq 0
check "touched table: equal, so not rewritten" test "$(ident)" = "$before"
opened_table "$T_TMP/a.cfg"; st=$?
check "touched table: the next rotation skips it again" test $st -eq 1

# --- what a kept run leaves equals a first apply of the same answers ---------
E=$(new_confdir e)
"$MXPIN" apply --no-reload -c "$E" "$T_TMP/a.cfg" >/dev/null 2>&1
check "kept table equals a fresh apply's table, byte for byte" \
    cmp -s "$TBL" "$E/relay_recipient_maps.cf"

# --- a copied config dir: another path, so read again ------------------------
cp -a "$D" "$T_TMP/copy"
D2=$T_TMP/copy
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    strace -f -qq -e trace=open,openat -o "$T_TMP/trace" \
    "$MXPIN" apply --no-reload -c "$D2" "$T_TMP/b.cfg" >/dev/null 2>&1
check "copied config dir: its table is read" \
    grep -q "\"$D2/relay_recipient_maps.cf\"" "$T_TMP/trace"
check "copied config dir: main.cf names each table once" \
    test "$(postconf -c "$D2" -h relay_recipient_maps)" = 'hash:${config_directory}/relay_recipient_maps.cf'

# --- a pipe as the recipients file: read once, every line kept ---------------
P=$(new_confdir pipe)
sed "s#^recipients_file = .*#recipients_file = \"/dev/stdin\";#" "$T_TMP/a.cfg" >"$T_TMP/pipe.cfg"
"$MXPIN" apply --no-reload -c "$P" "$T_TMP/pipe.cfg" <"$R" >"$T_TMP/out" 2>&1
check "piped recipients: apply exits 0" test $? -eq 0 || cat "$T_TMP/out"
check "piped recipients: the last line of the pipe is in the table" \
    test "$(postmap -q user02999@domain.not "hash:$P/relay_recipient_maps.cf")" = OK
check "piped recipients: the state counts them all" \
    grep -q 'recipients = 3001L;' "$P/mxpin.conf"
"$MXPIN" apply --no-reload -c "$P" "$T_TMP/a.cfg" >/dev/null 2>&1
check "the same bytes from a file afterwards: the table still holds them" \
    test "$(postmap -q user02999@domain.not "hash:$P/relay_recipient_maps.cf")" = OK

t_done
