#!/usr/bin/env bash
# mxpin-test: once
# e2e_apply.sh: `mxpin apply` against real Postfix instances on loopback,
# proven with real mail (tests/e2e/fixture.sh):
#   1. apply pins the primary's certificate: a listed recipient is relayed
#      over a verified connection and lands; an unlisted one gets 550;
#   2. the primary changes its key: new mail is deferred (fingerprint
#      mismatch in the log) and not delivered;
#   3. rotation with keep_previous = true and the new certificate: after a
#      flush the deferred message is delivered;
#   4. a public-key pin survives the primary renewing on the same key (and
#      still refuses a new key);
#   5. the seed how-to's setup: md5 digest, non-default port;
#   8. as 1, with default_database_type = lmdb in the backup's main.cf.
# When an apply fails, the checks that depend on it fail at once (no waits).
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/e2e/fixture.sh"

T_START=$(date +%s)
D=$E2E_DOMAIN

# GATE: empty, or why the checks of this step cannot pass (they then fail
# without waiting for their deadlines).
GATE=
acheck() {
	local name=$1; shift
	if [ -n "$GATE" ]; then
		not_ok "$name" "not tried: $GATE"
	else
		check "$name" "$@"
	fi
}
# apply_step NAME DIR ANSWERS: one apply as a test; sets GATE on failure.
apply_step() {
	local name=$1
	if [ ! -x "$MXPIN" ]; then
		not_ok "$name" "no $MXPIN (make)"
		GATE="no mxpin binary"
	elif e2e_apply "$2" "$3" 2>"$T_TMP/apply.err"; then
		ok "$name"
		GATE=
	else
		not_ok "$name" "$(cat "$T_TMP/apply.err")"
		GATE="mxpin apply failed"
	fi
}
# send_step NAME DIR TO: one message that the backup must accept (250 and a
# queue id in q, its tag in tag); sets GATE when it is refused.
send_step() {
	local name=$1
	e2e_send "$2" "$3"
	q=$SEND_QID tag=$SEND_TAG
	if [ -n "$GATE" ]; then
		not_ok "$name" "not tried: $GATE"
	elif [ "$SEND_RCPT_CODE" = 250 ] && [ -n "$q" ]; then
		ok "$name"
	else
		not_ok "$name" "RCPT reply $SEND_RCPT_CODE" \
		    "$(grep -E '^<[*~-]' "$SEND_OUT" | tail -2)"
		GATE="the backup refused the message"
	fi
}
verified_log() {
	pf_log_has "$1" "Verified TLS connection established to 127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT"
}
sent_log() {	# DIR QUEUEID RCPT
	pf_wait_log "$1" "$2: to=<$3>, relay=127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT,.*status=sent"
}
mismatch_log() {	# DIR QUEUEID RCPT
	pf_wait_log "$1" "$2: to=<$3>, relay=127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT,.*dsn=4\.7\.5, status=deferred \(Server certificate not verified\)" &&
	pf_log_has "$1" "server certificate verification failed for 127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT"
}
deferred_twice() {	# DIR QUEUEID
	wait_for "$E2E_WAIT" eval \
	    "[ \$(pf_log_since '$1' | grep -c '$2: .*status=deferred') -ge 2 ]"
}
# check_pinned_flow TAGPREFIX DIR: scenario 1's checks on one backup.
check_pinned_flow() {
	local p=$1 b=$2
	acheck "$p: the policy is under the transport's next-hop, with the pin" \
	    e2e_policy_has "$b" "$NEXTHOP" "$(cert_fp "$PRIMARY_CERT")"
	acheck "$p: the transport goes to smtp:$NEXTHOP" \
	    eval "[ \"\$(e2e_lookup '$b' transport_maps '$D')\" = 'smtp:$NEXTHOP' ]"
	pf_log_mark "$b"
	send_step "$p: the backup accepts mail for a listed recipient" "$b" "a@$D"
	acheck "$p: the message lands in the primary's maildir" \
	    e2e_wait_delivered a "$tag"
	acheck "$p: status=sent to the primary" sent_log "$b" "$q" "a@$D"
	acheck "$p: over a verified TLS connection" verified_log "$b"
	acheck "$p: the backup's queue is empty" pf_wait_queue "$b" 0
	GATE=${GATE#the backup refused the message}
	e2e_send "$b" "nobody@$D"
	acheck "$p: an unlisted recipient gets 550 at the backup" \
	    test "$SEND_RCPT_CODE" = 550
	acheck "$p: ... User unknown in relay recipient table" \
	    grep -q "User unknown in relay recipient table" "$SEND_OUT"
}

e2e_primary || { not_ok "fixture: primary configured"; t_done; exit 1; }
e2e_backup backup || { not_ok "fixture: backup configured"; t_done; exit 1; }
NEXTHOP="[127.0.0.1]:$PRIMARY_PORT"
B=$BACKUP
if pf_start "$PRIMARY" && pf_start "$B"; then
	ok "fixture: primary and backup started"
else
	not_ok "fixture: primary and backup started"
	t_done; exit 1
fi

# ---- 1. apply pins the primary's certificate.
T0=$(date +%s)
CERT1=$PRIMARY_CERT FP1=$(cert_fp "$PRIMARY_CERT")
e2e_answers "$T_TMP/s1.cfg" \
    "recipients = [ \"a@$D\", \"b@$D\" ];" \
    "certificate = \"$CERT1\";" \
    'pin = "certificate";' 'keep_previous = false;'
apply_step "1: mxpin apply pins the primary's certificate (and reloads)" "$B" "$T_TMP/s1.cfg"
check_pinned_flow 1 "$B"
S1_GATE=$GATE
e2e_note "scenario 1: $(($(date +%s) - T0))s"

# ---- 2. the primary changes its key: deferred, not delivered.
T0=$(date +%s)
GATE=$S1_GATE
e2e_rotate_primary newkey
check "2: the primary now presents a certificate with a new key" \
    e2e_serving "$PRIMARY_CERT"
CERT2=$PRIMARY_CERT FP2=$(cert_fp "$PRIMARY_CERT")
pf_log_mark "$B"
send_step "2: the backup accepts mail for a listed recipient" "$B" "a@$D"
Q2=$q TAG2=$tag
acheck "2: the delivery is deferred: fingerprint mismatch (4.7.5)" \
    mismatch_log "$B" "$Q2" "a@$D"
acheck "2: retried and deferred again" deferred_twice "$B" "$Q2"
acheck "2: no verified connection" eval "! verified_log '$B'"
acheck "2: NOT in the primary's maildir" eval "! e2e_delivered a '$TAG2'"
acheck "2: the message stays in the backup's queue" pf_queue_has "$B" "$Q2"
S2_GATE=$GATE
e2e_note "scenario 2: $(($(date +%s) - T0))s"

# ---- 3. rotation with keep_previous and the new certificate; flush.
T0=$(date +%s)
e2e_answers "$T_TMP/s3.cfg" \
    "recipients = [ \"a@$D\", \"b@$D\" ];" \
    "certificate = \"$CERT2\";" \
    'pin = "certificate";' 'keep_previous = true;'
GATE=$S1_GATE
# Marked before apply: with 1-2s retry timers, the retry after apply's
# reload may deliver before the flush.
pf_log_mark "$B"
apply_step "3: mxpin apply with the new certificate and keep_previous = true" "$B" "$T_TMP/s3.cfg"
acheck "3: the policy holds the new pin" e2e_policy_has "$B" "$NEXTHOP" "$FP2"
acheck "3: ... and keeps the previous one (overlap)" \
    e2e_policy_has "$B" "$NEXTHOP" "$FP1"
[ -z "$GATE" ] && [ -n "$S2_GATE" ] && GATE=$S2_GATE
pf_flush "$B"
acheck "3: after a flush the deferred message lands in the maildir" \
    e2e_wait_delivered a "$TAG2"
acheck "3: status=sent" sent_log "$B" "$Q2" "a@$D"
acheck "3: over a verified TLS connection" verified_log "$B"
acheck "3: the backup's queue is empty" pf_wait_queue "$B" 0
e2e_note "scenario 3: $(($(date +%s) - T0))s"

# ---- 4. a public-key pin survives a renewal on the same key.
T0=$(date +%s)
PK2=$(openssl_pubkey_fp "$CERT2" sha256)
e2e_answers "$T_TMP/s4.cfg" \
    "recipients = [ \"a@$D\", \"b@$D\" ];" \
    "certificate = \"$CERT2\";" \
    'pin = "public-key";' 'keep_previous = false;'
GATE=
apply_step "4: mxpin apply pins the primary's public key" "$B" "$T_TMP/s4.cfg"
acheck "4: the policy holds the public-key fingerprint" \
    e2e_policy_has "$B" "$NEXTHOP" "$PK2"
acheck "4: ... and not the certificate's (keep_previous = false)" \
    eval "! e2e_policy_has '$B' '$NEXTHOP' '$FP2'"
S4_GATE=$GATE
e2e_rotate_primary samekey
check "4: the primary renewed: new certificate fingerprint" \
    test "$(cert_fp "$PRIMARY_CERT")" != "$FP2"
check "4: ... same public-key fingerprint" \
    test "$(openssl_pubkey_fp "$PRIMARY_CERT" sha256)" = "$PK2"
check "4: ... and presents the renewed certificate" e2e_serving "$PRIMARY_CERT"
pf_log_mark "$B"
send_step "4: the backup accepts mail after the renewal" "$B" "b@$D"
acheck "4: the message lands in the primary's maildir" \
    e2e_wait_delivered b "$tag"
acheck "4: status=sent over a verified TLS connection" \
    eval "sent_log '$B' '$q' 'b@$D' && verified_log '$B'"
# The negative: the same public-key pin refuses a new key.
GATE=$S4_GATE
e2e_rotate_primary newkey
pf_log_mark "$B"
send_step "4: the backup accepts mail after a key change" "$B" "b@$D"
acheck "4: a new key is refused by the public-key pin (deferred)" \
    mismatch_log "$B" "$q" "b@$D"
acheck "4: ... and not delivered" eval "! e2e_delivered b '$tag'"
postsuper -c "$B" -d ALL >/dev/null 2>&1
pf_stop "$B"
e2e_note "scenario 4: $(($(date +%s) - T0))s"

# ---- 5. the seed how-to: md5 digest, the primary on a non-default port
# (the seed's "smtp:[domain.not]:26"), one recipient first.last.  The
# seed put its policy under "[domain.not]", which the ":26" transport
# never looks up; mxpin must key it "[host]:port", so that a wrong
# certificate defers (as the how-to promises) instead of delivering.
T0=$(date +%s)
GATE=
e2e_backup seed
B5=$BACKUP
check "5: a fresh backup starts" pf_start "$B5"
FP5=$(cert_fp "$PRIMARY_CERT" md5)
e2e_answers "$T_TMP/s5.cfg" \
    "recipients = [ \"first.last@$D\" ];" \
    "certificate = \"$PRIMARY_CERT\";" \
    'digest = "md5";' 'pin = "certificate";' 'keep_previous = false;'
apply_step "5: mxpin apply with digest md5 and port $PRIMARY_PORT" "$B5" "$T_TMP/s5.cfg"
acheck "5: smtp_tls_fingerprint_digest = md5 in force" \
    eval "[ \"\$(postconf -c '$B5' -xh smtp_tls_fingerprint_digest)\" = md5 ]"
acheck "5: the md5 pin is under [127.0.0.1]:$PRIMARY_PORT (not the seed's [127.0.0.1])" \
    e2e_policy_has "$B5" "$NEXTHOP" "$FP5"
pf_log_mark "$B5"
send_step "5: the backup accepts mail for first.last" "$B5" "first.last@$D"
acheck "5: relayed and landed in the primary's maildir" \
    e2e_wait_delivered first.last "$tag"
acheck "5: status=sent over a verified TLS connection" \
    eval "sent_log '$B5' '$q' 'first.last@$D' && verified_log '$B5'"
e2e_send "$B5" "a@$D"
acheck "5: a recipient not listed gets 550" test "$SEND_RCPT_CODE" = 550
S5_GATE=$GATE
e2e_rotate_primary newkey
pf_log_mark "$B5"
send_step "5: after the primary's key change, the backup accepts mail" "$B5" "first.last@$D"
acheck "5: ... and defers it: md5 fingerprint mismatch" \
    mismatch_log "$B5" "$q" "first.last@$D"
acheck "5: ... not delivered" eval "! e2e_delivered first.last '$tag'"
postsuper -c "$B5" -d ALL >/dev/null 2>&1
pf_stop "$B5"
e2e_note "scenario 5: $(($(date +%s) - T0))s"

# ---- 8. as 1, with default_database_type = lmdb on the backup.
T0=$(date +%s)
GATE=
e2e_backup lmdb
B8=$BACKUP
pf_set "$B8" "default_database_type = lmdb"
check "8: a fresh backup with default_database_type = lmdb starts" pf_start "$B8"
e2e_answers "$T_TMP/s8.cfg" \
    "recipients = [ \"a@$D\", \"b@$D\" ];" \
    "certificate = \"$PRIMARY_CERT\";" \
    'pin = "certificate";' 'keep_previous = false;'
apply_step "8: mxpin apply on the lmdb backup" "$B8" "$T_TMP/s8.cfg"
check_pinned_flow 8 "$B8"
e2e_note "8: tables: $(postconf -c "$B8" -xh relay_recipient_maps transport_maps smtp_tls_policy_maps 2>/dev/null | tr '\n' ' ')"
e2e_note "scenario 8: $(($(date +%s) - T0))s"

e2e_note "suite time: $(($(date +%s) - T_START))s"
t_done
