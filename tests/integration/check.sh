#!/usr/bin/env bash
# mxpin-test: once
# check.sh: `mxpin check` as a monitoring plugin against a real primary
# and a real backup configured by `mxpin apply` (tests/e2e/fixture.sh).
# Each case checks the exit code AND the first line (the status line):
#   3 UNKNOWN  no state (nothing applied yet);
#   0 OK       the primary presents the pinned certificate;
#   1 WARNING  only the old pin of an overlap matches (keep_previous with a
#              new certificate not yet deployed on the primary);
#   2 CRITICAL the primary changed its key (no pin matches);
#   2 CRITICAL the policy key hand-edited to [127.0.0.1] while the
#              transport says [127.0.0.1]:PORT (fails open; proven with
#              real mail delivered over an unverified connection);
#   1 WARNING  the certificate expires within --warn-days (0 below it);
#   2 CRITICAL several domains: the worst one leads, one detail line each;
#   3 UNKNOWN  the primary is stopped.
# The instances are stopped by the fixture's at_exit, pass or fail.
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/e2e/fixture.sh"

D=$E2E_DOMAIN
OUT=$T_TMP/check.out ERR=$T_TMP/check.err

if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/postfix ]; then
	skip "mxpin check against real Postfix" "needs root and postfix"
	t_done
	exit 0
fi

# run_check DIR [ARGS...]: RC, LINE1 (the status line), OUT (all stdout).
run_check() {
	local d=$1; shift
	"$MXPIN" check -c "$d" "$@" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
	LINE1=$(head -1 "$OUT")
}
# expect NAME RC ERE: the last run_check exited RC and its first line
# matches ERE.
expect() {
	local name=$1 rc=$2 re=$3
	if [ "$RC" = "$rc" ] && [[ $LINE1 =~ $re ]]; then
		ok "$name"
	else
		not_ok "$name" "exit $RC (want $rc)" "first line: $LINE1" \
		    "want: $re" "stdout: $(head -c 800 "$OUT")" \
		    "stderr: $(head -c 300 "$ERR")"
	fi
}
# line N ERE: line N of the last output matches.
line_is() { [[ $(sed -n "$1p" "$OUT") =~ $2 ]]; }
re_quote() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|]/\\&/g'; }

# apply_ok NAME DIR ANSWERS: one apply as a test.
apply_ok() {
	if e2e_apply "$2" "$3" 2>"$T_TMP/apply.err"; then
		ok "$1"
	else
		not_ok "$1" "$(cat "$T_TMP/apply.err")"
	fi
}

e2e_primary || { not_ok "fixture: primary configured"; t_done; exit 1; }
e2e_backup backup || { not_ok "fixture: backup configured"; t_done; exit 1; }
B=$BACKUP
NH="[127.0.0.1]:$PRIMARY_PORT"
QNH=$(re_quote "$NH")
if pf_start "$PRIMARY" && pf_start "$B"; then
	ok "fixture: primary and backup started"
else
	not_ok "fixture: primary and backup started"
	t_done; exit 1
fi

# ---- 3: no state.
run_check "$B"
expect "no state: UNKNOWN (3), says nothing was applied" 3 \
    "^MXPIN UNKNOWN - no domain in $(re_quote "$B")/mxpin\.conf"
run_check "$T_TMP/nonexistent"
expect "a config directory that does not exist: UNKNOWN (3)" 3 \
    "^MXPIN UNKNOWN - .*nonexistent: No such file or directory"
"$MXPIN" check --warn-days soon >"$OUT" 2>"$ERR"; RC=$?
LINE1=$(head -1 "$OUT")
expect "bad arguments: UNKNOWN (3), as a plugin says it" 3 \
    "^MXPIN UNKNOWN - give --warn-days whole days"

# ---- 0: the pinned certificate.
CERT1=$PRIMARY_CERT
e2e_answers "$T_TMP/a1.cfg" "recipients = [ \"a@$D\" ];" \
    "certificate = \"$CERT1\";" 'pin = "certificate";' \
    'keep_previous = false;'
apply_ok "apply pins the primary's certificate" "$B" "$T_TMP/a1.cfg"
run_check "$B"
expect "the pin matches: OK (0)" 0 \
    "^MXPIN OK - $D: the certificate $QNH presents matches the newest pin, valid until [0-9-]+ \(8[89] days\) \| '$D days'=8[89];14:;0: '$D time'=[0-9.]+s;;;0$"
check "... then one detail line for the domain, with the config verified" \
    line_is 2 "^$D: OK - .*config: hash:.*transport_maps.cf sends $D to smtp:$QNH, hash:.*tls_policy.cf holds its fingerprint policy \(1 pin\)$"
check "... and nothing more" test "$(wc -l <"$OUT")" -eq 2
run_check "$B" --warn-days 100
expect "--warn-days 100 with 89 days left: WARNING (1)" 1 \
    "^MXPIN WARNING - $D: the certificate $QNH presents expires in 8[89] days"

# ---- 1: overlap, the new certificate not deployed yet.
make_cert "$PRIMARY" next ec
CERT2=$PRIMARY/next.pem
e2e_answers "$T_TMP/a2.cfg" "recipients = [ \"a@$D\" ];" \
    "certificate = \"$CERT2\";" 'pin = "certificate";' \
    'keep_previous = true;'
apply_ok "apply a new certificate with keep_previous = true" "$B" "$T_TMP/a2.cfg"
check "... the primary still presents the old one" e2e_serving "$CERT1"
run_check "$B"
expect "only the old pin matches: WARNING (1)" 1 \
    "^MXPIN WARNING - $D: only the old pin 1 of 2 matches the certificate $QNH presents \(the new certificate is not deployed on the primary yet\)"
check "... the detail line names the certificate presented" \
    line_is 2 "^$D: WARNING - .*sha256 certificate $(cert_fp "$CERT1")"

# ---- 2: the primary changes its key.
e2e_rotate_primary newkey
check "the primary now presents a certificate with a new key" \
    e2e_serving "$PRIMARY_CERT"
run_check "$B"
expect "no pin matches: CRITICAL (2)" 2 \
    "^MXPIN CRITICAL - $D: no pin matches the certificate $QNH presents \(mail is deferred\)"
check "... the detail line gives the fingerprint presented" \
    line_is 2 "^$D: CRITICAL - .*sha256 certificate $(cert_fp "$PRIMARY_CERT")"

# ---- 2: the policy key hand-edited to [127.0.0.1]: fails open.
POL=$(postconf -c "$B" -xh smtp_tls_policy_maps | sed 's/[ ,].*//')
POLF=${POL#*:}
cp -p "$POLF" "$T_TMP/policy.saved"
sed -i "s/^\[127\.0\.0\.1\]:$PRIMARY_PORT\([[:space:]]\)/[127.0.0.1]\1/" "$POLF"
postmap -c "$B" "$POL"
check "hand edit: the policy is now under [127.0.0.1] only" \
    e2e_policy_has "$B" "[127.0.0.1]" "$(cert_fp "$CERT1")"
pf_reload "$B"
run_check "$B"
expect "policy key [127.0.0.1], transport $NH: CRITICAL (2), fails open" 2 \
    "^MXPIN CRITICAL - $D: the config fails open: smtp_tls_policy_maps has no policy for the next-hop $QNH, so mail goes to an unverified server"
check "... the detail line does not claim the mail is deferred" \
    line_is 2 "^$D: CRITICAL - .*no pin matches the certificate $QNH presents, yet mail goes there \(the config fails open\)"
# The check is right: real mail goes to the unpinned certificate.
pf_log_mark "$B"
e2e_send "$B" "a@$D"
if e2e_wait_delivered a "$SEND_TAG" 40; then
	ok "... and indeed a message is delivered to the unpinned primary"
else
	not_ok "... and indeed a message is delivered to the unpinned primary" \
	    "RCPT reply $SEND_RCPT_CODE" "$(pf_log_since "$B" | tail -8)"
fi
check "... over an unverified connection" \
    pf_log_has "$B" "Untrusted TLS connection established to 127\.0\.0\.1\[127\.0\.0\.1\]:$PRIMARY_PORT"
cp -p "$T_TMP/policy.saved" "$POLF"
postmap -c "$B" "$POL"
pf_reload "$B"
run_check "$B"
expect "policy restored: CRITICAL again for the key change only" 2 \
    "^MXPIN CRITICAL - $D: no pin matches the certificate $QNH presents \(mail is deferred\)"

# ---- 1: expiring within --warn-days.
make_cert "$PRIMARY" short ec 5
PRIMARY_CERT=$PRIMARY/short.pem PRIMARY_KEY=$PRIMARY/short.key
pf_set "$PRIMARY" "smtpd_tls_cert_file = $PRIMARY_CERT" \
    "smtpd_tls_key_file = $PRIMARY_KEY"
pf_reload "$PRIMARY" && e2e_wait_served "$PRIMARY_CERT"
check "the primary presents a certificate valid for 5 days" \
    e2e_serving "$PRIMARY_CERT"
e2e_answers "$T_TMP/a3.cfg" "recipients = [ \"a@$D\" ];" \
    "certificate = \"$PRIMARY_CERT\";" 'pin = "public-key";' \
    'keep_previous = false;'
apply_ok "apply pins its public key" "$B" "$T_TMP/a3.cfg"
run_check "$B" --warn-days 14
expect "expires in 4-5 days, --warn-days 14: WARNING (1)" 1 \
    "^MXPIN WARNING - $D: the certificate $QNH presents expires in [45] days \([0-9-]+\) \| '$D days'=[45];14:;0:"
run_check "$B"
expect "... the default is 14 days" 1 "^MXPIN WARNING - $D: .* expires in [45] days"
run_check "$B" --warn-days 3
expect "... --warn-days 3: OK (0)" 0 \
    "^MXPIN OK - $D: the certificate $QNH presents matches the newest pin, valid until"

# ---- 2: several domains, the worst leads.  On a second backup: $D
# (expiring: WARNING), other.test through [127.0.0.1]:PORT2 (a second
# listener of the primary: its own policy key) pinned to a certificate the
# primary does not present (CRITICAL),
# third.test through [127.0.0.2]:PORT where nothing listens (UNKNOWN).
e2e_backup multi
B2=$BACKUP
other_answers() {	# FILE DOMAIN HOST FP PORT
	{
		printf 'domain = "%s";\nrelay_host = "%s";\n' "$2" "$3"
		printf 'port = %s;\nrecipients = [ "a@%s" ];\n' "$5" "$2"
		printf 'fingerprints = [ "%s" ];\n' "$4"
		printf 'pin = "certificate";\nkeep_previous = false;\n'
	} >"$1"
}
pf_free_port
PORT2=$PF_FREE_PORT
NH2="[127.0.0.1]:$PORT2"
postconf -c "$PRIMARY" -Me \
    "127.0.0.1:$PORT2/inet = 127.0.0.1:$PORT2 inet n - n - - smtpd"
pf_reload "$PRIMARY"
check "the primary also listens on $PORT2" \
    wait_for "$E2E_WAIT" eval "[ -n \"\$(ss -Htln '( sport = :$PORT2 )')\" ]"
other_answers "$T_TMP/other.cfg" other.test 127.0.0.1 "$(cert_fp "$CERT2")" "$PORT2"
other_answers "$T_TMP/third.cfg" third.test 127.0.0.2 "$(cert_fp "$CERT2")" "$PRIMARY_PORT"
apply_ok "second backup: apply $D (expiring)" "$B2" "$T_TMP/a3.cfg"
apply_ok "second backup: apply other.test pinned to a certificate not presented" \
    "$B2" "$T_TMP/other.cfg"
apply_ok "second backup: apply third.test, whose primary does not listen" \
    "$B2" "$T_TMP/third.cfg"
run_check "$B2" --timeout 5
expect "WARNING, CRITICAL and UNKNOWN domains: CRITICAL (2) names other.test" 2 \
    "^MXPIN CRITICAL - other\.test: no pin matches the certificate $(re_quote "$NH2") presents \(mail is deferred\) \| '$D days'=[45];14:;0: '$D time'=[0-9.]+s;;;0 'other\.test days'=[45];14:;0: 'other\.test time'=[0-9.]+s;;;0$"
while IFS= read -r l; do e2e_note "$l"; done <"$OUT"
check "... one detail line per domain, in state order" \
    eval "line_is 2 '^$D: WARNING - ' && line_is 3 '^other\.test: CRITICAL - ' && line_is 4 '^third\.test: UNKNOWN - ' && [ \$(wc -l <'$OUT') -eq 4 ]"

# ---- 3: the primary is stopped.
pf_stop "$PRIMARY"
run_check "$B" --timeout 5
expect "the primary is stopped: UNKNOWN (3)" 3 \
    "^MXPIN UNKNOWN - $D: the primary $QNH is unreachable \(normal while it is down\): connect to $QNH: connection refused$"
check "... the config is still verified" \
    line_is 2 "^$D: UNKNOWN - .*; config: .* holds its fingerprint policy \(1 pin\)$"
run_check "$B2" --timeout 5
expect "... every primary unreachable: UNKNOWN (3), each domain in the status line" 3 \
    "^MXPIN UNKNOWN - $D: the primary $QNH is unreachable .*; other\.test: the primary $(re_quote "$NH2") is unreachable .*; third\.test: the primary \[127\.0\.0\.2\]:$PRIMARY_PORT is unreachable"

t_done
