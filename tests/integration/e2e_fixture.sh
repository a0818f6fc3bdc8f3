#!/usr/bin/env bash
# mxpin-test: once
# e2e_fixture.sh: the end-to-end fixture proven WITHOUT mxpin.  Two real
# Postfix instances on loopback; the backup is set up by hand exactly as the
# seed how-to does it (relay_domains, relay_recipient_maps, transport_maps,
# smtp_tls_policy_maps, digest; postmap; reload).  Shows that real mail
# flows only to a pinned primary, that a key change defers it, that
# re-pinning with overlap releases it, and THE TRAP: a policy key that is
# not the transport's next-hop delivers to an unverified server.
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/e2e/fixture.sh"

T_START=$(date +%s)
D=$E2E_DOMAIN

e2e_primary || { not_ok "fixture: primary configured"; t_done; exit 1; }
e2e_backup backup || { not_ok "fixture: backup configured"; t_done; exit 1; }
NEXTHOP="[127.0.0.1]:$PRIMARY_PORT"

if pf_start "$PRIMARY" && pf_start "$BACKUP"; then
	ok "fixture: both instances start and listen on 127.0.0.1 ($PRIMARY_PORT, $(pf_port "$BACKUP"))"
else
	not_ok "fixture: both instances start"
	t_done; exit 1
fi
e2e_note "started in $(($(date +%s) - T_START))s"

# The primary on its own: STARTTLS with its certificate, maildir delivery.
check "fixture: the primary presents its certificate after STARTTLS" \
    e2e_serving "$PRIMARY_CERT"
e2e_send "$PRIMARY" "c@$D"
check "fixture: the primary delivers to its maildirs" \
    e2e_wait_delivered c "$SEND_TAG"

# The backup as installed: nothing leaves the machine.  Its default and
# relay transports are "retry", so smtpd refuses (450) mail that would go
# anywhere but an explicit transport entry, even from mynetworks: for
# another domain, and for the domain before it is configured.
e2e_send "$BACKUP" "someone@elsewhere.example"
c1=$SEND_RCPT_CODE
e2e_send "$BACKUP" "a@$D"
c2=$SEND_RCPT_CODE
check "fixture: the unconfigured backup refuses mail for elsewhere (450)" \
    test "$c1" = 450
check "fixture: the unconfigured backup refuses mail for $D (450)" \
    test "$c2" = 450
check "fixture: ... and queues nothing" pf_queue_is "$BACKUP" 0

# ---- The seed how-to, by hand, with the RIGHT policy key.
FP1=$(cert_fp "$PRIMARY_CERT")
CERT1=$PRIMARY_CERT
if e2e_hand_config "$BACKUP" "$NEXTHOP" "$FP1" sha256 "a@$D" "b@$D"; then
	ok "hand config: tables written, postmapped, backup reloaded"
else
	not_ok "hand config: tables written, postmapped, backup reloaded"
fi
check "hand config: the policy is found under the transport's next-hop" \
    eval "postmap -q '$NEXTHOP' 'hash:$BACKUP/tls_policy.cf' >/dev/null"

pf_log_mark "$BACKUP"
e2e_send "$BACKUP" "a@$D"
q=$SEND_QID tag=$SEND_TAG
check "pinned: the backup accepts mail for a listed recipient" \
    test "$SEND_RCPT_CODE" = 250 -a -n "$q"
check "pinned: the message lands in the primary's maildir" \
    e2e_wait_delivered a "$tag"
check "pinned: the backup logged status=sent to the primary's port" \
    pf_wait_log "$BACKUP" "$q: to=<a@$D>, relay=127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT,.*status=sent"
check "pinned: the backup logged a verified TLS connection" \
    pf_log_has "$BACKUP" "Verified TLS connection established to 127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT"
check "pinned: the backup's queue is empty afterwards" pf_wait_queue "$BACKUP" 0

e2e_send "$BACKUP" "nobody@$D"
check "pinned: an unlisted recipient gets 550 at the backup" \
    test "$SEND_RCPT_CODE" = 550
check "pinned: ... User unknown in relay recipient table" \
    grep -q "User unknown in relay recipient table" "$SEND_OUT"
check "pinned: ... and nothing is queued for it" pf_queue_is "$BACKUP" 0

# ---- The primary changes its key: the pin no longer matches.
T0=$(date +%s)
if e2e_rotate_primary newkey; then
	ok "rotation: the primary presents a certificate with a new key"
else
	not_ok "rotation: the primary presents a certificate with a new key"
fi
FP2=$(cert_fp "$PRIMARY_CERT")
check "rotation: the fingerprint changed" test "$FP1" != "$FP2"
pf_log_mark "$BACKUP"
e2e_send "$BACKUP" "a@$D"
q=$SEND_QID tag=$SEND_TAG
check "mismatch: the backup still accepts the message" test -n "$q"
check "mismatch: the delivery is deferred" \
    pf_wait_log "$BACKUP" "$q: to=<a@$D>, relay=127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT,.*status=deferred"
e2e_note "$(e2e_status_line "$BACKUP" "$q" | sed 's/^.*status=/status=/')"
check "mismatch: deferred with 4.7.5 Server certificate not verified" \
    pf_log_has "$BACKUP" "$q: .*dsn=4\.7\.5, status=deferred \(Server certificate not verified\)"
check "mismatch: the log names the failed fingerprint verification" \
    pf_log_has "$BACKUP" "server certificate verification failed for 127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT: .*no matching DANE TLSA records"
check "mismatch: no verified connection" \
    eval "! pf_log_has '$BACKUP' 'Verified TLS connection established'"
# Another retry (timers are 1-2s) must defer again, never deliver.
check "mismatch: retried and deferred again" \
    wait_for "$E2E_WAIT" eval "[ \$(pf_log_since '$BACKUP' | grep -c '$q: .*status=deferred') -ge 2 ]"
check "mismatch: the message is NOT in the primary's maildir" \
    eval "! e2e_delivered a '$tag'"
check "mismatch: the message stays in the backup's queue" \
    pf_queue_has "$BACKUP" "$q"

# ---- Re-pin with overlap (match=old|new) and flush.
# Marked before the reload: with 1-2s retry timers the next retry may
# deliver before the flush.
pf_log_mark "$BACKUP"
e2e_hand_config "$BACKUP" "$NEXTHOP" "$FP1|$FP2" sha256 "a@$D" "b@$D"
pf_flush "$BACKUP"
check "re-pin: after match=old|new and a flush the message is delivered" \
    e2e_wait_delivered a "$tag"
check "re-pin: status=sent" \
    pf_wait_log "$BACKUP" "$q: to=<a@$D>, relay=127.0.0.1.*status=sent"
check "re-pin: over a verified TLS connection" \
    pf_log_has "$BACKUP" "Verified TLS connection established to 127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT"
check "re-pin: the backup's queue is empty" pf_wait_queue "$BACKUP" 0
e2e_note "rotation to delivery: $(($(date +%s) - T0))s"

# ---- THE TRAP: the seed's policy key "[host]" with a transport
# "smtp:[host]:port".  The policy lookup uses the verbatim next-hop
# "[127.0.0.1]:PORT", misses, and the global "may" level applies: the mail
# goes to whatever answers, unverified.  Here the pin is the OLD
# certificate, which the primary no longer has.
e2e_hand_config "$BACKUP" "[127.0.0.1]" "$FP1" sha256 "a@$D" "b@$D"
check "trap: the policy key is not the transport's next-hop" \
    eval "! postmap -q '$NEXTHOP' 'hash:$BACKUP/tls_policy.cf'"
pf_log_mark "$BACKUP"
e2e_send "$BACKUP" "b@$D"
q=$SEND_QID tag=$SEND_TAG
check "trap: a message pinned to a certificate the primary lacks is DELIVERED" \
    e2e_wait_delivered b "$tag"
check "trap: the log shows status=sent" \
    pf_wait_log "$BACKUP" "$q: to=<b@$D>, relay=127.0.0.1.*status=sent"
check "trap: the log shows an unverified (Untrusted/Anonymous) TLS connection" \
    pf_log_has "$BACKUP" "(Untrusted|Anonymous) TLS connection established to 127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT"
check "trap: no verified connection" \
    eval "! pf_log_has '$BACKUP' 'Verified TLS connection established'"

# ---- Reload and stop work (the at_exit cleanup relies on pf_stop).
check "fixture: the backup reloads" pf_reload "$BACKUP"
pf_stop "$BACKUP"
check "fixture: pf_stop stops an instance" eval "! pf_running '$BACKUP'"
e2e_note "suite time: $(($(date +%s) - T_START))s"
t_done
