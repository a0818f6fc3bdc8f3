#!/usr/bin/env bash
# mxpin-test: once
# e2e_wizard.sh (issue 5, scenario 6): the first-time setup done through
# the wizard, typed into the real binary in tmux, on a running backup
# Postfix instance; then real mail: a listed recipient is relayed over a
# verified TLS connection and lands at the primary, an unlisted one gets
# 550, and the files equal what mxpin apply writes from the same answers.
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/e2e/fixture.sh"

command -v tmux >/dev/null || { skip "wizard e2e" "tmux missing"; t_done; exit 0; }
D=$E2E_DOMAIN
e2e_primary || { not_ok "fixture: primary configured"; t_done; exit 1; }
e2e_backup backup || { not_ok "fixture: backup configured"; t_done; exit 1; }
B=$BACKUP
NEXTHOP="[127.0.0.1]:$PRIMARY_PORT"
if pf_start "$PRIMARY" && pf_start "$B"; then
	ok "fixture: primary and backup started"
else
	not_ok "fixture: primary and backup started"; t_done; exit 1
fi

TM=(tmux -L "mxpin-e2e-$$" -f /dev/null)
at_exit "tmux -L mxpin-e2e-$$ kill-server"
mkdir -p "$T_TMP/pick"
cp "$PRIMARY_CERT" "$T_TMP/pick/primary.pem"
make_cert "$T_TMP/pick" zz-other
rm -f "$T_TMP/pick/zz-other.key"
printf '# imported\nb@%s\nbad one@%s\n' "$D" "$D" >"$T_TMP/import.txt"
cat >"$T_TMP/wrap.sh" <<EOT
#!/bin/sh
cd '$T_TMP/pick'
'$MXPIN' "\$@"
echo "mxpin-exit=\$?"
exec sleep 86400
EOT
chmod +x "$T_TMP/wrap.sh"
"${TM[@]}" new-session -d -s w -x 80 -y 24 -e LANG=C.UTF-8 "$T_TMP/wrap.sh -c $B"
scr()  { "${TM[@]}" capture-pane -p -t w; }
has()  { scr | grep -qF -- "$1"; }
see()  { wait_for "${2:-15}" has "$1"; }
keys() { "${TM[@]}" send-keys -t w "$@"; }
typ()  { "${TM[@]}" send-keys -t w -l -- "$1"; }
step() {	# step NAME TEXT: wait for TEXT, as one test
	if see "$2" "${3:-15}"; then ok "$1"; else not_ok "$1" "waited for: $2" "$(scr)"; fi
}

pf_log_mark "$B"
reloads=$(pf_log_count "$B" 'reload -- version')
step "wizard: the domain screen" "Which mail domain"
typ "$D"; keys Enter
step "wizard: the primary screen" "[2 Primary]"
keys C-u; typ "127.0.0.1"; keys Tab C-u; typ "$PRIMARY_PORT"
step "wizard: shows the transport next-hop" "smtp:$NEXTHOP"
keys Enter
step "wizard: the recipients screen" "Who may receive"
typ "a@$D"; keys Enter; see "1 address"
keys F3
typ "$T_TMP/import.txt"; keys Enter
step "wizard: F3 imports a file; a bad line is refused with its reason" \
    "imported 1 of 2 from $T_TMP/import.txt"
check "wizard: the import counts both addresses" has "2 addresses"
keys Enter
step "wizard: the certificate screen" "[4 Certificate]"
FPX=$(cert_fp "$PRIMARY_CERT")
keys F5
step "wizard: F5 fetches the certificate the primary presents" "presented this certificate"
step "wizard: the fetched fingerprint is the primary's" "match=${FPX:0:40}"
flat() { scr | sed 's/^[│|]//; s/[│|]$//; s/^ *//; s/ *$//' | tr -d '\n' | tr -s ' '; }
flat_has() { flat | grep -q -- "$1"; }
check "wizard: trust on first use is said plainly" flat_has 'Trust on first use.*out of band'
keys F3
step "wizard: F3 opens the file picker" "zz-other.pem"
keys End Enter
step "wizard: the picked file is loaded" "$T_TMP/pick/zz-other.pem"
keys F5
step "wizard: a live certificate other than the file's is flagged" \
    "the primary presents ANOTHER certificate"
keys F3
see "zz-other.pem"
keys End Up Enter
step "wizard: the picked file's fingerprint" "match=${FPX:0:40}"
check "wizard: the picked path is in the field" has "$T_TMP/pick/primary.pem"
keys F5
step "wizard: the live certificate is compared with the file" \
    "live: the primary presents the certificate in"
keys Enter
step "wizard: the review" "+relay_domains"
keys Enter
step "wizard: apply verified the policy" "ok   verify" 30
step "wizard: apply reloaded the running backup" "ok   reload" 30
step "wizard: applied" "Applied." 30
keys Enter; see "mxpin undo"
keys Enter
step "wizard: exits 0" "mxpin-exit=0" 30
check "the backup logged the reload" \
    wait_for "$E2E_WAIT" pf_log_count_above "$B" 'reload -- version' "$reloads"

check "the policy is under the transport's next-hop, with the pin" \
    e2e_policy_has "$B" "$NEXTHOP" "$(cert_fp "$PRIMARY_CERT")"
e2e_send "$B" "a@$D"
tag=$SEND_TAG q=$SEND_QID
check "the backup accepts mail for a listed recipient" test "$SEND_RCPT_CODE" = 250
check "the message lands in the primary's maildir" e2e_wait_delivered a "$tag"
check "status=sent to the primary" pf_wait_log "$B" \
    "$q: to=<a@$D>, relay=127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT,.*status=sent"
check "over a verified TLS connection" pf_log_has "$B" \
    "Verified TLS connection established to 127.0.0.1\[127.0.0.1\]:$PRIMARY_PORT"
e2e_send "$B" "nobody@$D"
check "an unlisted recipient gets 550 at the backup" test "$SEND_RCPT_CODE" = 550

# The same answers through mxpin apply on a twin of the backup's config.
A=$T_TMP/twin
mkdir -p "$A"
cp "$B/master.cf" "$A/"
cp "$B/mxpin.bak/"*/main.cf "$A/main.cf"
e2e_answers "$T_TMP/a.cfg" "recipients = [ \"a@$D\", \"b@$D\" ];" \
    "certificate = \"$PRIMARY_CERT\";"
"$MXPIN" apply --no-reload -c "$A" "$T_TMP/a.cfg" >/dev/null 2>&1
for f in relay_recipient_maps.cf transport_maps.cf tls_policy.cf; do
	check "$f written by the wizard equals mxpin apply's" cmp -s "$B/$f" "$A/$f"
done
check "main.cf written by the wizard equals mxpin apply's" cmp -s "$B/main.cf" "$A/main.cf"
t_done
