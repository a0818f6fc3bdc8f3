#!/usr/bin/env bash
# Hostile answers: each refused with a message naming the field, exit 65,
# and nothing written.
. "$(dirname "$0")/../lib.sh"

D=$(new_confdir hostile)
make_cert "$T_TMP" primary
before=$(tree_sum "$D")

# try NAME FIELD-IN-MESSAGE LINES...: the answers must be refused.
try() {
	local name=$1 field=$2 f=$T_TMP/h.cfg st; shift 2
	printf '%s\n' "$@" >"$f"
	grep -q '^domain' "$f" || echo 'domain = "domain.not";' >>"$f"
	grep -q '^recipients' "$f" || echo 'recipients = [ "a@domain.not" ];' >>"$f"
	grep -q '^certificate\|^fingerprints' "$f" ||
	    echo "certificate = \"$T_TMP/primary.pem\";" >>"$f"
	"$MXPIN" apply -c "$D" "$f" >"$T_TMP/out" 2>"$T_TMP/err"; st=$?
	if [ $st -eq 65 ] && grep -q "$field" "$T_TMP/err"; then
		ok "refused: $name"
	else
		not_ok "refused: $name" "exit $st" "$(cat "$T_TMP/err")"
	fi
}

try "newline in domain" 'domain "domain.not\\nrelayhost' 'domain = "domain.not\nrelayhost = evil";'
try "CR in domain" 'domain ' 'domain = "domain.not\r";'
try "tab in domain" 'a tab' 'domain = "domain.not\t";'
try "space in domain" 'a space' 'domain = "domain .not";'
try "comma in domain" 'a comma' 'domain = "domain.not,evil.example";'
try "# in domain" "a '#'" 'domain = "domain.not#x";'
try '$ in domain' "a '\\$'" 'domain = "$myhostname";'
try '${...} in domain' "a '\\$'" 'domain = "${config_directory}.example";'
try "| in domain" "a '|'" 'domain = "a|b.example";'
try "brackets in domain" 'a bracket' 'domain = "[domain.not]";'
try "brace in domain" 'a brace' 'domain = "{domain.not}";'
try "label over 63" 'label of 64' "domain = \"$(printf 'a%.0s' {1..64}).example\";"
try "name over 253" 'at most 253' "domain = \"$(for i in {1..26}; do printf 'abcdefghi.'; done)example\";"
try "leading hyphen" 'hyphen' 'domain = "-domain.not";'
try "trailing hyphen" 'hyphen' 'domain = "domain-.not";'
try "leading dot" 'starts with a dot' 'domain = ".domain.not";'
try "trailing dot" 'ends with a dot' 'domain = "domain.not.";'
try "double dot" 'empty label' 'domain = "domain..not";'
try "single label" 'single label' 'domain = "localhost";'
try "empty domain" 'is empty' 'domain = "";'
try "non-ASCII domain" 'non-ASCII' 'domain = "dömain.not";'
try "IP as domain" 'numeric' 'domain = "192.0.2.1";'
try "odd IPv4 literal host" 'relay_host' 'relay_host = "1.2.3";'
try "octal-ish IPv4 host" 'relay_host' 'relay_host = "0x7f.1";'
try "IPv4 out of range" 'relay_host' 'relay_host = "256.1.1.1";'
try "bad IPv6 host" 'relay_host' 'relay_host = "2001:db8::zz";'
try "bracketed host" 'relay_host' 'relay_host = "[mx.domain.not]";'
try "host with port" 'relay_host' 'relay_host = "mx.domain.not:26";'
try "port 0" 'port 0' 'port = 0;'
try "port 65536" 'port 65536' 'port = 65536;'
try "port -1" 'port -1' 'port = -1;'
try "port as text" 'port must be a whole number' 'port = "26";'
try "recipient with space" 'a space' 'recipients = [ "a b@domain.not" ];'
try "recipient with quote" 'quote' 'recipients = [ "\"a\"@domain.not" ];'
try "recipient without local part or @" "no '@'" 'recipients = [ "domain.not" ];'
try "recipient outside the domain" 'is not in domain.not' 'recipients = [ "a@other.example" ];'
try "recipient with comma" 'comma' 'recipients = [ "a,b@domain.not" ];'
try "recipient with #" "a '#'" 'recipients = [ "#a@domain.not" ];'
try "recipient with newline" 'recipients\[1\]' 'recipients = [ "a@domain.not\nb" ];'
try "no recipients" 'recipients: none' 'recipients = [ ];'
try "no certificate" 'certificate: missing' 'fingerprints = [ ];'
try "fingerprint not hex" 'fingerprints\[1\]' 'fingerprints = [ "ZZ:11" ];'
try "fingerprint wrong length" 'fingerprints\[1\]' 'fingerprints = [ "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89" ];' 'digest = "sha256";'
try "unknown digest" 'digest' 'digest = "crc32";'
try "unknown pin kind" 'pin' 'pin = "key";'
try "domain a final destination" 'final destination' 'domain = "backup.example";' 'recipients = [ "a@backup.example" ];'
printf 'not a certificate\n' >"$T_TMP/garbage.pem"
try "garbage certificate" 'certificate' "certificate = \"$T_TMP/garbage.pem\";"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T_TMP/key.pem" 2>/dev/null
try "private key as certificate" 'private key' "certificate = \"$T_TMP/key.pem\";"
if grep -q "$(sed -n 2p "$T_TMP/key.pem")" "$T_TMP/err" "$T_TMP/out"; then
	not_ok "private key material not echoed"
else
	ok "private key material not echoed"
fi
truncate -s 1G "$T_TMP/huge.pem"
try "1 GB garbage certificate" 'too large' "certificate = \"$T_TMP/huge.pem\";"
rm -f "$T_TMP/huge.pem"
printf 'ok@domain.not\nbad one@domain.not\n' >"$T_TMP/r.txt"
try "bad line in recipients_file" 'line 2' "recipients_file = \"$T_TMP/r.txt\";"

try "@include of another file" 'directives such as @include' '@include "/etc/shadow"'
try "indented @include" 'h.cfg:2: directives' 'port = 26;' '  @include "."'
printf 'domain = "domain.not";\0\n' >"$T_TMP/nul.cfg"
"$MXPIN" apply -c "$D" "$T_TMP/nul.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
check "an answers file with a NUL byte is refused (65)" test $st -eq 65
check "the NUL refusal says so" grep -q 'NUL byte' "$T_TMP/err"

: >"$T_TMP/empty.cfg"
"$MXPIN" apply -c "$D" "$T_TMP/empty.cfg" >/dev/null 2>"$T_TMP/err"; st=$?
check "an empty answers file is refused (65), not a crash" test $st -eq 65
check "the empty file's refusal names the missing domain" \
    grep -q 'domain: missing' "$T_TMP/err"
: >"$T_TMP/empty.txt"
try "an empty recipients_file and no inline recipients" 'recipients: none given' \
    "recipients_file = \"$T_TMP/empty.txt\";"

check "nothing was written by any refused run" test "$before" = "$(tree_sum "$D")"
t_done
