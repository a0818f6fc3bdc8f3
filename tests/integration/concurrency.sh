#!/usr/bin/env bash
# mxpin-test: once
# Two applies started at once on one config dir never interleave: the
# lock serialises them, so the second one's backup holds exactly what the
# first one wrote, and the end state is wholly the second one's.
. "$(dirname "$0")/../lib.sh"

make_cert "$T_TMP" one
make_cert "$T_TMP" two
for ((i = 0; i < 20000; i++)); do echo "user$i@domain.not"; done >"$T_TMP/rcpts.txt"
for n in one two; do
	cat >"$T_TMP/$n.cfg" <<EOT
domain = "domain.not";
relay_host = "mx.domain.not";
recipients_file = "$T_TMP/rcpts.txt";
recipients = [ "$n@domain.not" ];
certificate = "$T_TMP/$n.pem";
EOT
done
FILES="main.cf relay_recipient_maps.cf transport_maps.cf tls_policy.cf"
all_ok=1
for round in 1 2 3; do
	D=$(new_confdir "race-$round")
	"$MXPIN" apply --no-reload -c "$D" "$T_TMP/one.cfg" >"$T_TMP/o1" 2>&1 &
	p1=$!
	"$MXPIN" apply --no-reload -c "$D" "$T_TMP/two.cfg" >"$T_TMP/o2" 2>&1 &
	p2=$!
	wait $p1; s1=$?
	wait $p2; s2=$?
	if [ $s1 -ne 0 ] || [ $s2 -ne 0 ]; then
		all_ok=0; not_ok "round $round: both applies succeed (waiting for the lock)" \
		    "exit $s1 / $s2" "$(cat "$T_TMP/o1" "$T_TMP/o2")"; continue
	fi
	# Which one ran last: its backup is the newer one.
	bdirs=($(ls -d "$D"/mxpin.bak/*/ | sort -V))
	if [ ${#bdirs[@]} -ne 2 ]; then
		all_ok=0; not_ok "round $round: two backups" "${bdirs[*]}"; continue
	fi
	last=$(grep -l 'match=' "$D/tls_policy.cf" >/dev/null && grep -q "$(openssl_fp "$T_TMP/two.pem" sha256)" "$D/tls_policy.cf" && echo two || echo one)
	first=$([ $last = two ] && echo one || echo two)
	# The later apply saw the earlier one's complete result, not a mix.
	if ! grep -q "$(openssl_fp "$T_TMP/$first.pem" sha256)" "${bdirs[1]}tls_policy.cf"; then
		all_ok=0; not_ok "round $round: the second apply's backup holds the first one's policy"; continue
	fi
	if ! grep -qx "$first@domain.not	OK" "${bdirs[1]}relay_recipient_maps.cf" ||
	    grep -qx "$last@domain.not	OK" "${bdirs[1]}relay_recipient_maps.cf"; then
		all_ok=0; not_ok "round $round: the second apply's backup holds the first one's recipients"; continue
	fi
	# The end state is wholly the last apply's.
	if ! grep -qx "$last@domain.not	OK" "$D/relay_recipient_maps.cf" ||
	    grep -qx "$first@domain.not	OK" "$D/relay_recipient_maps.cf" ||
	    ! postmap -q "$last@domain.not" "hash:$D/relay_recipient_maps.cf" >/dev/null ||
	    postmap -q "$first@domain.not" "hash:$D/relay_recipient_maps.cf" >/dev/null; then
		all_ok=0; not_ok "round $round: the end state is the last apply's, table and database"; continue
	fi
	if find "$D" -name '*.mxpin-*' | grep -q . || [ -e "$D/mxpin.journal" ]; then
		all_ok=0; not_ok "round $round: temp files or journal left"; continue
	fi
done
[ $all_ok = 1 ] && ok "3 rounds of two simultaneous applies: serialised by the lock, never interleaved"
t_done
