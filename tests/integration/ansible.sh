#!/usr/bin/env bash
# mxpin-test: once
# ansible.sh: the playbook tests/ansible/mxpin.yml (the README's "Ansible"
# example, checked to be the same text) run by ansible-playbook against
# localhost on scratch config dirs, through `mxpin apply --json`:
#   - a first run ships the answers and applies them (mxpin's task changed);
#   - a second run changes nothing (changed=0, no file touched);
#   - --check on a fresh dir reports the change and writes no file;
#   - --check --diff shows mxpin's diff lines;
#   - a hostile answers file fails the task, mxpin's message in the output.
# Installs nothing: Debian's ansible-core comes from .ci/install-deps.
. "$(dirname "$0")/../lib.sh"

PLAYBOOK=$TOP/tests/ansible/mxpin.yml
if ! ansible-playbook --version >/dev/null 2>&1; then
	skip "ansible playbook" "ansible-playbook missing (Debian package ansible-core)"
	t_done
	exit 0
fi

# No user or system config, no state outside the test's tmp, plain output.
mkdir -p "$T_TMP/ansible/home" "$T_TMP/ansible/local" "$T_TMP/ansible/remote"
printf '[defaults]\n' >"$T_TMP/ansible/ansible.cfg"
export ANSIBLE_CONFIG=$T_TMP/ansible/ansible.cfg
export ANSIBLE_HOME=$T_TMP/ansible/home
export ANSIBLE_LOCAL_TEMP=$T_TMP/ansible/local
export ANSIBLE_REMOTE_TEMP=$T_TMP/ansible/remote
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
export ANSIBLE_STDOUT_CALLBACK=default
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
export ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PIPELINING=1
export ANSIBLE_GATHERING=explicit

make_cert "$T_TMP" primary
FP=$(openssl_fp "$T_TMP/primary.pem" sha256)
answers() {	# answers FILE DOMAIN
	cat >"$1" <<EOT
domain = "$2";
relay_host = "mx.domain.not";
port = 26;
recipients = [ "first.last@domain.not" ];
certificate = "$T_TMP/primary.pem";
EOT
}
answers "$T_TMP/a.cfg" domain.not

# play NAME CONFDIR ANSWERS [ansible-playbook args...]: output in NAME.out,
# status in st.
play() {
	local n=$1 dir=$2 src=$3; shift 3
	ansible-playbook -i localhost, -c local "$PLAYBOOK" \
	    -e "{\"mxpin_bin\": \"$MXPIN\", \"mxpin_confdir\": \"$dir\",
	        \"mxpin_answers_src\": \"$src\"}" "$@" >"$T_TMP/$n.out" 2>&1
	st=$?
}
# recap NAME FIELD: the PLAY RECAP count FIELD (ok, changed, failed...).
recap() {
	sed -n "s/^localhost *:.* $2=\([0-9]*\).*/\1/p" "$T_TMP/$1.out"
}
# task NAME TASK: how TASK ended ("ok", "changed", "fatal", "skipping").
task() {
	awk -v t="TASK [$2]" 'index($0, t) == 1 { f = 1; next }
	    f && /^(ok|changed|fatal|skipping):/ { sub(/:.*/, ""); print; exit }' \
	    "$T_TMP/$1.out"
}
APPLY="Apply the answers (a dry run in check mode)"
# shown NAME: prints the output of run NAME when a check of it failed.
shown() { sed 's/^/#   | /' "$T_TMP/$1.out" | tail -40; }

check "the README's Ansible example is the tested playbook" python3 -c '
import sys
readme = open(sys.argv[1]).read()
block = "".join(("    " + l) if l.strip() else l
    for l in open(sys.argv[2]).read().splitlines(True))
sys.exit(0 if block in readme else 1)' "$TOP/README" "$PLAYBOOK"

# --- first run: applies ----------------------------------------------------------
A=$(new_confdir first)
play first "$A" "$T_TMP/a.cfg"
check "first run: ansible-playbook exits 0" test $st -eq 0 || shown first
check "first run: mxpin's task reports changed" test "$(task first "$APPLY")" = changed
check "first run: PLAY RECAP changed=2 (answers shipped, mxpin applied), failed=0" \
    test "$(recap first changed)/$(recap first failed)" = 2/0
check "first run: the answers file was shipped" cmp -s "$T_TMP/a.cfg" "$A/mxpin-answers.cfg"
check "first run: the pin is in force (postmap -q)" \
    test "$(postmap -q '[mx.domain.not]:26' "hash:$A/tls_policy.cf")" = "fingerprint match=$FP"
check "first run: no diffs shown without --diff" \
    test "$(task first 'Show the diffs')" = skipping

# --- second run: idempotent ---------------------------------------------------------
before=$(tree_sum "$A")
play second "$A" "$T_TMP/a.cfg"
check "second run: ansible-playbook exits 0" test $st -eq 0 || shown second
check "second run: PLAY RECAP changed=0, failed=0" \
    test "$(recap second changed)/$(recap second failed)" = 0/0
check "second run: mxpin's task ok (not changed)" test "$(task second "$APPLY")" = ok
check "second run: touches no file" test "$before" = "$(tree_sum "$A")"
play secondcheck "$A" "$T_TMP/a.cfg" --check
check "--check after the apply: changed=0" \
    test "$st/$(recap secondcheck changed)" = 0/0 || shown secondcheck

# --- check mode on a fresh dir ---------------------------------------------------------
B=$(new_confdir check)
before=$(tree_sum "$B")
play check "$B" "$T_TMP/a.cfg" --check
check "--check: ansible-playbook exits 0" test $st -eq 0 || shown check
check "--check: mxpin's task reports changed (would change)" \
    test "$(task check "$APPLY")" = changed
check "--check: PLAY RECAP reports changes, failed=0" \
    test "$(recap check changed)" -ge 1 -a "$(recap check failed)" = 0
check "--check: no file changed in the config dir (answers not shipped)" \
    test "$before" = "$(tree_sum "$B")"
check "--check: no diff lines without --diff" \
    bash -c "! grep -qF 'fingerprint match=' '$T_TMP/check.out'"

# --- check and diff ----------------------------------------------------------------------
play diff "$B" "$T_TMP/a.cfg" --check --diff
check "--check --diff: ansible-playbook exits 0" test $st -eq 0 || shown diff
check "--check --diff: the main.cf diff header" \
    grep -qF "\"--- a$B/main.cf\"" "$T_TMP/diff.out"
check "--check --diff: main.cf's added relay_domains line" \
    grep -qF '"+relay_domains = domain.not"' "$T_TMP/diff.out"
check "--check --diff: the policy line with the pin under the next-hop" \
    grep -qF "\"+[mx.domain.not]:26\\tfingerprint match=$FP\"" "$T_TMP/diff.out"
check "--check --diff: one diff item per file" \
    test "$(grep -c "^ok: \[localhost\] => (item=$B/" "$T_TMP/diff.out")" -eq 4
check "--check --diff: still no file changed" test "$before" = "$(tree_sum "$B")"

# --- a hostile answers file ------------------------------------------------------------------
H=$(new_confdir hostile)
answers "$T_TMP/h.cfg" 'bad\ndomain.not'
before=$(tree_sum "$H")
play hostile "$H" "$T_TMP/h.cfg"
check "hostile: ansible-playbook fails" test $st -ne 0
check "hostile: mxpin's task is the one that failed (fatal)" \
    test "$(task hostile "$APPLY")" = fatal
check "hostile: PLAY RECAP failed=1" test "$(recap hostile failed)" = 1
check "hostile: mxpin's message in ansible's output" \
    grep -qF 'mxpin: domain \"bad\\ndomain.not\": contains a newline at position 4' "$T_TMP/hostile.out"
check "hostile: exit code 65 in the task result" grep -qF '"rc": 65' "$T_TMP/hostile.out"
check "hostile: nothing changed but the shipped answers" \
    test "$before" = "$(tree_sum "$H" | grep -v '^./mxpin-answers.cfg ')"
answers "$T_TMP/s.cfg" 'bad domain.not'
play space "$H" "$T_TMP/s.cfg" --check
check "hostile (space), --check: fails with mxpin's message" \
    grep -qF 'mxpin: domain \"bad domain.not\": contains a space' "$T_TMP/space.out"
check "hostile (space), --check: PLAY RECAP failed=1" \
    test $st -ne 0 -a "$(recap space failed)" = 1

t_done
