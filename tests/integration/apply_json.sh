#!/usr/bin/env bash
# apply_json.sh: `mxpin apply --json` on scratch config dirs.  Whatever the
# outcome (dry run, real apply, nothing to do, rotation, and every kind of
# failure after the command line is parsed) stdout is exactly one JSON
# document that Python's json module parses, with every key present and
# typed, the fields agreeing with the files and with the text mode, the
# exit status equal to error.code, and stderr holding nothing but the error
# line the text mode prints (notes and warnings are in the JSON only).
# Usage errors (64) stay plain text on stderr.
. "$(dirname "$0")/../lib.sh"

D=$(new_confdir base)
make_cert "$T_TMP" primary
make_cert "$T_TMP" renewed
FP=$(openssl_fp "$T_TMP/primary.pem" sha256)
FP2=$(openssl_fp "$T_TMP/renewed.pem" sha256)

std_answers "$T_TMP/a.cfg" "certificate = \"$T_TMP/primary.pem\";"

# The checks run in Python over the parsed document d.  json.loads() on the
# whole of stdout proves it holds one document and nothing else.
cat >"$T_TMP/jcheck.py" <<'EOF_PY'
import json, sys
raw = open(sys.argv[1], 'rb').read()
try:
    d = json.loads(raw)
except ValueError as e:
    print('#   stdout is not one JSON document: %s: %r' % (e, raw[:300]))
    sys.exit(1)
KEYS = {'changed': bool, 'dry_run': bool, 'domain': (str, type(None)),
        'nexthop': (str, type(None)), 'digest': (str, type(None)),
        'files': list, 'pins': list, 'warnings': list, 'notes': list,
        'commands': list, 'steps': list, 'backup': (str, type(None)),
        'reloaded': bool, 'error': (dict, type(None))}
def schema(d):
    if not isinstance(d, dict) or set(d) != set(KEYS):
        return False
    if not all(isinstance(d[k], t) for k, t in KEYS.items()):
        return False
    for k in ('pins', 'warnings', 'notes', 'commands'):
        if not all(isinstance(x, str) for x in d[k]):
            return False
    for f in d['files']:
        if set(f) != {'path', 'diff', 'added', 'removed'}:
            return False
    for s in d['steps']:
        if set(s) != {'step', 'state', 'detail'} or \
           s['state'] not in ('ok', 'fail', 'skip'):
            return False
    return raw.endswith(b'}\n') and raw.count(b'\n') == 1
def counts_ok(f):
    body = f['diff'].splitlines()[2:]
    return (f['added'] == sum(l.startswith('+') for l in body) and
            f['removed'] == sum(l.startswith('-') for l in body))
def failed(d, code):
    e = d['error']
    return (e is not None and set(e) == {'message', 'code'} and
            e['code'] == code and isinstance(e['message'], str) and
            e['message'] != '' and d['changed'] is False and
            d['files'] == [] and d['commands'] == [] and
            d['backup'] is None and d['reloaded'] is False)
def text(path):
    return open(path, encoding='utf-8', errors='replace').read()
env = {'d': d, 'text': text, 'schema': schema, 'counts_ok': counts_ok, 'failed': failed,
       'any': any, 'all': all, 'len': len, 'sorted': sorted, 'open': open,
       'argv': sys.argv[3:]}
if not eval(sys.argv[2], env):
    print('#   false: %s' % sys.argv[2])
    print('#   document: %s' % raw.decode('utf-8', 'replace')[:1500])
    sys.exit(1)
EOF_PY
# jtrue NAME PYEXPR [ARGS...]: a test passing when PYEXPR holds for the
# document of run NAME (argv holds ARGS).
jtrue() {
	local name=$1 run=$2 expr=$3; shift 3
	check "$name" python3 "$T_TMP/jcheck.py" "$T_TMP/$run.json" "$expr" "$@"
}
# run NAME ARGS...: mxpin apply --json ARGS; stdout in NAME.json, stderr in
# NAME.err, status in st.
run() {
	local n=$1; shift
	"$MXPIN" apply --json "$@" >"$T_TMP/$n.json" 2>"$T_TMP/$n.err"
	st=$?
}
quiet() { check "$1: stderr is empty" test ! -s "$T_TMP/$1.err"; }

# --- dry run ------------------------------------------------------------------
before=$(tree_sum "$D")
run dry --dry-run -c "$D" "$T_TMP/a.cfg"
check "dry: exits 0" test $st -eq 0
jtrue "dry: one JSON document, every key present and typed" dry 'schema(d)'
jtrue "dry: changed (would change) and dry_run true, no error" dry \
    'd["changed"] is True and d["dry_run"] is True and d["error"] is None'
jtrue "dry: domain, nexthop and digest from the plan" dry \
    'd["domain"] == "domain.not" and d["nexthop"] == "[mx.domain.not]:26" and d["digest"] == "sha256"'
jtrue "dry: the four files, by absolute path" dry \
    'sorted(f["path"] for f in d["files"]) == sorted(argv[0] + "/" + n for n in ("main.cf", "relay_recipient_maps.cf", "transport_maps.cf", "tls_policy.cf"))' "$D"
jtrue "dry: added/removed equal the diff's + and - lines" dry \
    'all(counts_ok(f) for f in d["files"]) and all(f["added"] > 0 for f in d["files"])'
jtrue "dry: the policy diff holds the pin under the next-hop" dry \
    'any("+[mx.domain.not]:26\tfingerprint match=" + argv[0] in f["diff"] for f in d["files"])' "$FP"
jtrue "dry: pins that would be in force" dry 'd["pins"] == [argv[0]]' "$FP"
jtrue "dry: commands that would run include postmap and the reload" dry \
    'any(c.startswith("postmap hash:") for c in d["commands"]) and any(" reload" in c for c in d["commands"])'
jtrue "dry: notes carry what text mode prints on stderr" dry \
    'any("maximal_queue_lifetime" in n for n in d["notes"])'
jtrue "dry: no backup, not reloaded, no steps" dry \
    'd["backup"] is None and d["reloaded"] is False and d["steps"] == []'
quiet dry
check "dry: writes nothing" test "$before" = "$(tree_sum "$D")"
# The diffs are the text mode's preview, byte for byte.
"$MXPIN" apply --dry-run -c "$D" "$T_TMP/a.cfg" 2>/dev/null |
    sed '/^# commands that would run:$/,$d' >"$T_TMP/dry.txt"
jtrue "dry: the diffs equal the text preview's" dry \
    '"".join(f["diff"] for f in d["files"]) == open(argv[0]).read()' "$T_TMP/dry.txt"
cp "$T_TMP/dry.json" "$T_TMP/dry0.json"

# --- real apply -----------------------------------------------------------------
run apply -c "$D" "$T_TMP/a.cfg"
check "apply: exits 0" test $st -eq 0
jtrue "apply: one JSON document, every key present and typed" apply 'schema(d)'
jtrue "apply: changed, not a dry run, no error" apply \
    'd["changed"] is True and d["dry_run"] is False and d["error"] is None'
jtrue "apply: the same files and diffs as the dry run" apply \
    'd["files"] == __import__("json").load(open(argv[0]))["files"]' "$T_TMP/dry0.json"
jtrue "apply: pins in force after the run" apply 'd["pins"] == [argv[0]]' "$FP"
jtrue "apply: backup names the new backup dir" apply \
    'd["backup"] is not None and d["backup"].startswith(argv[0] + "/mxpin.bak/")' "$D"
b=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["backup"])' "$T_TMP/apply.json")
check "apply: the backup dir exists" test -d "$b"
jtrue "apply: Postfix not running: not reloaded, and the note says so" apply \
    'd["reloaded"] is False and any("not running" in n for n in d["notes"])'
jtrue "apply: commands are what ran: postmap and verify, no reload" apply \
    'len([c for c in d["commands"] if c.startswith("postmap hash:")]) == 3 and not any(" reload" in c for c in d["commands"])'
jtrue "apply: steps as apply reported them (verify ok, reload skipped)" apply \
    '{"step": "verify", "state": "ok", "detail": "[mx.domain.not]:26"} in d["steps"] and any(s["step"] == "reload" and s["state"] == "skip" for s in d["steps"])'
quiet apply
check "apply: the files were written" \
    test "$(postmap -q '[mx.domain.not]:26' "hash:$D/tls_policy.cf")" = "fingerprint match=$FP"

# --- nothing to do ----------------------------------------------------------------
before=$(tree_sum "$D")
run same -c "$D" "$T_TMP/a.cfg"
check "no change: exits 0" test $st -eq 0
jtrue "no change: one JSON document, every key present and typed" same 'schema(d)'
jtrue "no change: changed false, no files, no commands, no backup" same \
    'd["changed"] is False and d["files"] == [] and d["commands"] == [] and d["backup"] is None and d["error"] is None'
jtrue "no change: the pins in force are still listed" same 'd["pins"] == [argv[0]]' "$FP"
quiet same
check "no change: touches no file" test "$before" = "$(tree_sum "$D")"
run samedry --dry-run -c "$D" "$T_TMP/a.cfg"
jtrue "no change, dry run: changed false" samedry \
    'schema(d) and d["changed"] is False and d["dry_run"] is True and d["files"] == []'

# --- rotation: pins oldest first --------------------------------------------------
std_answers "$T_TMP/r.cfg" "certificate = \"$T_TMP/renewed.pem\";" "keep_previous = true;"
run rotdry --dry-run -c "$D" "$T_TMP/r.cfg"
jtrue "rotation dry run: pins old then new; only the policy file changes" rotdry \
    'd["pins"] == argv[:2] and [f["path"] for f in d["files"]] == [argv[2]]' \
    "$FP" "$FP2" "$D/tls_policy.cf"
run rot -c "$D" "$T_TMP/r.cfg"
jtrue "rotation: applied, pins in force old then new" rot \
    'd["changed"] is True and d["pins"] == argv[:2]' "$FP" "$FP2"

# --- failures -------------------------------------------------------------------
before=$(tree_sum "$D")
# fails NAME CODE: the run NAME failed with CODE, in JSON, quietly.
fails() {
	check "$1: exits $2" test $st -eq "$2"
	jtrue "$1: one JSON document, every key present and typed" "$1" 'schema(d)'
	jtrue "$1: error.code $2 equals the exit status, changed false" "$1" \
	    "failed(d, $2)"
	errline "$1"
}
# errline NAME: stderr of run NAME is the error line alone.
errline() {
	jtrue "$1: stderr holds the error line alone, as in text mode" "$1" \
	    'text(argv[0]) == "mxpin: " + d["error"]["message"] + "\n"' "$T_TMP/$1.err"
}

printf 'domain = "domain.not";\nbogus = 1;\n' >"$T_TMP/u.cfg"
run unknown -c "$D" "$T_TMP/u.cfg"
fails unknown 65
jtrue "unknown: the message names file, line and setting" unknown \
    'argv[0] + ":2: unknown setting \x27bogus\x27" in d["error"]["message"]' "$T_TMP/u.cfg"
jtrue "unknown: nothing known yet: domain null, pins []" unknown \
    'd["domain"] is None and d["pins"] == []'

printf 'domain = "domain.not";\nport = ;\n' >"$T_TMP/s.cfg"
run syntax --dry-run -c "$D" "$T_TMP/s.cfg"
fails syntax 65

std_answers "$T_TMP/h.cfg" "certificate = \"$T_TMP/primary.pem\";"
sed -i 's/^domain = .*/domain = "bad\\ndomain.not";/' "$T_TMP/h.cfg"
run hostile -c "$D" "$T_TMP/h.cfg"
fails hostile 65
jtrue "hostile: the message names the field and the newline" hostile \
    '"domain" in d["error"]["message"] and "newline" in d["error"]["message"]'

run missing -c "$D" "$T_TMP/missing.cfg"
fails missing 66
jtrue "missing: the message names the file" missing \
    'argv[0] in d["error"]["message"]' "$T_TMP/missing.cfg"
run badutf8 -c "$D" "$T_TMP/missing-$(printf '\377\376').cfg"
fails badutf8 66
jtrue "invalid UTF-8 in the message is repaired (U+FFFD), the JSON stays valid" \
    badutf8 '"missing-\ufffd\ufffd.cfg" in d["error"]["message"]'

run noconf --dry-run -c "$T_TMP/nonexistent" "$T_TMP/a.cfg"
fails noconf 78

flock "$D" sleep 30 &
lockpid=$!
wait_for 5 bash -c "! flock -n '$D' true"
run locked -c "$D" "$T_TMP/a.cfg"
kill $lockpid 2>/dev/null; wait $lockpid 2>/dev/null
fails locked 75
jtrue "locked: the message names the pid holding the lock" locked \
    '("another mxpin (pid %s)" % argv[0]) in d["error"]["message"]' "$lockpid"

check "failures wrote nothing" test "$before" = "$(tree_sum "$D")"

N=$(new_confdir nonroot)
chmod -R a+rX "$T_TMP"
cp "$T_TMP/a.cfg" "$T_TMP/nr.cfg"; chmod 644 "$T_TMP/nr.cfg" "$T_TMP/primary.pem"
setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$MXPIN" apply --json -c "$N" "$T_TMP/nr.cfg" >"$T_TMP/nonroot.json" 2>"$T_TMP/nonroot.err"
st=$?
fails nonroot 77
jtrue "nonroot: the message says apply needs root" nonroot \
    '"needs root" in d["error"]["message"]'

# A transaction that fails midway: the last rename (a commit) fails, by
# strace fault injection, after the others went through; everything is
# rolled back and the JSON says so.
if command -v strace >/dev/null; then
	# LeakSanitizer cannot run under ptrace: no leak checks under strace.
	nolsan="${ASAN_OPTIONS:-}:detect_leaks=0"
	W=$(new_confdir twin)
	renames=$(ASAN_OPTIONS=$nolsan strace -qq -e trace=rename -o "$T_TMP/count.log" \
	    "$MXPIN" apply -c "$W" "$T_TMP/a.cfg" >/dev/null 2>&1
	    grep -c '^rename' "$T_TMP/count.log")
	check "midway: the renames of a whole apply counted on a twin" \
	    test "$renames" -ge 4
	F=$(new_confdir midway)
	before=$(tree_sum "$F")
	ASAN_OPTIONS=$nolsan strace -qq -o /dev/null -e trace=rename \
	    -e inject=rename:error=EIO:when="$renames" \
	    "$MXPIN" apply --json -c "$F" "$T_TMP/a.cfg" >"$T_TMP/midway.json" 2>"$T_TMP/midway.err"
	st=$?
	check "midway: exits non-zero" test $st -ne 0
	jtrue "midway: one JSON document, every key present and typed" midway 'schema(d)'
	jtrue "midway: error.code equals the exit status, changed false" midway \
	    'failed(d, int(argv[0]))' "$st"
	jtrue "midway: the message says every file was restored" midway \
	    '"every file was restored" in d["error"]["message"]'
	jtrue "midway: pins are those in force (none), domain known" midway \
	    'd["pins"] == [] and d["domain"] == "domain.not"'
	jtrue "midway: steps show the rollback" midway \
	    'any(s["step"] == "rollback" and s["state"] == "ok" for s in d["steps"])'
	errline midway
	check "midway: every managed file as before" \
	    test "$(tree_sum "$F" | grep -v '^./mxpin.bak/')" = "$before"

	# Killed at a rename: the next --json run rolls back first and says so
	# in warnings, with nothing else on stdout.
	K=$(new_confdir killed)
	(ASAN_OPTIONS=$nolsan strace -qq -o /dev/null -e trace=rename \
	    -e inject=rename:signal=KILL:when=$((renames - 1)) \
	    "$MXPIN" apply -c "$K" "$T_TMP/a.cfg"; true) >/dev/null 2>&1
	check "killed: a journal was left" test -e "$K/mxpin.journal"
	run recovered -c "$K" "$T_TMP/a.cfg"
	check "recovered: exits 0" test $st -eq 0
	jtrue "recovered: one JSON document, the roll-back in warnings" recovered \
	    'schema(d) and d["changed"] is True and any("interrupted apply was rolled back" in w for w in d["warnings"])'
	quiet recovered
else
	skip "mid-transaction failure and recovery" "strace missing"
fi

# --- usage errors stay plain text ------------------------------------------------
"$MXPIN" apply --json >"$T_TMP/usage.out" 2>"$T_TMP/usage.err"; st=$?
check "usage: exits 64" test $st -eq 64
check "usage: nothing on stdout" test ! -s "$T_TMP/usage.out"
check "usage: the usage line on stderr" grep -q 'usage: mxpin apply' "$T_TMP/usage.err"

t_done
