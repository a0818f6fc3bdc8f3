#!/usr/bin/env bash
# mxpin-test: once
# Each applied change is logged to syslog (facility mail, ident mxpin) with
# the pins in force; make install puts the binary, templates and man page
# under DESTDIR/PREFIX, and the installed binary finds its templates.
. "$(dirname "$0")/../lib.sh"

D=$(new_confdir syslog)
make_cert "$T_TMP" primary
FP=$(openssl_fp "$T_TMP/primary.pem" sha256)
cat >"$T_TMP/a.cfg" <<EOT
domain = "domain.not";
recipients = [ "a@domain.not" ];
certificate = "$T_TMP/primary.pem";
EOT
# No syslog daemon is needed: strace shows what mxpin sends to /dev/log
# (its connect is made to succeed, so the message is visible even here).
strace -qq -s 2000 -e trace=connect,sendto,send -e inject=connect:retval=0 \
    -o "$T_TMP/sys.log" "$MXPIN" apply -c "$D" "$T_TMP/a.cfg" >/dev/null 2>&1
check "apply exits 0 under strace" test $? -eq 0
msg=$(grep -o '"<[0-9]*>[^"]*mxpin\[[0-9]*\]: [^"]*"' "$T_TMP/sys.log" | head -1)
check "a syslog message from ident mxpin was sent" test -n "$msg"
check "facility mail, level info (<22>)" grep -q '^"<22>' <<<"$msg"
check "the message names the domain and next-hop" grep -qF 'domain=domain.not nexthop=[domain.not]' <<<"$msg"
check "the message carries the pins in force" grep -qF "pins=$FP" <<<"$msg"
strace -qq -s 2000 -e trace=connect,sendto,send -e inject=connect:retval=0 \
    -o "$T_TMP/sys2.log" "$MXPIN" apply -c "$D" "$T_TMP/a.cfg" >/dev/null 2>&1
check "a run that changes nothing logs nothing" bash -c "! grep -q 'mxpin\[' '$T_TMP/sys2.log'"

# make install
if make -s -C "$TOP" install DESTDIR="$T_TMP/inst" PREFIX=/usr/local >"$T_TMP/inst.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr/local"
else
	not_ok "make install DESTDIR=... PREFIX=/usr/local" "$(tail -5 "$T_TMP/inst.log")"
fi
I=$T_TMP/inst/usr/local
check "binary in sbin" test -x "$I/sbin/mxpin"
check "templates in share/mxpin" test -f "$I/share/mxpin/entries.conf" -a -f "$I/share/mxpin/mxpin.cfg.example"
check "man page mxpin(8)" test -f "$I/share/man/man8/mxpin.8"
E=$(new_confdir installed)
out=$("$I/sbin/mxpin" apply --dry-run -c "$E" "$T_TMP/a.cfg" 2>&1)
check "the installed binary finds its templates" grep -q 'would change 4 files' <<<"$out"
check "the example answers file is valid for mxpin apply" \
    bash -c "sed 's#/path/to/ssl-cert.pem#$T_TMP/primary.pem#' '$I/share/mxpin/mxpin.cfg.example' >'$T_TMP/ex.cfg' && '$MXPIN' apply --dry-run -c '$E' '$T_TMP/ex.cfg' >/dev/null 2>&1"
t_done
