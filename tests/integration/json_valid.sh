#!/usr/bin/env bash
# json_valid.sh: whatever bytes a string holds, the JSON writer's output
# parses (Python's json module), and the string reads back as Python
# decodes the bytes with errors="replace": valid UTF-8 unchanged, each
# ill-formed part one U+FFFD.
. "$(dirname "$0")/../lib.sh"

MKJSON=${MXPIN_BUILD:-$TOP/build}/tests/aid/mkjson

cat >"$T_TMP/check.py" <<'EOF_PY'
import json, random, subprocess, sys
mkjson = sys.argv[1]
what = sys.argv[2]
rnd = random.Random(7)
def samples():
    if what == 'random':
        for n in range(300):
            yield bytes(rnd.randrange(256) for _ in range(rnd.randrange(64)))
    elif what == 'utf8ish':
        parts = [b'\xc3\xa9', b'\xe2\x80\x94', b'\xf0\x9f\x93\xa7', b'\xed\xa0\x80',
                 b'\xc0\xaf', b'\xe0\x80', b'\xf4\x90\x80\x80', b'\xc3', b'\x80',
                 b'"', b'\\', b'\x00', b'\x1f', b'\x7f', b'a', b'\n']
        for n in range(300):
            yield b''.join(rnd.choice(parts) for _ in range(rnd.randrange(20)))
    else:
        for c in range(256):
            yield bytes([c]) + b'x' + bytes([c, c])
bad = 0
for raw in samples():
    out = subprocess.run([mkjson], input=raw, capture_output=True)
    try:
        doc = json.loads(out.stdout)
    except ValueError as e:
        print('invalid JSON for %r: %s' % (raw, e)); bad += 1; continue
    if out.returncode != 0 or doc['s'] != raw.decode('utf-8', 'replace'):
        print('wrong string for %r: %r' % (raw, doc.get('s'))); bad += 1
    if doc['nest'][0][0][0] is None:
        bad += 1
sys.exit(1 if bad else 0)
EOF_PY

check "random bytes: valid JSON, string equal to Python's replace decoding" \
    python3 "$T_TMP/check.py" "$MKJSON" random
check "UTF-8 pieces, broken sequences, quotes and controls: the same" \
    python3 "$T_TMP/check.py" "$MKJSON" utf8ish
check "every byte value alone and repeated: the same" \
    python3 "$T_TMP/check.py" "$MKJSON" bytes
out=$(printf 'x' | "$MKJSON")
check "numbers, booleans, null and 41 levels of nesting parse back" \
    python3 -c 'import json,sys
d = json.loads(sys.argv[1])
n = d["n"]
assert n[0] == -2**63 and n[1] == 2**64 - 1 and n[2] == 0.1 and n[3] == -1e300 and n[4] is None
x = d["nest"]
for i in range(41):
    x = x[0]
assert x == {"k\"\x01\ufffd": []}, x
assert d["t"] is True and d["f"] is False and d["z"] is None' "$out"
t_done
