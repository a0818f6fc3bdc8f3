#!/usr/bin/env bash
# mxpin-test: once
# Crash and fault safety, proved by fault injection: an apply killed at
# every rename and at a spread of writes, writes failing with ENOSPC from
# the k-th on, a real full disk (tmpfs) and a read-only file system.  After
# each: every file wholly old or wholly new, main.cf parses, and the next
# run rolls the interrupted apply back and leaves no temp files.
. "$(dirname "$0")/../lib.sh"

command -v strace >/dev/null || { skip "crash tests" "strace missing"; t_done; exit 0; }
make_cert "$T_TMP" primary
N=20000
for ((i = 0; i < N; i++)); do echo "user$i@domain.not"; done >"$T_TMP/rcpts.txt"
cat >"$T_TMP/a.cfg" <<EOT
domain = "domain.not";
relay_host = "mx.domain.not";
port = 26;
recipients_file = "$T_TMP/rcpts.txt";
certificate = "$T_TMP/primary.pem";
EOT

P=$(new_confdir pristine)
# The expected end state: an uninterrupted apply on a twin.
W=$(new_confdir want)
"$MXPIN" apply -c "$W" "$T_TMP/a.cfg" >/dev/null 2>&1 || not_ok "reference apply"
FILES="main.cf relay_recipient_maps.cf transport_maps.cf tls_policy.cf"

# whole_old_or_new DIR: each managed file equals the pristine or the wanted one.
whole_old_or_new() {
	local d=$1 f
	for f in $FILES; do
		if [ -e "$d/$f" ]; then
			cmp -s "$d/$f" "$W/$f" || cmp -s "$d/$f" "$P/$f" || return 1
		else
			[ ! -e "$P/$f" ] || return 1
		fi
	done
}
no_temps() { ! find "$1" -name '*.mxpin-*' | grep -q .; }
rolled_back() {	# every file as in the pristine dir, tables gone
	local d=$1 f
	cmp -s "$d/main.cf" "$P/main.cf" || return 1
	for f in relay_recipient_maps.cf transport_maps.cf tls_policy.cf; do
		[ ! -e "$d/$f" ] && [ ! -e "$d/$f.db" ] || return 1
	done
}

# Count the renames of a real apply (on a throw-away copy).
C=$(new_confdir count)
renames=$(strace -qq -e trace=rename -o "$T_TMP/count.log" "$MXPIN" apply -c "$C" "$T_TMP/a.cfg" >/dev/null 2>&1; grep -c '^rename' "$T_TMP/count.log")
check "an apply renames files (counted $renames)" test "$renames" -ge 8

all_ok=1
for ((k = 1; k <= renames; k++)); do
	D=$(new_confdir "kill-rename-$k")
	strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=$k \
	    "$MXPIN" apply -c "$D" "$T_TMP/a.cfg" >/dev/null 2>&1
	if ! whole_old_or_new "$D"; then
		all_ok=0; not_ok "killed at rename $k: a file is torn"; continue
	fi
	postconf -c "$D" -n >/dev/null 2>&1 || { all_ok=0; not_ok "killed at rename $k: main.cf does not parse"; continue; }
	# The next run of mxpin notices and rolls back, then applies.  (Killed
	# while the journal itself was written, there is no journal: nothing
	# had changed, and the next run only sweeps the temp file.)
	had_journal=0; [ -e "$D/mxpin.journal" ] && had_journal=1
	out=$("$MXPIN" apply -c "$D" "$T_TMP/a.cfg" 2>&1)
	if [ $had_journal = 1 ] && ! grep -q 'interrupted apply' <<<"$out"; then
		all_ok=0; not_ok "killed at rename $k: next run did not report the interrupted apply" "$out"; continue
	fi
	for f in $FILES; do
		cmp -s "$D/$f" "$W/$f" || { all_ok=0; not_ok "killed at rename $k: after recovery and apply, $f differs"; continue 2; }
	done
	no_temps "$D" || { all_ok=0; not_ok "killed at rename $k: temp files left"; continue; }
	test ! -e "$D/mxpin.journal" || { all_ok=0; not_ok "killed at rename $k: journal left"; continue; }
done
[ $all_ok = 1 ] && ok "killed at each of $renames renames: never torn, recovered, no temp files"

# A spread of writes.
writes=$(strace -qq -e trace=write -o "$T_TMP/w.log" "$MXPIN" apply -c "$(new_confdir countw)" "$T_TMP/a.cfg" >/dev/null 2>&1; grep -c '^write' "$T_TMP/w.log")
all_ok=1
for k in 1 2 3 $((writes / 4)) $((writes / 2)) $((writes * 3 / 4)) $((writes - 2)); do
	[ "$k" -ge 1 ] || continue
	D=$(new_confdir "kill-write-$k")
	strace -qq -o /dev/null -e trace=write -e inject=write:signal=KILL:when=$k \
	    "$MXPIN" apply -c "$D" "$T_TMP/a.cfg" >/dev/null 2>&1
	whole_old_or_new "$D" || { all_ok=0; not_ok "killed at write $k of $writes: torn"; continue; }
	"$MXPIN" undo --list -c "$D" >/dev/null 2>&1
	out=$("$MXPIN" apply -c "$D" "$T_TMP/a.cfg" 2>&1)
	for f in $FILES; do
		cmp -s "$D/$f" "$W/$f" || { all_ok=0; not_ok "killed at write $k: after the next run, $f differs" "$out"; continue 2; }
	done
	no_temps "$D" || { all_ok=0; not_ok "killed at write $k: temp files left"; continue; }
done
[ $all_ok = 1 ] && ok "killed at a spread of $writes writes: never torn, next run completes"

# ENOSPC from the k-th write on: a clear message, everything as before.
all_ok=1
for k in 2 $((writes / 3)) $((writes * 2 / 3)); do
	D=$(new_confdir "enospc-$k")
	before=$(tree_sum "$D")
	strace -qq -o /dev/null -e trace=write -e inject=write:error=ENOSPC:when=$k+ \
	    "$MXPIN" apply -c "$D" "$T_TMP/a.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
	[ $st -ne 0 ] || { all_ok=0; not_ok "ENOSPC from write $k: apply claimed success"; continue; }
	# (the injection fails mxpin's own stderr writes too: the message
	# itself is checked on a really full disk below)
	[ "$before" = "$(tree_sum "$D")" ] || { all_ok=0; not_ok "ENOSPC from write $k: files changed" "$(cat "$T_TMP/err")"; continue; }
	no_temps "$D" || { all_ok=0; not_ok "ENOSPC from write $k: temp files left"; continue; }
done
[ $all_ok = 1 ] && ok "ENOSPC from the k-th write on: apply fails, every file as before, no temp files"

# A real full disk and a read-only file system (tmpfs; root only).
if [ "$(id -u)" = 0 ] && mkdir -p "$T_TMP/small" && mount -t tmpfs -o size=600k tmpfs "$T_TMP/small" 2>/dev/null; then
	at_exit "umount -l '$T_TMP/small'"
	mkdir "$T_TMP/small/pf"
	cp "$P/main.cf" "$P/master.cf" "$T_TMP/small/pf/"
	before=$(tree_sum "$T_TMP/small/pf")
	"$MXPIN" apply -c "$T_TMP/small/pf" "$T_TMP/a.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
	check "full disk: apply fails with exit 73 or 78" test $st -eq 73 -o $st -eq 78
	check "full disk: the message names the error" grep -q 'No space left on device' "$T_TMP/err"
	check "full disk: every file as before" test "$before" = "$(tree_sum "$T_TMP/small/pf")"
	check "full disk: no temp files" no_temps "$T_TMP/small/pf"
	mount -o remount,ro "$T_TMP/small"
	"$MXPIN" apply -c "$T_TMP/small/pf" "$T_TMP/a.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
	check "read-only fs: apply fails" test $st -ne 0
	check "read-only fs: the message says read-only" grep -qi 'read-only' "$T_TMP/err"
	check "read-only fs: every file as before" test "$before" = "$(tree_sum "$T_TMP/small/pf")"
else
	skip "full disk and read-only file system" "cannot mount tmpfs"
fi
t_done
