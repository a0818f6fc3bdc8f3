#!/usr/bin/env bash
# fingerprint.sh: mxpin fingerprint prints what openssl computes, for every
# key type, file form and digest; refuses what is not a certificate with
# the right exit code and without echoing the file; uses a chain's leaf.
. "$(dirname "$0")/../lib.sh"

D=$T_TMP
OUT=$D/out ERR=$D/err

# run ARGS...: runs mxpin, stdout in $OUT, stderr in $ERR, status in $RC.
run() {
	"$MXPIN" "$@" >"$OUT" 2>"$ERR"
	RC=$?
}
# expect NAME SHELL-CONDITION: one test, evaluating the condition.
expect() {
	local name=$1
	if eval "$2"; then
		ok "$name"
	else
		not_ok "$name" "condition: $2" "exit $RC, stdout: $(head -c 300 "$OUT")" \
		    "stderr: $(head -c 300 "$ERR")"
	fi
}

# Certificates: EC P-256 and RSA 2048 from lib.sh, Ed25519 here.
make_cert "$D" ec ec
make_cert "$D" rsa rsa
openssl req -x509 -newkey ed25519 -nodes -keyout "$D/ed25519.key" \
    -out "$D/ed25519.pem" -days 90 -subj "/CN=ed25519.example" \
    -addext "subjectAltName=DNS:ed25519.example" 2>/dev/null
for k in ec rsa ed25519; do
	openssl x509 -in "$D/$k.pem" -outform DER -out "$D/$k.der"
done

# Every key type, PEM and DER, every digest, certificate and public key:
# the output is openssl's, one line, nothing on stderr.
for k in ec rsa ed25519; do
	for dg in md5 sha1 sha256 sha512; do
		want=$(openssl_fp "$D/$k.pem" "$dg")
		wantpk=$(openssl_pubkey_fp "$D/$k.pem" "$dg")
		for mode in cert pubkey; do
			w=$want opt=()
			[ $mode = pubkey ] && w=$wantpk opt=(--pubkey)
			bad=
			for form in pem der; do
				run fingerprint --digest "$dg" "${opt[@]}" \
				    "$D/$k.$form"
				if [ $RC -ne 0 ] || [ "$(cat "$OUT")" != "$w" ] ||
				    [ "$(wc -l <"$OUT")" -ne 1 ] || [ -s "$ERR" ]; then
					bad="$form: exit $RC, got '$(cat "$OUT")', want '$w', stderr '$(cat "$ERR")'"
					break
				fi
			done
			if [ -z "$bad" ]; then
				ok "$k $dg $mode fingerprint equals openssl's (PEM and DER)"
			else
				not_ok "$k $dg $mode fingerprint equals openssl's (PEM and DER)" "$bad"
			fi
		done
	done
done

# The two kinds of fingerprint differ (--pubkey is not ignored).
run fingerprint "$D/ec.pem"; a=$(cat "$OUT")
run fingerprint --pubkey "$D/ec.pem"; b=$(cat "$OUT")
expect "--pubkey changes the fingerprint" '[ -n "$a" ] && [ "$a" != "$b" ]'

# Default digest: sha256, uppercase hex pairs joined by ':'.
run fingerprint "$D/rsa.pem"
check "default digest is sha256" [ "$(cat "$OUT")" = "$(openssl_fp "$D/rsa.pem" sha256)" ]
check "output is the match= form" grep -qxE '([0-9A-F]{2}:){31}[0-9A-F]{2}' "$OUT"
run fingerprint --digest=SHA1 "$D/rsa.pem"
check "--digest=NAME, any case" [ "$(cat "$OUT")" = "$(openssl_fp "$D/rsa.pem" sha1)" ]

# A chain file: the first (leaf) certificate, noted on stderr.
cat "$D/ec.pem" "$D/rsa.pem" "$D/ed25519.pem" >"$D/fullchain.pem"
run fingerprint "$D/fullchain.pem"
if [ $RC -eq 0 ] && [ "$(cat "$OUT")" = "$(openssl_fp "$D/ec.pem" sha256)" ]; then
	ok "chain file: the first certificate's fingerprint"
else
	not_ok "chain file: the first certificate's fingerprint" "exit $RC, $(cat "$OUT")"
fi
check "chain file: stderr says a chain of 3, first one used" \
    grep -q "^mxpin: .*fullchain.pem holds a chain of 3 certificates: using the first" "$ERR"
run fingerprint --pubkey "$D/fullchain.pem"
check "chain file: --pubkey is the leaf's key" \
    [ "$(cat "$OUT")" = "$(openssl_pubkey_fp "$D/ec.pem" sha256)" ]
cat "$D/rsa.der" "$D/ec.der" >"$D/chain.der"
run fingerprint "$D/chain.der"
expect "DER chain: the first certificate, noted on stderr" \
    '[ "$(cat "$OUT")" = "$(openssl_fp "$D/rsa.pem" sha256)" ] &&
    grep -q "holds a chain of 2 certificates" "$ERR"'

# Key and certificate in one file (either order): the certificate.
cat "$D/rsa.key" "$D/rsa.pem" >"$D/combined.pem"
run fingerprint "$D/combined.pem"
expect "key + certificate in one PEM: the certificate is used" \
    '[ $RC -eq 0 ] && [ "$(cat "$OUT")" = "$(openssl_fp "$D/rsa.pem" sha256)" ]'

cat "$D/ed25519.pem" "$D/ed25519.key" >"$D/combined2.pem"
run fingerprint "$D/combined2.pem"
expect "certificate + key in one PEM: the certificate is used" \
    '[ $RC -eq 0 ] && [ "$(cat "$OUT")" = "$(openssl_fp "$D/ed25519.pem" sha256)" ]'

# TRUSTED CERTIFICATE (openssl x509 -trustout): the same certificate.
openssl x509 -in "$D/ec.pem" -trustout -addtrust serverAuth -out "$D/trusted.pem"
run fingerprint "$D/trusted.pem"
expect "TRUSTED CERTIFICATE block is accepted" \
    '[ $RC -eq 0 ] && [ "$(cat "$OUT")" = "$(openssl_fp "$D/ec.pem" sha256)" ]'

# CRLF line ends (a file from Windows).
sed 's/$/\r/' "$D/ec.pem" >"$D/crlf.pem"
run fingerprint "$D/crlf.pem"
check "CRLF PEM is accepted" [ "$(cat "$OUT")" = "$(openssl_fp "$D/ec.pem" sha256)" ]

# Refusals.  Files that hold a secret or other content must not leak any
# line of it into stdout or stderr.
openssl pkey -in "$D/ec.key" -out "$D/pkcs8.key"		# PRIVATE KEY
openssl pkey -in "$D/ec.key" -traditional -out "$D/sec1.key"	# EC PRIVATE KEY
openssl pkey -in "$D/rsa.key" -traditional -out "$D/pkcs1.key"	# RSA PRIVATE KEY
openssl pkcs8 -topk8 -in "$D/ec.key" -passout pass:secret -out "$D/enc.key"
openssl pkey -in "$D/rsa.key" -outform DER -out "$D/key.der"
openssl pkcs8 -topk8 -in "$D/ec.key" -passout pass:secret -outform DER -out "$D/enc.der"
openssl req -new -key "$D/ec.key" -subj "/CN=csr.example" -out "$D/csr.pem"
openssl req -in "$D/csr.pem" -outform DER -out "$D/csr.der"
openssl pkey -in "$D/ec.key" -pubout -out "$D/pub.pem"
openssl pkey -in "$D/ec.key" -pubout -outform DER -out "$D/pub.der"
: >"$D/empty.pem"
printf 'hello, this is not a certificate\nsecond line of text here\n' >"$D/text.txt"
head -c 4096 /dev/urandom >"$D/random.bin"
openssl pkcs12 -export -in "$D/ec.pem" -inkey "$D/ec.key" -passout pass:x \
    -out "$D/bundle.p12"
truncate -s 1G "$D/huge.pem"

# no_leak FILE: no line of FILE's text (nor its base64, for binary files)
# appears in $OUT or $ERR.
no_leak() {
	local pats=$D/pats
	{ grep -av '^-----' "$1"; base64 -w 64 "$1"; } | grep -a '.\{12,\}' >"$pats"
	! grep -qaF -f "$pats" "$OUT" "$ERR"
}

# refused FILE CODE PHRASE: exit CODE, nothing on stdout, one line on
# stderr "mxpin: FILE PHRASE...", no content of FILE.
refused() {
	local f=$D/$1 code=$2 phrase=$3 name
	name="$1 refused (exit $code, \"$phrase\"), nothing of it echoed"
	run fingerprint "$f"
	if [ $RC -ne "$code" ]; then
		not_ok "$name" "exit $RC" "$(cat "$ERR")"
	elif [ -s "$OUT" ]; then
		not_ok "$name" "stdout: $(head -c 200 "$OUT")"
	elif [ "$(wc -l <"$ERR")" -ne 1 ] ||
	    ! grep -qF "mxpin: $f $phrase" "$ERR"; then
		not_ok "$name" "stderr: $(head -c 300 "$ERR")"
	elif [ -s "$f" ] && [ "$(stat -c %s "$f")" -lt 1000000 ] && ! no_leak "$f"; then
		not_ok "$name" "content of the file in the output"
	else
		ok "$name"
	fi
}

key_msg="holds a private key, not a certificate: choose the certificate file (often fullchain.pem or cert.pem)"
refused ec.key 65 "$key_msg"
refused pkcs8.key 65 "$key_msg"
refused sec1.key 65 "$key_msg"
refused pkcs1.key 65 "$key_msg"
refused enc.key 65 "$key_msg"
refused key.der 65 "$key_msg"
refused enc.der 65 "$key_msg"
refused csr.pem 65 "holds a certificate signing request, not a certificate"
refused csr.der 65 "holds a certificate signing request, not a certificate"
refused pub.pem 65 "holds a public key alone, not a certificate"
refused pub.der 65 "holds a public key alone, not a certificate"
refused empty.pem 65 "is empty"
refused text.txt 65 "is not a certificate (neither PEM nor DER)"
refused random.bin 65 "is not a certificate"
refused bundle.p12 65 "holds a PKCS#12 bundle"

start=$(date +%s%N)
refused huge.pem 65 "is too large to be a certificate"
ms=$((($(date +%s%N) - start) / 1000000))
check "a 1 GB file is refused without reading it (${ms} ms)" [ $ms -lt 2000 ]

# A damaged leaf is refused, not replaced by the next certificate.
{ sed '3s/^./!/' "$D/ec.pem"; cat "$D/rsa.pem"; } >"$D/damaged.pem"
refused damaged.pem 65 "holds a damaged certificate"

# Missing and unopenable files: 66.
run fingerprint "$D/no-such.pem"
check "missing file: exit 66" [ $RC -eq 66 ]
check "missing file: says why" grep -q "^mxpin: .*no-such.pem: No such file or directory" "$ERR"
run fingerprint "$D"
check "a directory: exit 66" [ $RC -eq 66 ]

# Usage errors: 64, with the usage line.
run fingerprint --digest sha384 "$D/ec.pem"
expect "bad digest: exit 64" '[ $RC -eq 64 ] && [ ! -s "$OUT" ]'
check "bad digest: names the choices" grep -q "^mxpin: fingerprint: unknown digest 'sha384': use md5, sha1, sha256 or sha512" "$ERR"
run fingerprint "$D/ec.pem" --digest
check "--digest without a value: exit 64" [ $RC -eq 64 ]
run fingerprint --bogus "$D/ec.pem"
expect "unknown option: exit 64" '[ $RC -eq 64 ] && grep -q "unknown option --bogus" "$ERR"'
run fingerprint
expect "no file argument: exit 64" '[ $RC -eq 64 ] && grep -q "usage: mxpin fingerprint" "$ERR"'
run fingerprint "$D/ec.pem" "$D/rsa.pem"
check "two file arguments: exit 64" [ $RC -eq 64 ]
run fingerprint --help
expect "--help: usage on stdout, exit 0" '[ $RC -eq 0 ] && grep -q "usage: mxpin fingerprint" "$OUT"'

# -c DIR: the config's smtp_tls_fingerprint_digest is the default.
cf=$(new_confdir conf)
if /usr/sbin/postconf -c "$cf" -xh smtp_tls_fingerprint_digest >/dev/null 2>&1; then
	run fingerprint -c "$cf" "$D/ec.pem"
	expect "-c DIR: compatibility_level 3.6 means sha256" \
	    '[ $RC -eq 0 ] && [ "$(cat "$OUT")" = "$(openssl_fp "$D/ec.pem" sha256)" ]'
	echo "smtp_tls_fingerprint_digest = sha1" >>"$cf/main.cf"
	run fingerprint -c "$cf" "$D/ec.pem"
	check "-c DIR: the config's digest (sha1)" \
	    [ "$(cat "$OUT")" = "$(openssl_fp "$D/ec.pem" sha1)" ]
	run fingerprint -c "$cf" --digest md5 "$D/ec.pem"
	check "-c DIR: --digest wins over the config" \
	    [ "$(cat "$OUT")" = "$(openssl_fp "$D/ec.pem" md5)" ]
	echo "smtp_tls_fingerprint_digest = sha384" >>"$cf/main.cf"
	run fingerprint -c "$cf" "$D/ec.pem"
	expect "-c DIR: a digest Postfix cannot use is a config error (78)" \
	    '[ $RC -eq 78 ] && grep -q "smtp_tls_fingerprint_digest" "$ERR"'
else
	skip "-c DIR" "postconf -c does not work here"
fi

t_done
