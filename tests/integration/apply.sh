#!/usr/bin/env bash
# mxpin apply on scratch Postfix config dirs, checked through the real
# postconf -c and postmap -q.
. "$(dirname "$0")/../lib.sh"

D=$(new_confdir base)
make_cert "$T_TMP" primary
make_cert "$T_TMP" renewed
FP=$(openssl_fp "$T_TMP/primary.pem" sha256)
FP2=$(openssl_fp "$T_TMP/renewed.pem" sha256)

answers() {	# answers FILE [extra lines...]
	local f=$1; shift
	{
		echo 'domain = "domain.not";'
		echo 'relay_host = "mx.domain.not";'
		echo 'port = 26;'
		echo 'recipients = [ "first.last@domain.not", "second@domain.not", "Second@DOMAIN.not" ];'
		printf '%s\n' "$@"
	} >"$f"
}
answers "$T_TMP/a.cfg" "certificate = \"$T_TMP/primary.pem\";"
cp "$D/main.cf" "$T_TMP/main.cf.orig"

# --- dry run -----------------------------------------------------------------
before=$(tree_sum "$D")
out=$("$MXPIN" apply --dry-run -c "$D" "$T_TMP/a.cfg" 2>"$T_TMP/err"); st=$?
check "dry run exits 0" test $st -eq 0
check "dry run says it would change 4 files" \
    grep -qx 'mxpin: dry run, would change 4 files' <<<"$out"
check "dry run shows the transport entry in a diff" \
    grep -qF "+domain.not	smtp:[mx.domain.not]:26" <<<"$out"
check "dry run shows the policy keyed by the same next-hop" \
    grep -qF "+[mx.domain.not]:26	fingerprint match=$FP" <<<"$out"
check "dry run lists postmap and reload" \
    grep -q 'postfix -c .* reload' <<<"$out"
check "dry run notes the merged duplicate recipient" \
    grep -q '1 duplicate recipient merged' "$T_TMP/err"
check "dry run writes nothing" test "$before" = "$(tree_sum "$D")"

# The preview diff, applied with patch(1) to a copy, gives what apply writes.
cp -a "$D" "$T_TMP/patched"
sed "s#$D#$T_TMP/patched#g" <<<"$out" | grep -v '^mxpin:' |
    (cd / && patch -p1 -s --no-backup-if-mismatch) >"$T_TMP/patch.out" 2>&1
check "dry-run diff applies cleanly with patch" test $? -eq 0

# --- apply -------------------------------------------------------------------
out=$("$MXPIN" apply -c "$D" "$T_TMP/a.cfg" 2>"$T_TMP/err"); st=$?
check "apply exits 0" test $st -eq 0 || cat "$T_TMP/err"
check "apply notes Postfix is not running (reload skipped)" \
    grep -q 'not running' "$T_TMP/err"
for f in main.cf relay_recipient_maps.cf transport_maps.cf tls_policy.cf; do
	check "patched preview equals applied $f" cmp -s "$T_TMP/patched/$f" "$D/$f"
done
pc() { postconf -c "$D" -xh "$1"; }
check "relay_domains holds the domain" grep -qw 'domain.not' <<<"$(pc relay_domains)"
check "transport_maps names mxpin's table" \
    test "$(pc transport_maps)" = "hash:$D/transport_maps.cf"
check "smtp_tls_fingerprint_digest set explicitly in main.cf" \
    test "$(postconf -c "$D" -nh smtp_tls_fingerprint_digest)" = sha256
check "postmap -q domain finds the bracketed next-hop" \
    test "$(postmap -q domain.not "hash:$D/transport_maps.cf")" = "smtp:[mx.domain.not]:26"
check "postmap -q of the exact next-hop finds the fingerprint policy (openssl's fingerprint)" \
    test "$(postmap -q '[mx.domain.not]:26' "hash:$D/tls_policy.cf")" = "fingerprint match=$FP"
check "the policy key without the port does not match (no fallback)" \
    bash -c "! postmap -q '[mx.domain.not]' 'hash:$D/tls_policy.cf'"
check "listed recipient found" postmap -q first.last@domain.not "hash:$D/relay_recipient_maps.cf"
check "unlisted recipient not found" bash -c "! postmap -q nobody@domain.not 'hash:$D/relay_recipient_maps.cf'"
check "duplicate recipient written once" \
    test "$(grep -ci '^second@domain.not' "$D/relay_recipient_maps.cf")" -eq 1
check "a backup dir was made" test -d "$D/mxpin.bak"
check "backup holds the old main.cf byte for byte" \
    cmp -s "$(ls -d "$D"/mxpin.bak/*/ | head -1)main.cf" "$T_TMP/main.cf.orig"
check "state file records the pin" grep -qF "\"$FP\"" "$D/mxpin.conf"
check "postconf -n still parses main.cf" postconf -c "$D" -n >/dev/null
check "no temp files left" bash -c "! ls -a '$D' | grep -q mxpin-"
check "no journal left" test ! -e "$D/mxpin.journal"

# --- idempotence -------------------------------------------------------------
before=$(tree_sum "$D")
out=$("$MXPIN" apply -c "$D" "$T_TMP/a.cfg" 2>/dev/null); st=$?
check "second run exits 0" test $st -eq 0
check "second run says no changes" grep -qx 'mxpin: no changes' <<<"$out"
check "second run touches no file" test "$before" = "$(tree_sum "$D")"

# --- rotation ----------------------------------------------------------------
answers "$T_TMP/r.cfg" "certificate = \"$T_TMP/renewed.pem\";" "keep_previous = true;"
"$MXPIN" apply -c "$D" "$T_TMP/r.cfg" >/dev/null 2>&1
check "rotation with keep_previous holds old|new" \
    test "$(postmap -q '[mx.domain.not]:26' "hash:$D/tls_policy.cf")" = "fingerprint match=$FP|$FP2"
answers "$T_TMP/r2.cfg" "certificate = \"$T_TMP/renewed.pem\";" "keep_previous = false;"
"$MXPIN" apply -c "$D" "$T_TMP/r2.cfg" >/dev/null 2>&1
check "a later rotation drops the old pin" \
    test "$(postmap -q '[mx.domain.not]:26' "hash:$D/tls_policy.cf")" = "fingerprint match=$FP2"
check "rotation leaves one policy entry" test "$(grep -c '^\[mx.domain.not\]:26' "$D/tls_policy.cf")" -eq 1

# --- public-key pin ----------------------------------------------------------
answers "$T_TMP/pk.cfg" "certificate = \"$T_TMP/renewed.pem\";" 'pin = "public-key";'
"$MXPIN" apply -c "$D" "$T_TMP/pk.cfg" >/dev/null 2>&1
check "public-key pin equals the openssl pubkey pipeline" \
    test "$(postmap -q '[mx.domain.not]:26' "hash:$D/tls_policy.cf")" = "fingerprint match=$(openssl_pubkey_fp "$T_TMP/renewed.pem" sha256)"

# --- their entries survive ---------------------------------------------------
E=$(new_confdir existing)
printf '# my transport\nexample.com\tsmtp:[relay.example.com]\n\n# keep me\n.example.com  smtp:[relay.example.com]\n' >"$E/transport"
postmap "hash:$E/transport"
postconf -c "$E" -e "transport_maps = hash:\$config_directory/transport, regexp:\$config_directory/re" "relay_domains = other.example"
: >"$E/re"
cp "$E/transport" "$T_TMP/transport.orig"
answers "$T_TMP/e.cfg" "certificate = \"$T_TMP/primary.pem\";"
"$MXPIN" apply -c "$E" "$T_TMP/e.cfg" >/dev/null 2>"$T_TMP/err"
check "existing transport table is reused, not replaced" \
    test "$(postconf -c "$E" -nh transport_maps)" = 'hash:$config_directory/transport, regexp:$config_directory/re'
check "their transport lines survive byte for byte (ours appended)" \
    cmp -s "$T_TMP/transport.orig" <(head -c "$(stat -c %s "$T_TMP/transport.orig")" "$E/transport")
check "relay_domains keeps their domain" \
    test "$(postconf -c "$E" -nh relay_domains)" = "other.example, domain.not"
check "warns that other relay domains now need recipients" \
    grep -q 'other relay domains (other.example)' "$T_TMP/err"

# --- md5, lmdb ---------------------------------------------------------------
M=$(new_confdir md5)
answers "$T_TMP/m.cfg" "certificate = \"$T_TMP/primary.pem\";" 'digest = "md5";' 'port = 25;'
sed -i '/^port = 26;$/d' "$T_TMP/m.cfg"
"$MXPIN" apply -c "$M" "$T_TMP/m.cfg" >/dev/null 2>&1
check "md5: digest set in main.cf" test "$(postconf -c "$M" -xh smtp_tls_fingerprint_digest)" = md5
check "md5: port 25 uses [host] as next-hop and key" \
    test "$(postmap -q '[mx.domain.not]' "hash:$M/tls_policy.cf")" = "fingerprint match=$(openssl_fp "$T_TMP/primary.pem" md5)"
check "md5: transport without port" \
    test "$(postmap -q domain.not "hash:$M/transport_maps.cf")" = "smtp:[mx.domain.not]"

printf '[other.example]:25\tfingerprint match=%s\n' "$(openssl_fp "$T_TMP/renewed.pem" md5)" >>"$M/tls_policy.cf"
postmap "hash:$M/tls_policy.cf"
answers "$T_TMP/m2.cfg" "certificate = \"$T_TMP/primary.pem\";" 'digest = "sha256";'
before=$(tree_sum "$M")
"$MXPIN" apply -c "$M" "$T_TMP/m2.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
check "digest change refused while other pins of another length exist" test $st -eq 65
check "refusal names the other pin's key" grep -qF '[other.example]:25' "$T_TMP/err"
check "refused digest change writes nothing" test "$before" = "$(tree_sum "$M")"

if [ -e /usr/lib/postfix/postfix-lmdb.so ] || postconf -m | grep -qx lmdb; then
	L=$(new_confdir lmdb)
	postconf -c "$L" -e default_database_type=lmdb
	"$MXPIN" apply -c "$L" "$T_TMP/a.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
	check "lmdb: apply exits 0" test $st -eq 0
	check "lmdb: tables named lmdb in main.cf" \
	    test "$(postconf -c "$L" -xh smtp_tls_policy_maps)" = "lmdb:$L/tls_policy.cf"
	check "lmdb: database built" test -s "$L/tls_policy.cf.lmdb"
	check "lmdb: policy found by postmap -q" \
	    test "$(postmap -q '[mx.domain.not]:26' "lmdb:$L/tls_policy.cf")" = "fingerprint match=$FP"
else
	skip "lmdb" "postfix-lmdb not installed"
fi

# --- modes and owners kept ---------------------------------------------------
O=$(new_confdir owners)
chmod 0640 "$O/main.cf"; chown root:postfix "$O/main.cf"
"$MXPIN" apply -c "$O" "$T_TMP/a.cfg" >/dev/null 2>&1
check "main.cf mode kept" test "$(stat -c %a "$O/main.cf")" = 640
check "main.cf group kept" test "$(stat -c %G "$O/main.cf")" = postfix

# --- errors --------------------------------------------------------------------
before=$(tree_sum "$D")
"$MXPIN" apply -c "$D" "$T_TMP/missing.cfg" >/dev/null 2>&1
check "missing answers file exits 66" test $? -eq 66
printf 'domain = "domain.not";\nbogus = 1;\n' >"$T_TMP/u.cfg"
"$MXPIN" apply -c "$D" "$T_TMP/u.cfg" 2>"$T_TMP/err" >/dev/null
check "unknown setting exits 65" test $? -eq 65
check "unknown setting names file and line" grep -q "u.cfg:2: unknown setting 'bogus'" "$T_TMP/err"
printf 'domain = "domain.not";\nport = ;\n' >"$T_TMP/s.cfg"
"$MXPIN" apply -c "$D" "$T_TMP/s.cfg" 2>"$T_TMP/err" >/dev/null
check "syntax error exits 65" test $? -eq 65
check "syntax error names file and line" grep -q 's.cfg:2:' "$T_TMP/err"
printf 'domain = "domain.not";\nport = "26";\n' >"$T_TMP/t.cfg"
"$MXPIN" apply -c "$D" "$T_TMP/t.cfg" 2>"$T_TMP/err" >/dev/null
check "wrong type names the setting" grep -q 't.cfg:2: port must be a whole number' "$T_TMP/err"
check "errors wrote nothing" test "$before" = "$(tree_sum "$D")"

"$MXPIN" apply >/dev/null 2>&1
check "no answers file is a usage error (64)" test $? -eq 64

# --- locking -------------------------------------------------------------------
flock "$D" sleep 30 &
lockpid=$!
wait_for 5 bash -c "! flock -n '$D' true"
"$MXPIN" apply -c "$D" "$T_TMP/a.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
kill $lockpid 2>/dev/null; wait $lockpid 2>/dev/null
check "a second mxpin exits 75 while the lock is held" test $st -eq 75
check "lock message names the pid holding it" grep -q "another mxpin (pid $lockpid)" "$T_TMP/err"

# --- non-root ------------------------------------------------------------------
N=$(new_confdir nonroot)
chmod -R a+rX "$T_TMP"
cp "$T_TMP/a.cfg" "$T_TMP/nr.cfg"; chmod 644 "$T_TMP/nr.cfg" "$T_TMP/primary.pem"
before=$(tree_sum "$N")
out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$MXPIN" apply --dry-run -c "$N" "$T_TMP/nr.cfg" 2>"$T_TMP/err"); st=$?
check "non-root dry run works" test $st -eq 0 || cat "$T_TMP/err"
check "non-root dry run shows the diff" grep -q 'would change 4 files' <<<"$out"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$MXPIN" apply -c "$N" "$T_TMP/nr.cfg" >/dev/null 2>&1; st=$?
check "non-root apply exits 77" test $st -eq 77
check "non-root runs wrote nothing" test "$before" = "$(tree_sum "$N")"

t_done
