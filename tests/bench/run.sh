#!/bin/sh
# tests/bench/run.sh MXPIN: mxpin's benchmarks (issue 7).  Generates its own
# inputs in a scratch directory, runs each case RUNS times (default 5),
# alternating mxpin and the reference it is compared with, and prints
# medians and the ratios of medians measured side by side in this run.
# Nothing outside the scratch directory is touched.
#
#   MXPIN_BENCH_N      recipients for cases 1-3 (default 1000000)
#   MXPIN_BENCH_LINES  main.cf lines for case 4 (default 100000)
#   MXPIN_BENCH_RUNS   runs per case (default 5)
set -u
MXPIN=$(cd "$(dirname "${1:?usage: run.sh MXPIN}")" && pwd)/$(basename "$1")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(dirname "$MXPIN")
N=${MXPIN_BENCH_N:-1000000}
LINES_CF=${MXPIN_BENCH_LINES:-100000}
RUNS=${MXPIN_BENCH_RUNS:-5}
B=$(mktemp -d /tmp/mxpin-bench.XXXXXX)
TMUX_SOCK=mxpin-bench-$$
trap 'tmux -L $TMUX_SOCK kill-server 2>/dev/null; rm -rf "$B"' EXIT INT TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# median: of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "ok" : "MISSED") }'; }
row() {	# row CASE MEASURE VALUE TARGET RESULT
	printf '%-44s %-34s %-10s %s\n' "$1" "$2" "$3" "$4"
}

# A config dir shaped like a fresh Debian install, main.cf made to look
# old (Postfix pauses on a main.cf modified in the last two seconds).
confdir() {
	mkdir -p "$1"
	cp /usr/share/postfix/main.cf.debian "$1/main.cf"
	cat >>"$1/main.cf" <<EOT

smtpd_tls_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem
smtpd_tls_key_file=/etc/ssl/private/ssl-cert-snakeoil.key
smtpd_tls_security_level=may
smtp_tls_CApath=/etc/ssl/certs
smtp_tls_security_level=may
myhostname = backup.example
alias_maps = hash:/etc/aliases
alias_database = hash:/etc/aliases
mydestination = \$myhostname, backup.example, localhost.localdomain, localhost
relayhost =
mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128
inet_interfaces = all
EOT
	cp /etc/postfix/master.cf "$1/master.cf" 2>/dev/null ||
	    cp /usr/share/postfix/master.cf.dist "$1/master.cf"
	touch -d '-1 min' "$1/main.cf" "$1/master.cf"
}
cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$B/$1.key" -out "$B/$1.pem" -days 90 -subj "/CN=$1.example" \
	    2>/dev/null
}

echo "mxpin benchmarks: $(nproc) cores, $(uname -m), Postfix $(postconf -h mail_version 2>/dev/null)"
echo "medians of $RUNS runs; ratios are mxpin / reference, measured side by side"
echo "generating inputs in $B ..."
cert primary
cert renewed
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++) printf "user%07d@domain.not\n", i }' >"$B/rcpt.txt"
RSIZE_KB=$(($(stat -c %s "$B/rcpt.txt") / 1024))
confdir "$B/base"
cat >"$B/first.cfg" <<EOT
domain = "domain.not";
relay_host = "mx.domain.not";
recipients_file = "$B/rcpt.txt";
certificate = "$B/primary.pem";
EOT
sed "s#primary.pem#renewed.pem#" "$B/first.cfg" >"$B/rotate.cfg"

# --- 1, 2: first apply vs postmap alone --------------------------------------
: >"$B/t_apply"; : >"$B/t_postmap"; : >"$B/rss"
i=0
while [ $i -lt "$RUNS" ]; do
	rm -rf "$B/a" && cp -a "$B/base" "$B/a"
	# Both sides start with no dirty pages left by the other (the last
	# run wrote ~100 MB), so neither pays for the other's writeback.
	sync
	t0=$(now_ms)
	/usr/bin/time -f %M -o "$B/rss.one" "$MXPIN" apply --no-reload -c "$B/a" \
	    "$B/first.cfg" >"$B/apply.out" 2>&1 || { cat "$B/apply.out"; exit 1; }
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$B/t_apply"
	tail -1 "$B/rss.one" >>"$B/rss"
	# The same lines mxpin wrote, same type, same main.cf, fresh dir.
	rm -rf "$B/p" && cp -a "$B/base" "$B/p"
	cp "$B/a/relay_recipient_maps.cf" "$B/p/table"
	touch -d '-1 min' "$B/p/table"
	sync
	t0=$(now_ms)
	/usr/sbin/postmap -c "$B/p" "hash:$B/p/table" || exit 1
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$B/t_postmap"
	i=$((i + 1))
done
MA=$(median <"$B/t_apply"); MP=$(median <"$B/t_postmap"); MR=$(median <"$B/rss")
R1=$(ratio "$MA" "$MP")
R2=$(awk -v a="$MR" -v b="$RSIZE_KB" 'BEGIN { printf "%.2f", a / b }')
echo
row "case" "measure" "median" "target: result"
row "1. first apply, $N recipients" "mxpin apply --no-reload (ms)" "$MA" ""
row "" "postmap hash: same table (ms)" "$MP" ""
row "" "ratio" "$R1" "<= 1.10: $(verdict "$R1" 1.10)"
row "2. peak RSS of that apply" "max RSS, mxpin and children (KiB)" "$MR" ""
row "" "recipients file (KiB)" "$RSIZE_KB" ""
row "" "ratio" "$R2" "<= 2.00: $(verdict "$R2" 2.00)"

# --- 3: rotation (new pin only) on that config -------------------------------
# In place, on the config of the last first apply, as an admin rotates when
# the primary's certificate renews: each run pins the other certificate.
: >"$B/t_rot"
rebuilt=no
i=0
while [ $i -lt "$RUNS" ]; do
	if [ $((i % 2)) -eq 0 ]; then cfg=rotate; pem=renewed; else cfg=first; pem=primary; fi
	touch -d '-1 min' "$B/a/main.cf"
	before=$(stat -c '%i %Y' "$B/a/relay_recipient_maps.cf.db" "$B/a/relay_recipient_maps.cf")
	t0=$(now_ms)
	"$MXPIN" apply --no-reload -c "$B/a" "$B/$cfg.cfg" >"$B/rot.out" 2>&1 ||
	    { cat "$B/rot.out"; exit 1; }
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$B/t_rot"
	after=$(stat -c '%i %Y' "$B/a/relay_recipient_maps.cf.db" "$B/a/relay_recipient_maps.cf")
	[ "$before" = "$after" ] || rebuilt=yes
	grep -q "fingerprint match=$(openssl x509 -noout -fingerprint -sha256 -in "$B/$pem.pem" | sed 's/^[^=]*=//')" \
	    "$B/a/tls_policy.cf" || { echo "rotation did not pin the new certificate"; exit 1; }
	i=$((i + 1))
done
MRot=$(median <"$B/t_rot")
R3=$(awk -v a="$MRot" -v b="$MA" 'BEGIN { printf "%.3f", a / b }')
row "3. rotation, new pin only" "mxpin apply --no-reload (ms)" "$MRot" ""
row "" "recipient table rebuilt" "$rebuilt" "no: $([ $rebuilt = no ] && echo ok || echo MISSED)"
row "" "ratio to the first apply" "$R3" "<= 0.05: $(verdict "$R3" 0.05)"

# --- 4: dry run on a 100k-line main.cf vs the admin's own preview ------------
confdir "$B/big"
awk -v n="$LINES_CF" 'BEGIN {
	for (i = 0; 4 * i < n; i++) {
		printf "# setting %d: what it is for\n", i
		printf "mxbench_param_%d = value-%d,\n", i, i
		printf "    $myhostname, continued-%d\n", i
		if (i % 2) printf "\n"; else printf "#\tindented comment\n"
	}
}' >>"$B/big/main.cf"
touch -d '-1 min' "$B/big/main.cf"
cat >"$B/dry.cfg" <<EOT
domain = "domain.not";
relay_host = "mx.domain.not";
recipients = [ "a@domain.not", "b@domain.not" ];
certificate = "$B/primary.pem";
EOT
: >"$B/t_dry"; : >"$B/t_admin"
i=0
while [ $i -lt "$RUNS" ]; do
	# As in case 1: the writeback of what earlier runs wrote (a hundred
	# MB per first apply, the copies here) is neither side's cost.
	sync
	t0=$(now_ms)
	"$MXPIN" apply --dry-run -c "$B/big" "$B/dry.cfg" >"$B/dry.out" 2>&1 ||
	    { cat "$B/dry.out"; exit 1; }
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$B/t_dry"
	rm -rf "$B/copy"
	sync
	t0=$(now_ms)
	cp -a "$B/big" "$B/copy"
	postconf -c "$B/copy" -e "relay_domains = domain.not" \
	    "relay_recipient_maps = hash:\${config_directory}/relay_recipient_maps.cf" \
	    "transport_maps = hash:\${config_directory}/transport_maps.cf" \
	    "smtp_tls_policy_maps = hash:\${config_directory}/tls_policy.cf" \
	    "smtp_tls_fingerprint_digest = sha256" 2>/dev/null
	diff -u "$B/big/main.cf" "$B/copy/main.cf" >"$B/admin.diff"
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$B/t_admin"
	i=$((i + 1))
done
MD=$(median <"$B/t_dry"); MAd=$(median <"$B/t_admin")
R4=$(ratio "$MD" "$MAd")
row "4. dry run, $LINES_CF-line main.cf" "mxpin apply --dry-run (ms)" "$MD" ""
row "" "cp -a; postconf -e; diff -u (ms)" "$MAd" ""
row "" "ratio" "$R4" "<= 1.00: $(verdict "$R4" 1.00)"

# --- 5: recipients screen, one keystroke's redraw (instructions) ---------------
cc -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -I"$TOP/core" \
    -I"$TOP/tui" $(pkg-config --cflags ncursesw) -o "$B/rlist_draw" \
    "$TOP/tests/bench/rlist_draw.c" $(ls "$BUILD"/tui/*.o) "$BUILD/libmxpin.a" \
    $(pkg-config --libs ncursesw formw menuw panelw libssl libcrypto libconfig) ||
    exit 1
ir() {
	TERM=xterm valgrind --tool=callgrind --toggle-collect=bench_keystroke \
	    --callgrind-out-file="$B/cg.$1" "$B/rlist_draw" "$1" >/dev/null \
	    2>"$B/cg.err" || { cat "$B/cg.err"; exit 1; }
	awk '/^summary:/ { print $2 }' "$B/cg.$1"
}
I1=$(ir 1000); I2=$(ir 1000000)
R5=$(ratio "$I2" "$I1")
row "5. recipients screen, one keystroke" "instructions, 1,000 entries" "$I1" ""
row "" "instructions, 1,000,000 entries" "$I2" ""
row "" "ratio (callgrind: exact, not noisy)" "$R5" "<= 1.20: $(verdict "$R5" 1.20)"

# --- 6: start-up to the first screen; fingerprint vs openssl ------------------
: >"$B/t_start"
i=0
while [ $i -lt "$RUNS" ]; do
	t0=$(now_ms)
	tmux -L $TMUX_SOCK new-session -d -s s$i -x 80 -y 24 -e LANG=C.UTF-8 \
	    "$MXPIN --dry-run -c $B/base"
	until tmux -L $TMUX_SOCK capture-pane -p -t s$i 2>/dev/null |
	    grep -q 'Domain'; do
		[ $(($(now_ms) - t0)) -gt 10000 ] && { echo "wizard did not start"; exit 1; }
		sleep 0.005
	done
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$B/t_start"
	tmux -L $TMUX_SOCK kill-session -t s$i
	i=$((i + 1))
done
# The same measured for tmux itself starting a shell that prints "Domain".
: >"$B/t_start0"
i=0
while [ $i -lt "$RUNS" ]; do
	t0=$(now_ms)
	tmux -L $TMUX_SOCK new-session -d -s z$i -x 80 -y 24 "echo Domain; sleep 60"
	until tmux -L $TMUX_SOCK capture-pane -p -t z$i 2>/dev/null |
	    grep -q 'Domain'; do sleep 0.005; done
	t1=$(now_ms)
	echo $((t1 - t0)) >>"$B/t_start0"
	tmux -L $TMUX_SOCK kill-session -t z$i
	i=$((i + 1))
done
: >"$B/t_fp"; : >"$B/t_ossl"
i=0
while [ $i -lt "$RUNS" ]; do
	t0=$(now_ms); "$MXPIN" fingerprint "$B/primary.pem" >/dev/null || exit 1; t1=$(now_ms)
	echo $((t1 - t0)) >>"$B/t_fp"
	t0=$(now_ms); openssl x509 -noout -fingerprint -sha256 -in "$B/primary.pem" >/dev/null; t1=$(now_ms)
	echo $((t1 - t0)) >>"$B/t_ossl"
	i=$((i + 1))
done
MS=$(median <"$B/t_start"); MS0=$(median <"$B/t_start0")
MF=$(median <"$B/t_fp"); MO=$(median <"$B/t_ossl")
row "6. wizard start-up to the Domain screen" "in tmux, polled every 5 ms (ms)" "$MS" ""
row "" "tmux + sh printing 'Domain' (ms)" "$MS0" ""
row "   fingerprint" "mxpin fingerprint (ms)" "$MF" ""
row "" "openssl x509 -fingerprint (ms)" "$MO" ""
row "" "ratio" "$(ratio "$MF" "$MO")" ""
