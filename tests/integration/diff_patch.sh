#!/usr/bin/env bash
# diff_patch.sh: the previews diff_unified prints are real patches.  For
# many generated pairs (random edits on random texts, with and without a
# final newline, empty files, a large text with a few edits, and edits of
# the real main.cf files in $SHARED/corpus/main.cf, read where they are)
# patch(1) turns the old file into the new one byte for byte; where the
# shortest diff is unique, the output is the very text of diff -u.
. "$(dirname "$0")/../lib.sh"

MKDIFF=${MXPIN_BUILD:-$TOP/build}/tests/aid/mkdiff
CORPUS=$SHARED/corpus/main.cf
G=$T_TMP/pairs
mkdir -p "$G"

# gen.py DIR [CORPUS]: writes DIR/CATEGORY.N.{a,b}; a CATEGORY that starts
# with "u-" holds pairs whose shortest diff is unique (the edits only
# remove lines and add new, distinct ones to a text of distinct lines).
cat >"$T_TMP/gen.py" <<'EOF'
import os, random, sys
out = sys.argv[1]
corpus = sys.argv[2] if len(sys.argv) > 2 else None
rnd = random.Random(20240601)
serial = [0]

def put(cat, a, b):
    serial[0] += 1
    base = os.path.join(out, '%s.%04d' % (cat, serial[0]))
    for suffix, text in (('a', a), ('b', b)):
        with open(base + '.' + suffix, 'wb') as f:
            f.write(text)

def edits(lines, alphabet, count, unique):
    b = list(lines)
    fresh = [0]
    def new():
        if unique:
            fresh[0] += 1
            return b'new %d %d\n' % (serial[0], fresh[0])
        return rnd.choice(alphabet)
    for _ in range(count):
        op = rnd.choice('idrr' if b else 'i')
        at = rnd.randint(0, len(b))
        if op == 'i':
            b[at:at] = [new() for _ in range(rnd.randint(1, 4))]
        elif op == 'd':
            del b[at:at + rnd.randint(1, 4)]
        else:
            b[at:at + rnd.randint(1, 3)] = [new() for _ in range(rnd.randint(1, 3))]
    return b

def cut_eol(text, p):
    return text[:-1] if text.endswith(b'\n') and rnd.random() < p else text

# Random texts: distinct lines (unique diff), and lines from small
# alphabets full of repeats (blank lines, comments), as main.cf has.
for n in range(250):
    size = rnd.choice([0, 1, 2, 5, 10, 40, 200])
    pool = [b'line %d\n' % i for i in range(size)]
    rnd.shuffle(pool)
    a = pool
    b = edits(a, None, rnd.randint(1, 6), True)
    A, B = b''.join(a), b''.join(b)
    if n % 3 == 1:
        A, B = cut_eol(A, 1), cut_eol(B, 1)
    elif n % 3 == 2:
        A, B = cut_eol(A, .5), cut_eol(B, .5)
    put('u-random', A, B)
for n in range(250):
    alphabet = rnd.choice([[b'a\n', b'b\n'], [b'\n', b'#\n', b'x = 1\n', b'y = 2\n'],
                           [b'%d\n' % i for i in range(8)] + [b'\n'] * 4])
    a = [rnd.choice(alphabet) for _ in range(rnd.choice([1, 3, 10, 60, 300]))]
    b = edits(a, alphabet, rnd.randint(1, 10), False)
    put('random', cut_eol(b''.join(a), .2), cut_eol(b''.join(b), .2))

# Empty files and final newlines.
for a, b in [(b'', b''), (b'', b'x\n'), (b'x\n', b''), (b'', b'x'), (b'x', b''),
             (b'x', b'x\n'), (b'x\n', b'x'), (b'a\nb', b'a\nc'), (b'\n', b''),
             (b'', b'\n'), (b'\n', b'\n\n'), (b'a\nb\n', b'a\nb'),
             (b'a\r\nb\r\n', b'a\nb\n')]:
    put('u-edge', a, b)

# A large text with a few edits.
big = [b'user%06d@example.org\tOK\n' % i for i in range(200000)]
put('u-large', b''.join(big), b''.join(edits(big, None, 5, True)))

# Past the cost limit: two unrelated 20,000-line texts of three lines
# repeated, where the shortest diff costs thousands of edits.
for _ in range(2):
    abc = [b'a\n', b'b\n', b'c\n']
    put('costly', b''.join(rnd.choice(abc) for _ in range(20000)),
        b''.join(rnd.choice(abc) for _ in range(20000)))

# The real main.cf files: one edit of each kind, then several at once.
if corpus and os.path.isdir(corpus):
    files = sorted(os.listdir(corpus))
    texts = [open(os.path.join(corpus, f), 'rb').read() for f in files]
    for t in texts:
        lines = t.splitlines(True)
        mid = len(lines) // 2
        one = [
            lines[:mid] + [b'relayhost = [mx.example]:25\n'] + lines[mid + 1:],
            lines[:mid] + lines[mid + 1:],
            lines + [b'\n', b'# mxpin\n', b'smtp_tls_policy_maps = hash:/etc/postfix/tls_policy\n'],
            [b'# managed by mxpin\n'] + lines,
            lines[:mid] + [b'mxpin_added = 1\n'] + lines[mid:],
        ]
        for b in one:
            put('u-corpus', t, b''.join(b))
        put('u-corpus', t, t[:-1] if t.endswith(b'\n') else t + b'\n')
        for _ in range(6):
            put('corpus', t, b''.join(edits(lines, lines, rnd.randint(2, 12), False)))
    for i in range(len(texts)):
        put('corpus', texts[i], texts[(i + 1) % len(texts)])
EOF

if [ -d "$CORPUS" ]; then
	python3 "$T_TMP/gen.py" "$G" "$CORPUS"
else
	python3 "$T_TMP/gen.py" "$G"
fi

# run_pairs CATEGORY: applies each pair's diff with patch; with "gnu",
# also compares with diff -u.  Prints failures on stderr, returns them.
run_pairs() {
	local cat=$1 gnu=${2:-} bad=0 n=0 a b d o
	for a in "$G/$cat".*.a; do
		b=${a%.a}.b d=${a%.a}.diff o=${a%.a}.out
		n=$((n + 1))
		"$MKDIFF" "$a" "$b" >"$d"
		if [ $? -gt 1 ]; then
			echo "mkdiff failed on $a" >&2; bad=$((bad + 1)); continue
		fi
		if cmp -s "$a" "$b"; then
			if [ -s "$d" ]; then
				echo "output for equal files: $a" >&2
				bad=$((bad + 1))
			fi
			continue
		fi
		cp "$a" "$o"
		if ! patch -s -f --no-backup-if-mismatch "$o" "$d" >/dev/null 2>&1 ||
		    ! cmp -s "$o" "$b"; then
			echo "patch does not give $b" >&2; bad=$((bad + 1))
			continue
		fi
		if [ -n "$gnu" ] && ! diff -u --label a --label b "$a" "$b" |
		    cmp -s - "$d"; then
			echo "differs from diff -u: $a" >&2; bad=$((bad + 1))
		fi
	done
	echo "# $cat: $n pairs, $bad failed" >&2
	return $((bad > 0))
}

check "random edits of texts of distinct lines apply with patch and equal diff -u" \
    run_pairs u-random gnu
check "random edits of texts full of repeated lines apply with patch" \
    run_pairs random
check "empty files and missing final newlines: patch applies, same as diff -u" \
    run_pairs u-edge gnu
check "a 200,000-line text with 5 edits: patch applies, same as diff -u" \
    run_pairs u-large gnu
check "two unrelated 20,000-line texts past the cost limit: patch applies" \
    run_pairs costly
if [ -d "$CORPUS" ]; then
	check "single edits of the real main.cf files: patch applies, same as diff -u" \
	    run_pairs u-corpus gnu
	check "several edits of real main.cf files, and one file into another, apply" \
	    run_pairs corpus
else
	skip "real main.cf files" "no $CORPUS"
fi

# A created file: old label /dev/null, the shape patch creates files from.
printf 'a = 1\nb = 2\n' >"$T_TMP/new.cf"
: >"$T_TMP/empty"
"$MKDIFF" "$T_TMP/empty" "$T_TMP/new.cf" /dev/null new.cf >"$T_TMP/create.diff"
if [ "$(head -3 "$T_TMP/create.diff")" = "$(printf -- '--- /dev/null\n+++ new.cf\n@@ -0,0 +1,2 @@')" ] &&
    (cd "$T_TMP" && mkdir -p made && cd made &&
    patch -s -f -p0 <../create.diff >/dev/null 2>&1 && cmp -s new.cf ../new.cf); then
	ok "a created file (from /dev/null) is made by patch -p0"
else
	not_ok "a created file (from /dev/null) is made by patch -p0" \
	    "$(cat "$T_TMP/create.diff")"
fi

# diff_stat counts what the text shows.
"$MKDIFF" -s "$G/u-large".*.a "$G/u-large".*.b 2>"$T_TMP/stat" >"$T_TMP/large.diff"
body() { tail -n +3 "$T_TMP/large.diff" | grep -c "$1"; }
want="added $(body '^+') removed $(body '^-') hunks $(body '^@@')"
check "diff_stat counts the + and - lines and the hunks" \
    test "$(cat "$T_TMP/stat")" = "$want"
t_done
