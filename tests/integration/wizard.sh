#!/usr/bin/env bash
# The wizard, driven through the real binary in a private tmux server
# (send-keys, capture-pane), as tmux's regress/ drives a real tmux.  Every
# wait polls the screen for the text the step must show; no bare sleeps.
# What the wizard writes is compared byte for byte (cmp) with what
# mxpin apply writes from the same answers on an identical scratch dir.
. "$(dirname "$0")/../lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	skip "wizard in tmux" "tmux is not installed"
	t_done
	exit 0
fi

TM=(tmux -L "mxpin-test-$$" -f /dev/null)
at_exit "tmux -L mxpin-test-$$ kill-server"
# A server with an idle session holding it up; panes stay after their
# program exits so the exit status and last screen can be read.
"${TM[@]}" new-session -d -s base -x 80 -y 24 "sleep 86400"
"${TM[@]}" set-option -g remain-on-exit on
"${TM[@]}" set-option -g default-terminal screen-256color >/dev/null 2>&1

make_cert "$T_TMP" primary
make_cert "$T_TMP" renewed
make_cert "$T_TMP" third
FP=$(openssl_fp "$T_TMP/primary.pem" sha256)
FP2=$(openssl_fp "$T_TMP/renewed.pem" sha256)
FP3=$(openssl_fp "$T_TMP/third.pem" sha256)
FILES="main.cf relay_recipient_maps.cf transport_maps.cf tls_policy.cf"

N=0
S=
# run ENV... -- ARGS...: a new 80x24 session running the wizard.
run() {
	local envs=()
	while [ "$1" != -- ]; do envs+=(-e "$1"); shift; done
	shift
	N=$((N + 1))
	S=w$N
	"${TM[@]}" new-session -d -s "$S" -x 80 -y 24 -e LANG=C.UTF-8 \
	    "${envs[@]}" "$T_TMP/wrap.sh $*"
}
# The wrapper reports the exit status and the terminal's modes on the
# screen once the wizard is gone (tmux's own pane_dead_status is lost now
# and then under the sanitizers), then keeps the pane alive.
cat >"$T_TMP/wrap.sh" <<EOT
#!/bin/sh
cd '$T_TMP'
'$MXPIN' "\$@"
st=\$?
modes=\$(stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo|isig)' | tr '\n' ' ')
echo "mxpin-exit=\$st tty: \$modes"
# Stay: tmux redraws a dead pane, and the screen is what we check.
exec sleep 86400
EOT
chmod +x "$T_TMP/wrap.sh"
scr()    { "${TM[@]}" capture-pane -p -t "$S"; }
has()    { scr | grep -qF -- "$1"; }
lacks()  { ! has "$1"; }
row()    { scr | sed -n "$1p"; }
keys()   { "${TM[@]}" send-keys -t "$S" "$@"; }
typ()    { "${TM[@]}" send-keys -t "$S" -l -- "$1"; }
dead()   { has "mxpin-exit="; }
status() { scr | sed -n 's/^mxpin-exit=\([0-9]*\).*/\1/p'; }
# see TEXT [SECONDS]: waits for TEXT on the screen.
see()    { wait_for "${2:-10}" has "$1"; }
# expect NAME TEXT: one test, passing when TEXT shows up.
expect() {
	if see "$2"; then ok "$1"; else not_ok "$1" "waited for: $2" "$(scr)"; fi
}
# step N NAME: the step bar shows step N as current.
at_step() { has "[$1 $2]"; }
stays() {	# stays NAME N STEPNAME: Enter refused, still on that step
	keys Enter
	# the refusal redraws; the step bar must still show the same step
	if see "[$2 $3]" 2 && ! has "[$(($2 + 1)) "; then ok "$1"; else
		not_ok "$1" "$(scr)"; fi
}
exited0() { has "mxpin-exit=0 "; }
restored() { has "tty: " && ! scr | grep -q 'tty: .*-\(icanon\|echo\|isig\)'; }
ended() {	# ended NAME: the wizard exited 0
	if wait_for 30 exited0; then ok "$1"; else
		not_ok "$1" "status $(status)" "$(scr)"; fi
}
# flat: the screen's text without the frame, wrapped lines joined (a
# wrapped fingerprint reads whole again).
flat() { scr | sed 's/^[│|]//; s/[│|]$//; s/^ *//; s/ *$//' | tr -d '\n'; }
flat_has() { flat | grep -qF -- "$1"; }
same_files() {	# same_files NAME DIR1 DIR2
	local f bad=
	for f in $FILES; do cmp -s "$2/$f" "$3/$f" || bad="$bad $f"; done
	if [ -z "$bad" ]; then ok "$1"; else
		not_ok "$1" "differ:$bad" "$(diff -u "$2/tls_policy.cf" "$3/tls_policy.cf")"; fi
}
answers() {	# answers FILE CERT KEEP
	cat >"$1" <<EOT
domain = "domain.not";
relay_host = "mx.domain.not";
port = 26;
recipients = [ "first.last@domain.not", "second@domain.not" ];
certificate = "$2";
keep_previous = $3;
EOT
}

WA=$(new_confdir wizard)
AA=$(new_confdir apply)

# --- 1. first-time setup, every step, invalid input, Esc, resize --------
run -- -c "$WA"
expect "step 1 asks for the domain, cursor in the Domain field" \
    "Which mail domain does this server hold mail for"
header() { row 1 | grep -qF "$WA  Postfix $(postconf -h mail_version)  APPLY"; }
check "the header names the config dir, the Postfix version and the mode" header
keys F1
expect "F1 help names the Postfix parameter and its current value" \
    "Writes relay_domains (now:"
keys q
see "Which mail domain" 5
typ "bad_domain"
expect "an invalid domain shows its reason beside the field" 'domain "bad_domain"'
stays "Enter does not leave step 1 while the domain is invalid" 1 Domain
keys C-u
typ "domain.not"
expect "a valid domain says so as it is typed" "ok: a valid domain"
check "the domain screen shows relay_domains now and then" has "then: domain.not"
keys Enter
expect "Enter on a valid domain goes to step 2" "[2 Primary]"
check "the host is pre-filled with the domain" has "[domain.not "
keys Escape
expect "Esc goes back to step 1" "[1 Domain]"
check "Esc back keeps the domain typed" has "[domain.not "
keys Enter
see "[2 Primary]"
keys C-u
typ "mx.domain.not"
keys Tab C-u
typ "70000"
expect "an invalid port shows its reason" "70000"
check "the port reason says what a TCP port is" has "1-65535"
stays "Enter does not leave step 2 while the port is invalid" 2 Primary
keys C-u
typ "26"
expect "step 2 shows the transport entry before anything is written" \
    "domain.not  smtp:[mx.domain.not]:26"
check "step 2 shows the policy key, the same [host]:port" \
    has "[mx.domain.not]:26  fingerprint match="
keys Enter
expect "step 3 asks for recipients" "Who may receive mail"
typ "x@other.example"
keys Enter
expect "an address outside the domain is refused with a reason" "is not in domain.not"
check "the refused address stays in the field to fix" has "[x@other.example"
keys C-u
typ "first.last@domain.not"
keys Enter
see "added first.last@domain.not"
typ "second@domain.not"
keys Enter
see "2 addresses"
typ "Second@DOMAIN.not"
keys Enter
expect "a duplicate (any case) is merged and counted" "1 dupe merged"
# Resize mid-run: larger, compact, then back to 80x24; each time the
# frame must be redrawn for the new size (the box's top edge spans it).
top_edge() { row 3 | grep -qE "^┌─{$(($1 - 2))}┐\$"; }
compact() { ! row 3 | grep -q '┌'; }
"${TM[@]}" resize-window -t "$S" -x 100 -y 30
if wait_for 10 top_edge 100 && has "2 addresses, 1 dupe merged"; then
	ok "a resize to 100x30 redraws the frame at the new size"
else not_ok "a resize to 100x30 redraws the frame at the new size" "$(scr)"; fi
"${TM[@]}" resize-window -t "$S" -x 60 -y 16
if wait_for 10 compact && has "Recipients" && has "first.last@domain.not"; then
	ok "a compact layout below 80x24 still shows the step"
else not_ok "a compact layout below 80x24 still shows the step" "$(scr)"; fi
"${TM[@]}" resize-window -t "$S" -x 80 -y 24
if wait_for 10 top_edge 80 && has "2 addresses, 1 dupe merged" && ! dead; then
	ok "back at 80x24 the boxed frame returns, answers intact, no crash"
else not_ok "back at 80x24 the boxed frame returns" "$(scr)"; fi
keys Enter
expect "Enter on an empty line goes to step 4" "[4 Certificate]"
keys Escape
expect "Esc from step 4 goes back to the recipients" "[3 Recipients]"
check "Esc back keeps the recipient list" has "2 addresses"
keys Enter
see "[4 Certificate]"
typ "$T_TMP/primary.key"
expect "a private key is recognised and explained" "private key"
stays "Enter does not leave step 4 without a certificate" 4 Certificate
keys C-u
typ "$T_TMP/primary"
keys Tab
see "2 names match" 5
typ "pem"
expect "the fingerprint follows the path as it is typed" "match=${FP:0:60}"
check "the subject is shown" has "CN=primary.example"
check "the SANs are shown" has "mail.primary.example"
check "the key type is shown" has "EC P-256"
# The fingerprint wraps whole: every pair of it is on the screen.
if flat_has "match=$FP"; then
	ok "the fingerprint wraps, never cut"
else not_ok "the fingerprint wraps, never cut" "$(scr)"; fi
keys Enter
expect "step 5 shows the diff of main.cf" "+relay_domains = domain.not"
check "step 5 has a tab per file with counts" has " main.cf +"
keys n
expect "n jumps to the next file" "+++ b$WA/relay_recipient_maps.cf"
keys End
expect "the commands that will run are listed" "postmap -q '[mx.domain.not]:26'"
check "the warnings are shown (subdomains of the domain)" \
    flat_has "Warning: relay_domains also matches subdomains"
check "the maximal_queue_lifetime note is shown" \
    flat_has "maximal_queue_lifetime"
keys Home
keys Enter
expect "apply reports each step with its outcome" "ok   verify" 20
check "apply names the backup it made" has "ok   backup    $WA/mxpin.bak/"
expect "apply ends with its result" "Applied."
keys Enter
expect "then the done screen says how to undo" "mxpin undo -c $WA"
check "and how to rotate" has "mxpin --rotate"
check "the done screen names the backups" has "$WA/mxpin.bak/"
keys Enter
ended "the wizard exits 0 after applying"
check "the terminal modes are restored after the wizard" restored

answers "$T_TMP/a1.cfg" "$T_TMP/primary.pem" false
"$MXPIN" apply -c "$AA" "$T_TMP/a1.cfg" >"$T_TMP/apply1.out" 2>&1
check "mxpin apply with the same answers succeeds" test $? -eq 0
same_files "the wizard's files are byte-identical to mxpin apply's" "$WA" "$AA"
check "the policy pins the primary's certificate" \
    grep -qF "[mx.domain.not]:26	fingerprint match=$FP" "$WA/tls_policy.cf"

# --- 2. dry run: writes nothing, saves the answers; NO_COLOR ---------------
WD=$(new_confdir dry)
AD=$(new_confdir dry-apply)
before=$(tree_sum "$WD")
run NO_COLOR=1 -- --dry-run -c "$WD"
see "Which mail domain"
check "the header shows DRY RUN" has "DRY RUN"
typ "domain.not"
keys Enter
see "[2 Primary]"
keys C-u
typ "mx.domain.not"
keys Tab C-u
typ "26"
see "smtp:[mx.domain.not]:26"
keys Enter
see "Who may receive"
typ "first.last@domain.not"
keys Enter
see "1 address"
typ "second@domain.not"
keys Enter
see "2 addresses"
keys Enter
see "[4 Certificate]"
typ "$T_TMP/primary.pem"
see "match="
if "${TM[@]}" capture-pane -e -p -t "$S" | grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|4[0-7]|9[0-7]|38;5|48;5)[;m]'; then
	not_ok "NO_COLOR: no colour escapes on the screen" \
	    "$("${TM[@]}" capture-pane -e -p -t "$S" | cat -v | head -20)"
else ok "NO_COLOR: no colour escapes on the screen"; fi
keys Enter
see "main.cf +"
keys Enter
expect "the dry-run apply step says nothing was written" "Dry run: nothing was written"
keys C-u
typ "$T_TMP/saved.cfg"
keys Enter
ended "the dry run exits 0 after saving the answers"
check "the dry run wrote nothing in the config dir" test "$before" = "$(tree_sum "$WD")"
check "the answers file was saved" test -s "$T_TMP/saved.cfg"
"$MXPIN" apply -c "$AD" "$T_TMP/saved.cfg" >"$T_TMP/apply2.out" 2>&1
check "mxpin apply accepts the saved answers" test $? -eq 0
same_files "the saved answers give the same files as the wizard's setup" "$WA" "$AD"

# Colour is on when NO_COLOR is not set (so the check above means something).
run -- --dry-run -c "$WD"
see "Which mail domain"
typ "bad_domain"
see 'domain "bad_domain"'
if "${TM[@]}" capture-pane -e -p -t "$S" | grep -qE $'\e\\[([0-9;]*;)?3[0-7][;m]'; then
	ok "without NO_COLOR the reason is coloured"
else not_ok "without NO_COLOR the reason is coloured"; fi
# F10 asks first when there are unsaved answers; n stays, y quits.
keys F10
expect "F10 with unsaved answers asks first" "Quit?"
keys n
see "[1 Domain]"
check "n keeps the wizard running" test "$(dead && echo d)" != d
keys C-q
see "Quit?"
keys y
ended "Ctrl-Q then y quits with status 0"
check "quitting wrote nothing" test "$before" = "$(tree_sum "$WD")"

# --- 3. rotation, keeping the old pin (mxpin --rotate) -----------------------
run -- --rotate -c "$WA"
expect "--rotate starts at the certificate step" "[4 Certificate]"
check "rotation shows the pin in force" has "In force for [mx.domain.not]:26: 1 pin"
check "rotation pre-fills the certificate path" has "[$T_TMP/primary.pem"
check "the old pin is kept by default" has "keep beside the new one"
keys C-u
typ "$T_TMP/renewed.pem"
see "match=${FP2:0:60}"
keys Enter
see "main.cf"
if wait_for 10 flat_has "match=$FP|$FP2"; then ok "the review shows both pins, old|new"
else not_ok "the review shows both pins, old|new" "$(scr)"; fi
keys Enter
see "Applied." 20
keys Enter
see "mxpin undo -c"
keys Enter
ended "rotation with the old pin kept exits 0"
answers "$T_TMP/a2.cfg" "$T_TMP/renewed.pem" true
"$MXPIN" apply -c "$AA" "$T_TMP/a2.cfg" >"$T_TMP/apply3.out" 2>&1
check "mxpin apply of the same rotation succeeds" test $? -eq 0
same_files "rotation (keep): files byte-identical to mxpin apply's" "$WA" "$AA"
check "rotation (keep): the policy holds old|new" \
    grep -qF "match=$FP|$FP2" "$WA/tls_policy.cf"

# --- 4. rotation replacing the pin (the state file alone starts it) ------
run -- -c "$WA"
expect "with a state file the wizard starts in rotation" "[4 Certificate]"
check "two pins in force are shown" has "2 pins"
keys C-u
typ "$T_TMP/third.pem"
see "match=${FP3:0:60}"
keys Down Down Down
see "keep beside the new one"
keys Right
expect "the old pins can be replaced instead" "replace it (match=new)"
keys Enter
see "main.cf"
keys Enter
see "Applied." 20
keys Enter
see "mxpin undo -c"
keys Enter
ended "rotation replacing the pin exits 0"
answers "$T_TMP/a3.cfg" "$T_TMP/third.pem" false
"$MXPIN" apply -c "$AA" "$T_TMP/a3.cfg" >"$T_TMP/apply4.out" 2>&1
check "mxpin apply of the same replacement succeeds" test $? -eq 0
same_files "rotation (replace): files byte-identical to mxpin apply's" "$WA" "$AA"
check "rotation (replace): only the new pin is left" \
    test "$(postmap -q '[mx.domain.not]:26' "hash:$WA/tls_policy.cf")" = "fingerprint match=$FP3"

# --- 5. SIGTERM restores the terminal -------------------------------------
run -- --dry-run -c "$WD"
see "Which mail domain"
typ "domain.not"
see "ok: a valid domain"
pid=$(pgrep -P "$("${TM[@]}" display-message -p -t "$S" '#{pane_pid}')" -x mxpin)
kill -TERM "$pid"
expect "SIGTERM ends the wizard with a message" "stopped by signal 15; nothing was written"
wait_for 15 dead
check "SIGTERM exits by the signal (143)" test "$(status)" = 143
check "the wizard's screen is gone (the terminal left the alternate screen)" \
    lacks "Which mail domain"
check "the terminal modes are restored (icanon, echo, isig)" restored

# --- 6. no terminal ----------------------------------------------------------
out=$("$MXPIN" -c "$WA" </dev/null 2>&1); st=$?
check "without a terminal the wizard exits 64" test $st -eq 64
check "and says to use mxpin apply" grep -qF "the wizard needs a terminal; use mxpin apply ANSWERS.cfg" <<<"$out"

t_done
