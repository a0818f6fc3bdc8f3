# tests/lib.sh: shared helpers for the shell suites (sourced, bash).
#
# TAP output: ok NAME / not_ok NAME [DETAIL] / check NAME CMD... / t_done.
# Scratch Postfix config directories made from Debian's own files, and
# waiting on conditions with a deadline instead of sleeping.
set -u
T_N=0
T_FAILED=0
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MXPIN=${MXPIN_BIN:-$TOP/build/mxpin}
SHARED=${MXPIN_SHARED:-$TOP/../shared}
T_TMP=$(mktemp -d /tmp/mxpin-t.XXXXXX)
chmod 755 "$T_TMP"
T_CLEANUP=()

t_cleanup() {
	local i
	for ((i = ${#T_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${T_CLEANUP[$i]}" >/dev/null 2>&1 || true
	done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT
# at_exit CMD: run CMD (a string) when the suite ends, pass or fail.
at_exit() { T_CLEANUP+=("$1"); }

ok()     { T_N=$((T_N + 1)); echo "ok $T_N - $1"; }
not_ok() {
	T_N=$((T_N + 1)); T_FAILED=1
	echo "not ok $T_N - $1"
	shift
	[ $# -gt 0 ] && printf '#   %s\n' "$@"
	return 0
}
skip()   { T_N=$((T_N + 1)); echo "ok $T_N - $1 # SKIP ${2:-}"; }
# check NAME CMD...: one test, passing when CMD exits 0.
check() {
	local name=$1; shift
	if "$@"; then ok "$name"; else not_ok "$name" "command: $*"; fi
}
t_done() { echo "1..$T_N"; }

# wait_for SECONDS CMD...: polls CMD until it succeeds; 1 on deadline.
wait_for() {
	local limit=$1 end; shift
	end=$(($(date +%s%N) / 1000000 + limit * 1000))
	while ! "$@" >/dev/null 2>&1; do
		[ $(($(date +%s%N) / 1000000)) -ge $end ] && return 1
		sleep 0.05
	done
	return 0
}

# new_confdir NAME: a scratch config dir shaped like a fresh Debian 12
# "Internet Site" install (main.cf.debian plus what postinst appends).
new_confdir() {
	local d=$T_TMP/$1
	mkdir -p "$d"
	cp /usr/share/postfix/main.cf.debian "$d/main.cf"
	cat >>"$d/main.cf" <<EOT

# TLS parameters
smtpd_tls_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem
smtpd_tls_key_file=/etc/ssl/private/ssl-cert-snakeoil.key
smtpd_tls_security_level=may

smtp_tls_CApath=/etc/ssl/certs
smtp_tls_security_level=may
smtp_tls_session_cache_database = btree:\${data_directory}/smtp_scache


smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination
myhostname = backup.example
alias_maps = hash:/etc/aliases
alias_database = hash:/etc/aliases
myorigin = /etc/mailname
mydestination = \$myhostname, backup.example, localhost.localdomain, localhost
relayhost = 
mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128
mailbox_size_limit = 0
recipient_delimiter = +
inet_interfaces = all
inet_protocols = all
EOT
	cp /etc/postfix/master.cf "$d/master.cf" 2>/dev/null ||
	    cp /usr/share/postfix/master.cf.dist "$d/master.cf"
	echo "$d"
}

# tree_sum DIR: one checksum line per file (path, mode, owner, sha256), to
# prove that nothing in DIR changed.
tree_sum() {
	(cd "$1" && find . -type f -o -type l | LC_ALL=C sort | while read -r f; do
		printf '%s %s ' "$f" "$(stat -c '%a %U:%G' "$f")"
		if [ -L "$f" ]; then readlink "$f"; else sha256sum <"$f" | cut -d' ' -f1; fi
	done)
}

# make_cert DIR NAME [KEYSPEC]: a self-signed leaf certificate DIR/NAME.pem
# with key DIR/NAME.key (KEYSPEC: "ec" (P-256, default) or "rsa").
make_cert() {
	local d=$1 n=$2 kind=${3:-ec} days=${4:-90}
	if [ "$kind" = rsa ]; then
		openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/$n.key" \
		    -out "$d/$n.pem" -days "$days" -subj "/CN=$n.example" \
		    -addext "subjectAltName=DNS:$n.example,DNS:mail.$n.example" 2>/dev/null
	else
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		    -keyout "$d/$n.key" -out "$d/$n.pem" -days "$days" \
		    -subj "/CN=$n.example" \
		    -addext "subjectAltName=DNS:$n.example,DNS:mail.$n.example" 2>/dev/null
	fi
}

# openssl_fp FILE DIGEST: what openssl prints, in match= form (upper, colons).
openssl_fp() {
	openssl x509 -noout -fingerprint "-$2" -in "$1" | sed 's/^[^=]*=//'
}
# openssl_pubkey_fp FILE DIGEST: the public-key (SPKI) fingerprint pipeline.
openssl_pubkey_fp() {
	openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER |
	    openssl dgst "-$2" -c | sed 's/^.*= *//' | tr a-f A-F
}

# std_answers FILE [extra lines...]: the answers most suites start from
# (domain.not via [mx.domain.not]:26, two recipients) plus extra lines.
std_answers() {
	local f=$1; shift
	{
		echo 'domain = "domain.not";'
		echo 'relay_host = "mx.domain.not";'
		echo 'port = 26;'
		echo 'recipients = [ "first.last@domain.not", "second@domain.not" ];'
		printf '%s\n' "$@"
	} >"$f"
}
