#!/usr/bin/env bash
# mxpin apply at the edges: every real-world main.cf of the corpus keeps
# every setting mxpin does not manage; a non-file table list gets mxpin's
# table added in front; postmap's warnings about a table (exit 0 from
# postmap) fail the apply with nothing changed.
. "$(dirname "$0")/../lib.sh"

make_cert "$T_TMP" primary
cat >"$T_TMP/a.cfg" <<EOT
domain = "domain.not";
relay_host = "mx.domain.not";
port = 26;
recipients = [ "a@domain.not" ];
certificate = "$T_TMP/primary.pem";
EOT
MANAGED='^(relay_domains|relay_recipient_maps|transport_maps|smtp_tls_policy_maps|smtp_tls_fingerprint_digest|config_directory) ='

# --- the corpus: only managed settings change --------------------------------
n=0
for f in "$SHARED"/corpus/main.cf/*.main.cf; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .main.cf)
	D=$T_TMP/corpus-$name
	mkdir -p "$D"
	cp "$f" "$D/main.cf"
	cp /etc/postfix/master.cf "$D/master.cf"
	# Backdate: postconf waits for a main.cf whose mtime is not yet past.
	touch -d '-1 min' "$D/main.cf"
	if ! postconf -c "$D" -n >"$T_TMP/before.n" 2>/dev/null; then
		skip "$name: apply keeps every other setting" "postconf cannot read it"
		continue
	fi
	n=$((n + 1))
	"$MXPIN" apply --no-reload -c "$D" "$T_TMP/a.cfg" >"$T_TMP/out" 2>&1; st=$?
	if [ $st -ne 0 ]; then
		# A refusal is fine only when it names why (Postfix's own error,
		# or a table in a directory that does not exist here, named with
		# its parameter); then nothing may have changed.
		if cmp -s "$f" "$D/main.cf" && grep -qE 'postmap: fatal|\((relay_recipient|transport|smtp_tls_policy)_maps\): cannot create' "$T_TMP/out"; then
			ok "$name: Postfix itself rejects this main.cf; mxpin says why and changes nothing"
		else
			not_ok "$name: apply failed" "$(cat "$T_TMP/out")"
		fi
		continue
	fi
	touch -d '-1 min' "$D/main.cf"
	postconf -c "$D" -n >"$T_TMP/after.n" 2>/dev/null
	if diff <(grep -Ev "$MANAGED" "$T_TMP/before.n") <(grep -Ev "$MANAGED" "$T_TMP/after.n") >"$T_TMP/d"; then
		ok "$name: every setting mxpin does not manage is unchanged (postconf -n)"
	else
		not_ok "$name: settings changed" "$(head -5 "$T_TMP/d")"
	fi
	# Every line that disappeared belonged to a managed definition.
	# (a missing final newline is added before appending: not a removal)
	removed=$(diff <(sed -e '$a\' "$f") "$D/main.cf" | grep '^< ' | grep -Ev '^< (relay_domains|relay_recipient_maps|transport_maps|smtp_tls_policy_maps|smtp_tls_fingerprint_digest) *=|^< [ 	]')
	if [ -z "$removed" ]; then
		ok "$name: only managed lines were replaced"
	else
		not_ok "$name: other lines were removed" "$removed"
	fi
	check "$name: the policy is found under the next-hop" \
	    postmap -q '[mx.domain.not]:26' "$(postconf -c "$D" -xh smtp_tls_policy_maps | sed 's/,.*//; s/ .*//')"
done
check "the corpus was found and used ($n files)" test "$n" -ge 8

# --- a non-file table list: ours is added in front -----------------------------
R=$(new_confdir regexp)
printf '/^postmaster@/ OK\n' >"$R/rcpt.regexp"
postconf -c "$R" -e 'relay_recipient_maps = regexp:$config_directory/rcpt.regexp'
"$MXPIN" apply --no-reload -c "$R" "$T_TMP/a.cfg" >/dev/null 2>&1
check "a regexp table stays in relay_recipient_maps, mxpin's hash table in front" \
    test "$(postconf -c "$R" -nh relay_recipient_maps)" = 'hash:${config_directory}/relay_recipient_maps.cf, regexp:$config_directory/rcpt.regexp'
check "the regexp table file is untouched" test "$(cat "$R/rcpt.regexp")" = '/^postmaster@/ OK'

# --- postmap warnings are failures ---------------------------------------------
W=$(new_confdir warn)
printf 'example.com smtp:[relay.example.com]\nthis-line-has-no-value\n' >"$W/transport"
postconf -c "$W" -e 'transport_maps = hash:$config_directory/transport'
before=$(tree_sum "$W")
"$MXPIN" apply --no-reload -c "$W" "$T_TMP/a.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
check "a malformed line in their table fails the apply (78)" test $st -eq 78
check "the message quotes postmap's warning and names the table" \
    grep -q "$W/transport.*expected format" "$T_TMP/err"
check "nothing was changed" test "$before" = "$(tree_sum "$W")"
check "no temp files or backup left" bash -c "! ls -a '$W' | grep -q 'mxpin-\|mxpin.bak\|mxpin.journal'"
printf 'example.com smtp:[a.example.com]\nexample.com smtp:[b.example.com]\n' >"$W/transport"
before=$(tree_sum "$W")
"$MXPIN" apply --no-reload -c "$W" "$T_TMP/a.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
check "a duplicate key in their table fails the apply (78)" test $st -eq 78
check "the message says duplicate" grep -qi 'duplicate' "$T_TMP/err"
check "nothing was changed (duplicate)" test "$before" = "$(tree_sum "$W")"

# --- two domains behind one primary share its policy entry ------------------------
S=$(new_confdir shared)
make_cert "$T_TMP" renewed
two() {	# two FILE DOMAIN CERT KEEP
	cat >"$1" <<EOT
domain = "$2";
relay_host = "mx.domain.not";
port = 26;
recipients = [ "a@$2" ];
certificate = "$3";
keep_previous = $4;
EOT
}
two "$T_TMP/d1.cfg" domain.not "$T_TMP/primary.pem" false
two "$T_TMP/d2.cfg" other.not "$T_TMP/primary.pem" false
"$MXPIN" apply --no-reload -c "$S" "$T_TMP/d1.cfg" >/dev/null 2>&1
"$MXPIN" apply --no-reload -c "$S" "$T_TMP/d2.cfg" >/dev/null 2>"$T_TMP/err"
check "a second domain behind the same primary, same certificate: applied" test $? -eq 0
two "$T_TMP/d3.cfg" other.not "$T_TMP/renewed.pem" false
before=$(tree_sum "$S")
"$MXPIN" apply --no-reload -c "$S" "$T_TMP/d3.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
check "replacing the shared next-hop's pin is refused (65)" test $st -eq 65
check "the refusal names the other domain and the way out" \
    grep -q 'also serves domain.not.*keep_previous' "$T_TMP/err"
check "the refusal wrote nothing" test "$before" = "$(tree_sum "$S")"
two "$T_TMP/d4.cfg" other.not "$T_TMP/renewed.pem" true
"$MXPIN" apply --no-reload -c "$S" "$T_TMP/d4.cfg" >/dev/null 2>&1
check "with keep_previous the shared policy holds both pins" \
    test "$(postmap -q '[mx.domain.not]:26' "hash:$S/tls_policy.cf")" = \
    "fingerprint match=$(openssl_fp "$T_TMP/primary.pem" sha256)|$(openssl_fp "$T_TMP/renewed.pem" sha256)"

# --- a relative -c: the same config, not a second set of tables --------------
# main.cf names the tables as ${config_directory}/...; a config directory
# recorded as given ("rel") would not match them once expanded, and a
# second apply would add every map again.
R=$(new_confdir rel)
std_answers "$T_TMP/rel.cfg" "certificate = \"$T_TMP/primary.pem\";"
(cd "$T_TMP" && "$MXPIN" apply --no-reload -c ./rel/ "$T_TMP/rel.cfg") >/dev/null 2>&1
check "relative -c: first apply exits 0" test $? -eq 0
check "relative -c: the state records the absolute directory" \
    grep -q "recipients_table = \"hash:$R/relay_recipient_maps.cf\"" "$R/mxpin.conf"
out=$(cd "$T_TMP" && "$MXPIN" apply --no-reload -c rel "$T_TMP/rel.cfg" 2>&1)
check "relative -c: the second apply has nothing to change" \
    grep -q 'no changes' <<<"$out"
for m in relay_recipient_maps transport_maps smtp_tls_policy_maps; do
	check "relative -c: $m names one table" \
	    test "$(postconf -c "$R" -h $m | tr ',' '\n' | wc -l)" -eq 1
done
t_done
