#!/usr/bin/env bash
# mxpin undo: an apply undone gives back every file byte for byte (main.cf,
# the tables it reused, the state file), removes the files it created
# (with their databases), rebuilds the databases so postmap -q answers as
# before; --list shows the backups newest first and marks the one undo
# restores; an undo is not undone twice; ten backups are kept; non-root
# and "nothing to undo" runs write nothing.
. "$(dirname "$0")/../lib.sh"

make_cert "$T_TMP" primary
make_cert "$T_TMP" renewed
FP=$(openssl_fp "$T_TMP/primary.pem" sha256)
FP2=$(openssl_fp "$T_TMP/renewed.pem" sha256)

std_answers "$T_TMP/a.cfg" "certificate = \"$T_TMP/primary.pem\";"
std_answers "$T_TMP/keep.cfg" "certificate = \"$T_TMP/renewed.pem\";" "keep_previous = true;"
std_answers "$T_TMP/new.cfg" "certificate = \"$T_TMP/renewed.pem\";" "keep_previous = false;"

# sum_live DIR: tree_sum without the backups and the (rebuilt) databases,
# whose bytes Berkeley DB does not reproduce; those are checked by query.
sum_live() { tree_sum "$1" | grep -vE '^\./mxpin\.bak/|\.db '; }
policy() { postmap -q '[mx.domain.not]:26' "hash:$1/tls_policy.cf"; }
backups() { find "$1/mxpin.bak" -mindepth 1 -maxdepth 1 -type d | wc -l; }

# --- no backups --------------------------------------------------------------
Z=$(new_confdir empty)
before=$(tree_sum "$Z")
out=$("$MXPIN" undo -c "$Z" 2>&1); st=$?
check "undo with no backups fails (65)" test $st -eq 65
check "undo with no backups says there is nothing to undo" \
    grep -q "no backups in $Z/mxpin.bak: nothing to undo" <<<"$out"
out=$("$MXPIN" undo --list -c "$Z" 2>&1); st=$?
check "undo --list with no backups exits 0 and says so" \
    bash -c "[ $st -eq 0 ] && grep -q 'no backups in' <<<'$out'"
check "undo with no backups writes nothing" test "$before" = "$(tree_sum "$Z")"

# --- a first apply, undone ---------------------------------------------------
# The config reuses their transport table, which already routes domain.not
# elsewhere: undo must give its old bytes and old answers back.
D=$(new_confdir first)
printf '# their transport\nexample.com\tsmtp:[relay.example.com]\ndomain.not\tsmtp:[old.example]:25\n' >"$D/transport"
postmap "hash:$D/transport"
postconf -c "$D" -e 'transport_maps = hash:$config_directory/transport'
chmod 0640 "$D/transport"; chown root:postfix "$D/transport"
mkdir -p "$T_TMP/before"
cp -p "$D/main.cf" "$D/transport" "$T_TMP/before/"
before=$(sum_live "$D")

out=$("$MXPIN" apply -c "$D" "$T_TMP/a.cfg" 2>&1); st=$?
check "apply exits 0" test $st -eq 0 || printf '#   %s\n' "$out"
check "apply routed domain.not through the reused table" \
    test "$(postmap -q domain.not "hash:$D/transport")" = "smtp:[mx.domain.not]:26"
check "apply created the recipient and policy tables" \
    test -e "$D/relay_recipient_maps.cf.db" -a -e "$D/tls_policy.cf.db" -a -e "$D/mxpin.conf"
bdir=$(ls -d "$D"/mxpin.bak/*/ | head -1); bdir=${bdir%/}

out=$("$MXPIN" undo --list -c "$D" 2>&1); st=$?
check "undo --list exits 0" test $st -eq 0
check "undo --list marks the backup undo restores" \
    grep -qxF "$bdir  <- mxpin undo restores this one" <<<"$out"
check "undo --list names the files, new ones marked" \
    bash -c 'grep -qxF "    $1/main.cf" <<<"$2" && grep -qxF "    $1/transport" <<<"$2" &&
	grep -qxF "    $1/tls_policy.cf (new file)" <<<"$2"' _ "$D" "$out"

out=$("$MXPIN" undo -c "$D" 2>&1); st=$?
check "undo exits 0" test $st -eq 0 || printf '#   %s\n' "$out"
check "undo says what it restored" grep -qF "undone: the files are as they were before the apply of $bdir" <<<"$out"
check "undo notes Postfix is not running (no reload)" grep -q 'Postfix is not running' <<<"$out"
check "main.cf restored byte for byte" cmp -s "$D/main.cf" "$T_TMP/before/main.cf"
check "reused table restored byte for byte" cmp -s "$D/transport" "$T_TMP/before/transport"
check "reused table keeps its mode and group (0640 root:postfix)" \
    test "$(stat -c '%a %U:%G' "$D/transport")" = "640 root:postfix"
check "reused table's database rebuilt: postmap -q gives the old answer" \
    test "$(postmap -q domain.not "hash:$D/transport")" = "smtp:[old.example]:25"
check "reused table's database rebuilt: their other entry still answers" \
    test "$(postmap -q example.com "hash:$D/transport")" = "smtp:[relay.example.com]"
for f in relay_recipient_maps.cf tls_policy.cf; do
	check "created $f removed, with its .db" test ! -e "$D/$f" -a ! -e "$D/$f.db"
done
check "state file removed (there was none before)" test ! -e "$D/mxpin.conf"
check "every live file as before (path, mode, owner, content)" \
    test "$before" = "$(sum_live "$D")"
check "main.cf parses" postconf -c "$D" -n >/dev/null
check "no temp files or journal left" \
    bash -c "! ls -a '$D' | grep -qE 'mxpin-|mxpin.journal'"

out=$("$MXPIN" undo --list -c "$D" 2>&1)
check "undo --list shows the backup as undone, no longer marked" \
    bash -c 'grep -qxF "$1  (undone)" <<<"$2" && ! grep -q "<- mxpin undo" <<<"$2"' _ "$bdir" "$out"

# Undo of an undo: refused, explained, nothing changes.
before=$(tree_sum "$D")
out=$("$MXPIN" undo -c "$D" 2>&1); st=$?
check "undo of an undo is refused (65)" test $st -eq 65
check "the refusal says it was already undone" grep -q "was already undone" <<<"$out"
check "the refusal says what to do instead" grep -q "run mxpin apply with its answers again" <<<"$out"
check "a refused undo changes nothing" test "$before" = "$(tree_sum "$D")"

# --- rotation undone: the previous pin and state come back ---------------------
R=$(new_confdir rotation)
"$MXPIN" apply -c "$R" "$T_TMP/a.cfg" >/dev/null 2>&1
check "first pin in force" test "$(policy "$R")" = "fingerprint match=$FP"
cp -p "$R/mxpin.conf" "$T_TMP/state.1"
cp -p "$R/main.cf" "$T_TMP/main.1"
cp -p "$R/tls_policy.cf" "$T_TMP/policy.1"
before=$(sum_live "$R")
"$MXPIN" apply -c "$R" "$T_TMP/keep.cfg" >/dev/null 2>&1
check "rotation holds old|new" test "$(policy "$R")" = "fingerprint match=$FP|$FP2"
check "rotation changed the state file" bash -c "! cmp -s '$R/mxpin.conf' '$T_TMP/state.1'"
out=$("$MXPIN" undo -c "$R" 2>&1); st=$?
check "undo of the rotation exits 0" test $st -eq 0 || printf '#   %s\n' "$out"
check "undo of the rotation gives the previous pin back" \
    test "$(policy "$R")" = "fingerprint match=$FP"
check "the state file returns to its previous content" cmp -s "$R/mxpin.conf" "$T_TMP/state.1"
check "the policy table returns byte for byte" cmp -s "$R/tls_policy.cf" "$T_TMP/policy.1"
check "main.cf returns byte for byte" cmp -s "$R/main.cf" "$T_TMP/main.1"
check "every live file as after the first apply" test "$before" = "$(sum_live "$R")"
out=$("$MXPIN" undo --list -c "$R" 2>&1)
check "undo --list: the undone rotation first, then the first apply" \
    test "$(grep -c '^/' <<<"$out")" -eq 2 -a \
    "$(grep '^/' <<<"$out" | head -1 | grep -c '(undone)')" -eq 1
out=$("$MXPIN" undo -c "$R" 2>&1); st=$?
check "the apply before an undone one is not undone by a second undo" \
    bash -c "[ $st -eq 65 ] && [ \"\$(postmap -q '[mx.domain.not]:26' 'hash:$R/tls_policy.cf')\" = 'fingerprint match=$FP' ]"

# --- --no-reload ---------------------------------------------------------------
"$MXPIN" apply -c "$R" "$T_TMP/new.cfg" >/dev/null 2>&1
check "a new apply after an undo pins the new certificate" \
    test "$(policy "$R")" = "fingerprint match=$FP2"
out=$("$MXPIN" undo --no-reload -c "$R" 2>&1); st=$?
check "undo --no-reload exits 0" test $st -eq 0 || printf '#   %s\n' "$out"
check "undo --no-reload says it did not reload" grep -q 'not reloaded (--no-reload)' <<<"$out"
check "undo --no-reload restored the files" \
    bash -c "cmp -s '$R/mxpin.conf' '$T_TMP/state.1' && cmp -s '$R/tls_policy.cf' '$T_TMP/policy.1'"

# --- ten backups kept, newest first ---------------------------------------------
K=$(new_confdir keep)
for i in $(seq 1 12); do
	if [ $((i % 2)) = 1 ]; then c=a.cfg; else c=new.cfg; fi
	"$MXPIN" apply -c "$K" "$T_TMP/$c" >/dev/null 2>&1 || not_ok "apply $i failed"
done
check "after 12 applies only the last ten backups are kept" test "$(backups "$K")" -eq 10
out=$("$MXPIN" undo --list -c "$K" 2>&1)
listed=$(grep '^/' <<<"$out" | sed 's/ .*//')
check "undo --list shows ten backups" test "$(wc -l <<<"$listed")" -eq 10
check "undo --list is newest first" \
    test "$listed" = "$(ls -d "$K"/mxpin.bak/*/ | sed 's#/$##' | sort -rV)"
check "only the newest is marked" \
    bash -c 'test "$(grep -c "<- mxpin undo restores" <<<"$1")" -eq 1 &&
	grep "^/" <<<"$1" | head -1 | grep -q "<- mxpin undo restores"' _ "$out"
"$MXPIN" undo -c "$K" >/dev/null 2>&1
check "undo after 12 applies restores the 11th (first certificate)" \
    test "$(policy "$K")" = "fingerprint match=$FP"

# Eleven backups made within one second are named STAMP, STAMP-1 ...
# STAMP-10: STAMP-10 is the newest, not STAMP-9.
S=$(new_confdir samesecond)
"$MXPIN" apply -c "$S" "$T_TMP/a.cfg" >/dev/null 2>&1
b0=$(ls -d "$S"/mxpin.bak/*/ | head -1); b0=${b0%/}
for i in $(seq 1 10); do cp -a "$b0" "$b0-$i"; done
out=$("$MXPIN" undo --list -c "$S" 2>&1)
check "same-second backups: STAMP-10 is listed first and marked" \
    grep -qxF "$b0-10  <- mxpin undo restores this one" <<<"$(grep '^/' <<<"$out" | head -1)"
check "same-second backups: listed in creation order, newest first" \
    test "$(grep '^/' <<<"$out" | sed 's/ .*//' | tr '\n' ' ')" = \
    "$(for i in 10 9 8 7 6 5 4 3 2 1; do printf '%s ' "$b0-$i"; done; printf '%s ' "$b0")"
# The next apply prunes the oldest (STAMP), not STAMP-10.
"$MXPIN" apply -c "$S" "$T_TMP/new.cfg" >/dev/null 2>&1
check "same-second backups: pruning removes the oldest" \
    test ! -e "$b0" -a -e "$b0-10" -a "$(backups "$S")" -eq 10

# --- non-root ----------------------------------------------------------------------
N=$(new_confdir nonroot)
"$MXPIN" apply -c "$N" "$T_TMP/a.cfg" >/dev/null 2>&1
chmod -R a+rX "$T_TMP"
before=$(tree_sum "$N")
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$MXPIN" undo -c "$N" 2>&1); st=$?
check "non-root undo exits 77" test $st -eq 77
check "non-root undo says it needs root and wrote nothing" \
    grep -q 'needs root; nothing was written' <<<"$out"
check "non-root undo writes nothing" test "$before" = "$(tree_sum "$N")"
check "the apply is still in force" test "$(policy "$N")" = "fingerprint match=$FP"
chmod 0700 "$N/mxpin.bak"	# as apply makes it (made readable above)
before=$(tree_sum "$N")
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$MXPIN" undo --list -c "$N" 2>&1); st=$?
check "non-root undo --list of unreadable backups exits 77" test $st -eq 77
check "... naming the backups dir, not claiming there are none" \
    bash -c 'grep -qF "$1/mxpin.bak: Permission denied" <<<"$2" && ! grep -q "no backups" <<<"$2"' _ "$N" "$out"
check "non-root undo --list writes nothing" test "$before" = "$(tree_sum "$N")"

t_done
