#!/usr/bin/env bash
# mxpin-test: once
# probe_postfix.sh: mxpin probe against a REAL Postfix smtpd with STARTTLS
# on loopback (a throw-away instance from the Debian package): the
# fingerprints equal openssl's for sha256 and md5, -c DIR supplies the
# digest in force, [::1] works when the machine has IPv6, the probe says
# QUIT politely, and after a new key and certificate plus postfix reload
# the probe shows the new fingerprints.
. "$(dirname "$0")/../lib.sh"

AID=${MXPIN_BUILD:-$TOP/build}/tests/aid/hostile_smtp
D=$T_TMP
PF=$D/pf
OUT=$D/out ERR=$D/err

expect() {
	local name=$1
	if eval "$2"; then
		ok "$name"
	else
		not_ok "$name" "condition: $2" "exit $RC" \
		    "stdout: $(head -c 400 "$OUT")" "stderr: $(head -c 300 "$ERR")" \
		    "maillog: $(tail -5 "$PF/maillog" 2>/dev/null)"
	fi
}
probe() { "$MXPIN" probe --timeout 5 "$@" >"$OUT" 2>"$ERR"; RC=$?; }

if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/postfix ]; then
	skip "real Postfix instance" "needs root and postfix"
	t_done
	exit 0
fi

# A free loopback port: the kernel picks it for a throw-away listener.
"$AID" silent >"$D/freeport" 2>/dev/null &
apid=$!
wait_for 10 test -s "$D/freeport"
PORT=$(head -1 "$D/freeport")
kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null

HAVE_V6=0
grep -qi '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null && HAVE_V6=1

make_cert "$D" first ec
mkdir -p "$PF/queue" "$PF/data"
chown postfix "$PF/data"
cp /etc/postfix/main.cf /etc/postfix/master.cf "$PF/"
ifaces=127.0.0.1
[ $HAVE_V6 = 1 ] && ifaces="127.0.0.1, [::1]"
postconf -c "$PF" -e "queue_directory=$PF/queue" "data_directory=$PF/data" \
    "inet_interfaces=$ifaces" "inet_protocols=all" \
    "myhostname=probe-test.example" "syslog_name=postfix-mxpin-probe" \
    "maillog_file_prefixes=$D" "maillog_file=$PF/maillog" \
    "smtpd_tls_cert_file=$D/first.pem" "smtpd_tls_key_file=$D/first.key" \
    "smtpd_tls_security_level=may" "mydestination=" "alias_maps=" \
    "alias_database=" "compatibility_level=3.6"
{
	grep -v '^smtp[[:space:]]\+inet' /etc/postfix/master.cf
	echo "127.0.0.1:$PORT inet n - n - - smtpd"
	[ $HAVE_V6 = 1 ] && echo "[::1]:$PORT inet n - n - - smtpd"
} >"$PF/master.cf"

if ! postfix -c "$PF" start >"$D/start.out" 2>&1; then
	not_ok "postfix instance starts" "$(cat "$D/start.out")" \
	    "$(tail -5 "$PF/maillog" 2>/dev/null)"
	t_done
	exit 1
fi
at_exit "postfix -c '$PF' stop; wait_for 10 eval '! postfix -c $PF status'"
if ! wait_for 20 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT"; then
	not_ok "postfix instance listens on 127.0.0.1:$PORT" \
	    "$(tail -5 "$PF/maillog" 2>/dev/null)"
	t_done
	exit 1
fi
ok "postfix instance listens on 127.0.0.1:$PORT"

for dg in sha256 md5; do
	probe --digest $dg "127.0.0.1:$PORT"
	expect "STARTTLS $dg: certificate fingerprint equals openssl x509" \
	    '[ $RC -eq 0 ] && grep -qx "certificate  match=$(openssl_fp "$D/first.pem" $dg)" "$OUT"'
	expect "STARTTLS $dg: public-key fingerprint equals the openssl pkey pipeline" \
	    'grep -qx "public-key   match=$(openssl_pubkey_fp "$D/first.pem" $dg)" "$OUT"'
done
expect "Postfix's greeting, subject and SANs are shown" \
    'grep -q "^greeting     220 probe-test.example ESMTP" "$OUT" &&
     grep -qx "subject      CN=first.example" "$OUT" &&
     grep -qx "SANs         first.example, mail.first.example" "$OUT"'
expect "the probe ends with QUIT (smtpd logs ehlo, starttls, quit)" \
    'wait_for 10 grep -q "disconnect from .* ehlo=1 starttls=1 quit=1 commands=3" "$PF/maillog"'

# -c DIR: the digest in force there (postconf -xh) is used.
postconf -c "$PF" -e smtp_tls_fingerprint_digest=md5
probe -c "$PF" "127.0.0.1:$PORT"
expect "-c DIR uses smtp_tls_fingerprint_digest (md5)" \
    '[ $RC -eq 0 ] && grep -qx "digest       md5" "$OUT" &&
     grep -qx "certificate  match=$(openssl_fp "$D/first.pem" md5)" "$OUT"'
probe -c "$PF" --digest sha1 "127.0.0.1:$PORT"
expect "--digest overrides -c DIR" \
    '[ $RC -eq 0 ] && grep -qx "certificate  match=$(openssl_fp "$D/first.pem" sha1)" "$OUT"'

if [ $HAVE_V6 = 1 ]; then
	probe "[::1]:$PORT"
	expect "IPv6 [::1]: same fingerprint, peer [::1]" \
	    '[ $RC -eq 0 ] && grep -q "^peer         \[::1\]:$PORT " "$OUT" &&
	     grep -qx "certificate  match=$(openssl_fp "$D/first.pem" sha256)" "$OUT"'
else
	skip "IPv6 [::1]" "no ::1 on this machine"
fi

# A new key and certificate, postfix reload: the probe sees the new one.
make_cert "$D" second rsa
postconf -c "$PF" -e "smtpd_tls_cert_file=$D/second.pem" \
    "smtpd_tls_key_file=$D/second.key"
postfix -c "$PF" reload >/dev/null 2>&1
NEW=$(openssl_fp "$D/second.pem" sha256)
shows_new() {
	probe --digest sha256 "127.0.0.1:$PORT" &&
	    grep -qx "certificate  match=$NEW" "$OUT"
}
wait_for 15 shows_new
expect "after reload: the new certificate fingerprint" \
    '[ $RC -eq 0 ] && grep -qx "certificate  match=$NEW" "$OUT"'
expect "after reload: the new public-key fingerprint, RSA" \
    'grep -qx "public-key   match=$(openssl_pubkey_fp "$D/second.pem" sha256)" "$OUT" &&
     grep -qx "key          RSA 2048" "$OUT"'
expect "after reload: the old fingerprint is gone" \
    '! grep -q "$(openssl_fp "$D/first.pem" sha256)" "$OUT"'

# Stopped: connection refused, exit 69.
postfix -c "$PF" stop >/dev/null 2>&1
wait_for 10 eval "! bash -c 'exec 3<>/dev/tcp/127.0.0.1/$PORT'"
probe "127.0.0.1:$PORT"
expect "stopped instance: connection refused, exit 69" \
    '[ $RC -eq 69 ] && grep -qx "mxpin: connect to \[127.0.0.1\]:$PORT: connection refused" "$ERR"'

t_done
