#!/usr/bin/env bash
# probe.sh: mxpin probe against hostile servers (tests/aid/hostile_smtp)
# and openssl s_server on loopback.  Every hostile mode ends with exit 69
# and ONE line naming the stage, within the timeout (--timeout 3: each run
# must end before 3+2 s, and the deadline modes not before 3 s), with
# bounded memory (peak RSS at most the baseline + 20 MiB, when
# /usr/bin/time exists).  A well-behaved TLS server's leaf fingerprints
# equal openssl's, with STARTTLS and with implicit TLS.  The real Postfix
# instance is in probe_postfix.sh.
. "$(dirname "$0")/../lib.sh"

AID=${MXPIN_BUILD:-$TOP/build}/tests/aid/hostile_smtp
D=$T_TMP
OUT=$D/out ERR=$D/err
TIMEOUT=3
LIMIT_MS=$(((TIMEOUT + 2) * 1000))
RSS_SLACK=20480		# KiB above the baseline
HAVE_TIME=0
[ -x /usr/bin/time ] && HAVE_TIME=1

# start_hostile MODE: starts the server; sets HPORT (empty on failure).
start_hostile() {
	local pf=$D/port.$1
	: >"$pf"
	"$AID" "$1" "$D/leaf.$1.pem" >"$pf" 2>"$D/server.$1.err" &
	HPID=$!
	at_exit "kill $HPID"
	HPORT=
	wait_for 10 test -s "$pf" && HPORT=$(head -1 "$pf")
}

# run_probe ARGS...: mxpin probe; sets RC, MS (elapsed) and RSS (KiB).
run_probe() {
	local s
	s=$(date +%s%N)
	if [ $HAVE_TIME = 1 ]; then
		/usr/bin/time -f %M -o "$D/rss" "$MXPIN" probe "$@" >"$OUT" 2>"$ERR"
		RC=$?
		RSS=$(tail -1 "$D/rss")
	else
		"$MXPIN" probe "$@" >"$OUT" 2>"$ERR"
		RC=$?
		RSS=0
	fi
	MS=$((($(date +%s%N) - s) / 1000000))
}

# expect NAME SHELL-CONDITION
expect() {
	local name=$1
	if eval "$2"; then
		ok "$name"
	else
		not_ok "$name" "condition: $2" "exit $RC after ${MS}ms, rss ${RSS}KiB" \
		    "stdout: $(head -c 300 "$OUT")" "stderr: $(head -c 300 "$ERR")"
	fi
}

# one_line_reason: stderr is exactly one "mxpin: ..." line, stdout empty.
one_line_reason() {
	[ "$(wc -l <"$ERR")" -eq 1 ] && grep -q '^mxpin: ' "$ERR" && [ ! -s "$OUT" ]
}

[ -x "$AID" ] || { not_ok "hostile_smtp is built" "$AID missing"; t_done; exit 1; }

# Baseline: connection refused (a port whose server has just exited).
start_hostile silent
p=$HPORT
kill "$HPID" 2>/dev/null; wait "$HPID" 2>/dev/null
run_probe --timeout $TIMEOUT "127.0.0.1:$p"
BASE_RSS=$RSS
expect "connection refused: exit 69" '[ $RC -eq 69 ]'
expect "connection refused: one line naming the address" \
    'one_line_reason && grep -qx "mxpin: connect to \[127.0.0.1\]:$p: connection refused" "$ERR"'

# hostile MODE EXPECTED-TEXT [deadline]: one hostile run.
hostile() {
	local mode=$1 want=$2 deadline=${3:-}
	start_hostile "$mode"
	if [ -z "$HPORT" ]; then
		not_ok "$mode: server starts" "$(cat "$D/server.$mode.err")"
		return
	fi
	run_probe --timeout $TIMEOUT "127.0.0.1:$HPORT"
	expect "$mode: exit 69 with one line: $want" \
	    '[ $RC -eq 69 ] && one_line_reason && grep -qF -- "$want" "$ERR"'
	expect "$mode: ends within ${LIMIT_MS}ms" '[ $MS -lt $LIMIT_MS ]'
	if [ -n "$deadline" ]; then
		expect "$mode: waits the whole timeout, not less" \
		    '[ $MS -ge $((TIMEOUT * 1000 - 100)) ]'
	fi
	if [ $HAVE_TIME = 1 ]; then
		expect "$mode: peak memory bounded (baseline ${BASE_RSS}KiB)" \
		    '[ "$RSS" -le $((BASE_RSS + RSS_SLACK)) ]'
	else
		skip "$mode: peak memory bounded" "no /usr/bin/time"
	fi
	kill "$HPID" 2>/dev/null
	wait "$HPID" 2>/dev/null
}

hostile silent "timed out after ${TIMEOUT}s waiting for the 220 greeting" deadline
hostile slowdrip "timed out after ${TIMEOUT}s waiting for the 220 greeting" deadline
hostile endless "protocol error in the 220 greeting: reply line too long (more than 2048 bytes)"
hostile manylines "protocol error in the EHLO reply: reply has too many lines (more than 100)"
hostile nostarttls "the server did not offer STARTTLS"
hostile garbage "TLS handshake failed: "
hostile inject "the server sent data after its STARTTLS reply"
hostile tlsstall "timed out after ${TIMEOUT}s during the TLS handshake" deadline
hostile hugechain "TLS handshake failed: the certificate chain is larger than 100 KiB"
hostile hugecert "TLS handshake failed: the certificate chain is larger than 100 KiB"

# A well-behaved STARTTLS server with a chain of two: the leaf is pinned.
start_hostile good
run_probe --timeout $TIMEOUT "127.0.0.1:$HPORT"
L=$D/leaf.good.pem
expect "good: exit 0" '[ $RC -eq 0 ] && [ ! -s "$ERR" ]'
expect "good: certificate fingerprint is the leaf's (openssl x509)" \
    'grep -qx "certificate  match=$(openssl_fp "$L" sha256)" "$OUT"'
expect "good: public-key fingerprint is the leaf's (openssl pkey)" \
    'grep -qx "public-key   match=$(openssl_pubkey_fp "$L" sha256)" "$OUT"'
expect "good: reports the chain length and the subject" \
    'grep -qx "chain        2 certificates presented" "$OUT" &&
     grep -qx "subject      CN=hostile.example" "$OUT"'
expect "good: shows the peer, STARTTLS and the TLS version" \
    'grep -q "^peer         \[127.0.0.1\]:$HPORT (STARTTLS, TLSv1\.[23], " "$OUT"'
wait "$HPID" 2>/dev/null
expect "good: the server got its QUIT and ended" '! kill -0 $HPID 2>/dev/null'

# A host name goes through the resolver (in its helper thread); every
# address of localhost is tried until one answers.
start_hostile good
run_probe --timeout $TIMEOUT "localhost:$HPORT"
expect "localhost by name: exit 0, the leaf's fingerprint" \
    '[ $RC -eq 0 ] && grep -qx "certificate  match=$(openssl_fp "$D/leaf.good.pem" sha256)" "$OUT"'
wait "$HPID" 2>/dev/null

# Implicit TLS with the greeting inside TLS.
start_hostile goodtls
run_probe --tls --timeout $TIMEOUT --digest md5 "[127.0.0.1]:$HPORT"
L=$D/leaf.goodtls.pem
expect "goodtls: exit 0, md5 fingerprints match openssl" \
    '[ $RC -eq 0 ] && grep -qx "certificate  match=$(openssl_fp "$L" md5)" "$OUT" &&
     grep -qx "public-key   match=$(openssl_pubkey_fp "$L" md5)" "$OUT"'
expect "goodtls: the greeting read inside TLS is shown" \
    'grep -qx "greeting     220 hostile.example ESMTP" "$OUT"'
wait "$HPID" 2>/dev/null

# STARTTLS against an implicit-TLS server fails at the greeting, and the
# other way round fails in the handshake.
start_hostile goodtls
run_probe --starttls --timeout $TIMEOUT "127.0.0.1:$HPORT"
expect "STARTTLS against smtps: exit 69, one line" '[ $RC -eq 69 ] && one_line_reason'
kill "$HPID" 2>/dev/null; wait "$HPID" 2>/dev/null
start_hostile nostarttls
run_probe --tls --timeout $TIMEOUT "127.0.0.1:$HPORT"
expect "--tls against plain SMTP: TLS handshake failed" \
    '[ $RC -eq 69 ] && one_line_reason && grep -q "TLS handshake failed" "$ERR"'
kill "$HPID" 2>/dev/null; wait "$HPID" 2>/dev/null

# --tls against openssl s_server (RSA this time).
make_cert "$D" sserver rsa
mkfifo "$D/ssin"
exec 7<>"$D/ssin"
openssl s_server -accept 127.0.0.1:0 -naccept 1 -cert "$D/sserver.pem" \
    -key "$D/sserver.key" <"$D/ssin" >"$D/ss.out" 2>&1 7>&- &
SPID=$!
at_exit "kill $SPID"
if wait_for 10 grep -q '^ACCEPT' "$D/ss.out"; then
	sp=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$D/ss.out")
	run_probe --tls --timeout $TIMEOUT "127.0.0.1:$sp"
	expect "s_server --tls: exit 0, sha256 fingerprints match openssl" \
	    '[ $RC -eq 0 ] &&
	     grep -qx "certificate  match=$(openssl_fp "$D/sserver.pem" sha256)" "$OUT" &&
	     grep -qx "public-key   match=$(openssl_pubkey_fp "$D/sserver.pem" sha256)" "$OUT"'
	expect "s_server --tls: RSA key and SANs shown" \
	    'grep -qx "key          RSA 2048" "$OUT" &&
	     grep -qx "SANs         sserver.example, mail.sserver.example" "$OUT"'
else
	not_ok "openssl s_server starts" "$(cat "$D/ss.out")"
fi
exec 7>&-

# Usage errors: exit 64, nothing attempted.
for args in "" "a b" "--timeout 0 x" "--timeout 3x x" "--digest sha3 x" \
    "--bogus x" "bad/host" "[::1" "[::1]x" "x:0" "x:65536" "x:" "-- -x"; do
	# shellcheck disable=SC2086
	"$MXPIN" probe $args >"$OUT" 2>"$ERR"
	RC=$?
	expect "usage error exits 64: probe $args" '[ $RC -eq 64 ] && [ -s "$ERR" ]'
done

t_done
