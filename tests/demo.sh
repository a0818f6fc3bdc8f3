#!/bin/sh
# make demo: the wizard (or, without a terminal, apply --dry-run) on a
# sandbox copy of a Postfix configuration.  Nothing under /etc is touched.
set -e
bin=${1:-build/mxpin}
top=$(cd "$(dirname "$0")/.." && pwd)
sand=${MXPIN_DEMO_DIR:-/tmp/mxpin-demo}
mkdir -p "$sand/postfix"
if [ ! -f "$sand/postfix/main.cf" ]; then
	cp /usr/share/postfix/main.cf.debian "$sand/postfix/main.cf"
	cat >>"$sand/postfix/main.cf" <<'EOT'
myhostname = backup.example
mydestination = $myhostname, localhost
relayhost =
mynetworks = 127.0.0.0/8 [::1]/128
relay_domains = other.example
inet_interfaces = loopback-only
EOT
	cp /etc/postfix/master.cf "$sand/postfix/master.cf"
fi
if [ ! -f "$sand/primary.pem" ]; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$sand/primary.key" -out "$sand/primary.pem" -days 60 \
	    -subj "/CN=mail.domain.not" \
	    -addext "subjectAltName=DNS:mail.domain.not,DNS:domain.not" 2>/dev/null
fi
cat >"$sand/answers.cfg" <<EOT
domain = "domain.not";
relay_host = "domain.not";
port = 26;
recipients = [ "first.last@domain.not", "second@domain.not" ];
certificate = "$sand/primary.pem";
EOT
echo "mxpin demo: sandbox config in $sand/postfix, primary certificate $sand/primary.pem"
if [ -t 0 ] && [ -t 1 ]; then
	# The wizard, in dry-run mode; exit 70 means it is not built in.
	set +e
	"$bin" --dry-run -c "$sand/postfix"
	st=$?
	[ $st -ne 70 ] && exit $st
	set -e
fi
echo "mxpin demo: mxpin apply --dry-run -c $sand/postfix $sand/answers.cfg"
exec "$bin" apply --dry-run -c "$sand/postfix" "$sand/answers.cfg"
