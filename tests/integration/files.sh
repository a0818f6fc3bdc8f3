#!/usr/bin/env bash
# Files and privileges: apply keeps the owner, group and mode of main.cf,
# of each table and of each table's database; a symlinked main.cf or table
# (absolute, relative, a chain of relative links) is written through to its
# target and stays a link, for apply and undo alike; temp files are
# created with O_EXCL and mode 0600; a non-root dry run works and a
# non-root apply exits 77 having changed nothing.
. "$(dirname "$0")/../lib.sh"

make_cert "$T_TMP" primary
make_cert "$T_TMP" renewed
FP=$(openssl_fp "$T_TMP/primary.pem" sha256)
FP2=$(openssl_fp "$T_TMP/renewed.pem" sha256)
TABLES="relay_recipient_maps.cf transport_maps.cf tls_policy.cf"

answers() {	# answers FILE PORT RECIPIENT CERT
	cat >"$1" <<EOT
domain = "domain.not";
relay_host = "mx.domain.not";
port = $2;
recipients = [ "first.last@domain.not", "$3" ];
certificate = "$4";
EOT
}
answers "$T_TMP/a.cfg" 26 second@domain.not "$T_TMP/primary.pem"
# b.cfg changes every table: port (transport), a recipient, the pin.
answers "$T_TMP/b.cfg" 27 third@domain.not "$T_TMP/renewed.pem"
policy() { postmap -q "[mx.domain.not]:$2" "hash:$1/tls_policy.cf"; }
own() { stat -c '%a %U:%G' "$1"; }
no_temps() { ! find "$@" -name '*.mxpin-*' | grep -q .; }

# --- owner, group and mode kept ------------------------------------------------
O=$(new_confdir owners)
chmod 0640 "$O/main.cf"; chown root:postfix "$O/main.cf"
cp -p "$O/main.cf" "$T_TMP/main.orig"
"$MXPIN" apply -c "$O" "$T_TMP/a.cfg" >/dev/null 2>&1
check "apply changed main.cf" bash -c "! cmp -s '$O/main.cf' '$T_TMP/main.orig'"
check "main.cf keeps 0640 root:postfix" test "$(own "$O/main.cf")" = "640 root:postfix"
# Odd owners and modes on the tables and their databases, then an apply
# that rewrites every one of them.
chmod 0600 "$O/relay_recipient_maps.cf"; chown postfix:root "$O/relay_recipient_maps.cf"
chmod 0640 "$O/transport_maps.cf"; chown root:postfix "$O/transport_maps.cf"
chmod 0604 "$O/tls_policy.cf"; chown nobody:postfix "$O/tls_policy.cf"
chmod 0640 "$O/tls_policy.cf.db"; chown postfix:postfix "$O/tls_policy.cf.db"
chmod 0600 "$O/transport_maps.cf.db"
chmod 0604 "$O/main.cf"; chown postfix:nogroup "$O/main.cf"
declare -A want
for f in main.cf $TABLES tls_policy.cf.db transport_maps.cf.db relay_recipient_maps.cf.db; do
	want[$f]=$(own "$O/$f")
	cp -p "$O/$f" "$T_TMP/prev.$f"
done
# main.cf changes too: remove a setting mxpin owns, so it is written again.
sed -i '/^smtp_tls_fingerprint_digest/d' "$O/main.cf"
cp -p "$O/main.cf" "$T_TMP/prev.main.cf"
"$MXPIN" apply -c "$O" "$T_TMP/b.cfg" >/dev/null 2>"$T_TMP/err"
check "second apply rewrote the pin" test "$(policy "$O" 27)" = "fingerprint match=$FP2"
for f in main.cf $TABLES; do
	check "$f rewritten" bash -c "! cmp -s '$O/$f' '$T_TMP/prev.$f'"
	check "$f keeps ${want[$f]}" test "$(own "$O/$f")" = "${want[$f]}"
done
for f in tls_policy.cf.db transport_maps.cf.db relay_recipient_maps.cf.db; do
	check "$f keeps ${want[$f]}" test "$(own "$O/$f")" = "${want[$f]}"
done
"$MXPIN" undo -c "$O" >/dev/null 2>&1
for f in main.cf $TABLES; do
	check "undo: $f back byte for byte, keeps ${want[$f]}" \
	    bash -c "cmp -s '$O/$f' '$T_TMP/prev.$f' && [ \"\$(stat -c '%a %U:%G' '$O/$f')\" = '${want[$f]}' ]"
done

# --- symlinks --------------------------------------------------------------------
S=$(new_confdir links)
R=$T_TMP/real			# where the targets live
mkdir -p "$R/etc" "$R/tables" "$S/sub"
mv "$S/main.cf" "$R/etc/main.cf"
ln -s ../real/etc/main.cf "$S/main.cf"	# relative, to another directory
"$MXPIN" apply -c "$S" "$T_TMP/a.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
check "apply through a relative main.cf link exits 0" test $st -eq 0 || sed 's/^/#   /' "$T_TMP/err"
check "main.cf is still a link, unchanged" \
    test -L "$S/main.cf" -a "$(readlink "$S/main.cf")" = ../real/etc/main.cf
check "the link's target holds the new main.cf" \
    test "$(postconf -c "$S" -xh transport_maps)" = "hash:$S/transport_maps.cf"
check "the new main.cf is a plain file in the target's directory" \
    test -f "$R/etc/main.cf" -a ! -L "$R/etc/main.cf"

# Tables behind links: an absolute link, and a chain of relative links
# each resolved from its own directory (sub/t -> ../../real/tables/t).
mv "$S/tls_policy.cf" "$R/tables/tls_policy.cf"
ln -s "$R/tables/tls_policy.cf" "$S/tls_policy.cf"
mv "$S/transport_maps.cf" "$R/tables/transport_maps.cf"
ln -s ../../real/tables/transport_maps.cf "$S/sub/transport_maps.cf"
ln -s sub/transport_maps.cf "$S/transport_maps.cf"
sums() { readlink "$S/main.cf" "$S/tls_policy.cf" "$S/transport_maps.cf" "$S/sub/transport_maps.cf"; }
links=$(sums)
"$MXPIN" apply -c "$S" "$T_TMP/b.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
check "apply through table links exits 0" test $st -eq 0 || sed 's/^/#   /' "$T_TMP/err"
check "every link is still a link, unchanged" \
    bash -c "[ -L '$S/main.cf' ] && [ -L '$S/tls_policy.cf' ] && [ -L '$S/transport_maps.cf' ] && [ -L '$S/sub/transport_maps.cf' ] && [ \"\$(readlink '$S/main.cf' '$S/tls_policy.cf' '$S/transport_maps.cf' '$S/sub/transport_maps.cf')\" = '$links' ]"
check "absolute link: the target holds the new policy" \
    grep -qF "[mx.domain.not]:27	fingerprint match=$FP2" "$R/tables/tls_policy.cf"
check "relative chain: the final target holds the new transport" \
    grep -qF "domain.not	smtp:[mx.domain.not]:27" "$R/tables/transport_maps.cf"
check "postmap -q through the link finds the new pin" \
    test "$(policy "$S" 27)" = "fingerprint match=$FP2"
check "postmap -q through the link chain finds the new transport" \
    test "$(postmap -q domain.not "hash:$S/transport_maps.cf")" = "smtp:[mx.domain.not]:27"
check "main.cf through the link parses" postconf -c "$S" -n >/dev/null
check "no temp files beside links or targets" no_temps "$S" "$R"
check "no stray file in the intermediate link's directory" \
    test "$(ls -A "$S/sub")" = transport_maps.cf
"$MXPIN" undo -c "$S" >/dev/null 2>"$T_TMP/err"; st=$?
check "undo through links exits 0" test $st -eq 0 || sed 's/^/#   /' "$T_TMP/err"
check "undo: links unchanged" test "$(sums)" = "$links"
check "undo: the targets hold the old tables again" \
    test "$(policy "$S" 26)" = "fingerprint match=$FP" -a \
    "$(postmap -q domain.not "hash:$S/transport_maps.cf")" = "smtp:[mx.domain.not]:26"

# A table linked to another file system: the database is built beside the
# target but read beside the link; it is copied across, not renamed.
SHM=/dev/shm
if [ -d "$SHM" ] && [ -w "$SHM" ] && [ "$(stat -c %d "$SHM")" != "$(stat -c %d "$T_TMP")" ]; then
	F=$(new_confdir xdev)
	"$MXPIN" apply -c "$F" "$T_TMP/a.cfg" >/dev/null 2>&1
	XD=$(mktemp -d "$SHM/mxpin-xdev.XXXXXX")
	at_exit "rm -rf '$XD'"
	mv "$F/tls_policy.cf" "$XD/tls_policy.cf"
	ln -s "$XD/tls_policy.cf" "$F/tls_policy.cf"
	chmod 0640 "$F/tls_policy.cf.db"; chown root:postfix "$F/tls_policy.cf.db"
	"$MXPIN" apply -c "$F" "$T_TMP/b.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
	check "apply with a table linked across file systems exits 0" test $st -eq 0 || sed 's/^/#   /' "$T_TMP/err"
	check "across file systems: postmap -q through the link finds the new pin" \
	    test "$(policy "$F" 27)" = "fingerprint match=$FP2"
	check "across file systems: the database beside the link keeps 0640 root:postfix" \
	    test "$(own "$F/tls_policy.cf.db")" = "640 root:postfix"
	check "across file systems: no temp files on either side" no_temps "$F" "$XD"
	"$MXPIN" undo -c "$F" >/dev/null 2>"$T_TMP/err"; st=$?
	check "across file systems: undo exits 0 and gives the old pin back" \
	    test $st -eq 0 -a "$(policy "$F" 26)" = "fingerprint match=$FP"
else
	skip "table linked across file systems" "no second file system at $SHM"
fi

# A dangling link names the file to create; a loop is refused cleanly.
L=$(new_confdir loop)
ln -s tls_policy.cf "$L/loop.a"
rm -f "$L/tls_policy.cf"; ln -s loop.b "$L/tls_policy.cf"; ln -s tls_policy.cf "$L/loop.b"
before=$(tree_sum "$L")
"$MXPIN" apply -c "$L" "$T_TMP/a.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
check "a looping table link is refused" test $st -ne 0
check "the refusal names the loop" grep -qi 'symbolic links' "$T_TMP/err"
check "a refused looping link changes nothing" test "$before" = "$(tree_sum "$L")"
check "no temp files after the refusal" no_temps "$L"

# --- temp files: O_EXCL, mode 0600 ------------------------------------------------
# LeakSanitizer cannot run under ptrace: off for the traced runs (of an
# ASan build; the untraced runs keep it).
NOLSAN="${ASAN_OPTIONS:-}:detect_leaks=0"
if command -v strace >/dev/null; then
	X=$(new_confdir excl)
	ASAN_OPTIONS=$NOLSAN strace -qq -e trace=openat,open,creat -o "$T_TMP/open.log" \
	    "$MXPIN" apply -c "$X" "$T_TMP/a.cfg" >/dev/null 2>&1
	grep -F '.mxpin-' "$T_TMP/open.log" | grep -F O_CREAT >"$T_TMP/tmpopens"
	n=$(wc -l <"$T_TMP/tmpopens")
	check "temp files were created ($n)" test "$n" -ge 5
	check "every temp file is opened O_CREAT|O_EXCL with mode 0600" \
	    bash -c "! grep -vE 'O_CREAT\\|O_EXCL.*, 0600\\) = [0-9]+\$' '$T_TMP/tmpopens'"
	check "no file is created without O_EXCL" \
	    bash -c "! grep -E 'O_CREAT' '$T_TMP/open.log' | grep -v O_EXCL"
else
	skip "temp files O_EXCL 0600" "strace missing"
fi

# --- non-root -----------------------------------------------------------------------
N=$(new_confdir nonroot)
chmod -R a+rX "$T_TMP"
before=$(tree_sum "$N")
asnobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
out=$(asnobody "$MXPIN" apply --dry-run -c "$N" "$T_TMP/a.cfg" 2>"$T_TMP/err"); st=$?
check "non-root dry run on a readable config dir exits 0" test $st -eq 0 || sed 's/^/#   /' "$T_TMP/err"
check "non-root dry run shows the change" grep -q 'would change 4 files' <<<"$out"
if command -v strace >/dev/null; then
	ASAN_OPTIONS=$NOLSAN strace -qq -f -e trace=execve,openat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,flock,chmod,fchmod,chown,fchown,write \
	    -o "$T_TMP/nr.log" setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$MXPIN" apply -c "$N" "$T_TMP/a.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
	check "non-root apply exits 77" test $st -eq 77
	check "mxpin ran (traced) as nobody" grep -qE "execve\\(\"$MXPIN\".* = 0\$" "$T_TMP/nr.log"
	check "non-root apply says it needs root" grep -q 'root' "$T_TMP/err"
	# (A sanitizer runtime tries to mkdir its log directory; that fails
	# and changes nothing.)
	check "non-root apply opens nothing for writing and locks nothing" \
	    bash -c "! grep -vE '^[0-9]+ +mkdir\\(.* = -1 E' '$T_TMP/nr.log' |
		grep -E 'O_WRONLY|O_RDWR|O_CREAT|^[0-9]+ +(mkdir|rename|unlink|flock|f?ch(mod|own))'"
	check "non-root apply writes only its message (to stderr)" \
	    bash -c "! grep -E '^[0-9]+ +write\\([^2]' '$T_TMP/nr.log'"
else
	asnobody "$MXPIN" apply -c "$N" "$T_TMP/a.cfg" >/dev/null 2>&1; st=$?
	check "non-root apply exits 77" test $st -eq 77
fi
check "non-root runs changed nothing" test "$before" = "$(tree_sum "$N")"

t_done
