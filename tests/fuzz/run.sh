#!/bin/sh
# tests/fuzz/run.sh [SECONDS [TARGET...]]: builds every libFuzzer harness
# tests/fuzz/fuzz_*.c (or only the TARGETs named, e.g. "answers table")
# with ASan+UBSan into build/fuzz/, runs each for SECONDS (default 60) on a
# working corpus build/fuzz/corpus-NAME seeded from tests/fuzz/seeds/NAME
# (the repository's seeds are never modified), prints the executions per
# target and exits non-zero when any target crashed, leaked, timed out or
# failed to build.  Crash inputs and logs stay in build/fuzz/.
#
# FUZZ_JOBS=N runs N targets at a time (default 1).  Leaks inside
# libraries that are not mxpin's are listed in tests/fuzz/lsan.supp.
set -u
cd "$(dirname "$0")/../.."
top=$(pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
jobs=${FUZZ_JOBS:-1}
out=build/fuzz
CC_FUZZ=${CC_FUZZ:-clang}

case $secs in
''|*[!0-9]*)
	echo "usage: tests/fuzz/run.sh [SECONDS [TARGET...]]" >&2
	exit 64 ;;
esac
command -v "$CC_FUZZ" >/dev/null 2>&1 ||
    { echo "fuzz: $CC_FUZZ not found" >&2; exit 69; }
mkdir -p "$out"

if [ $# -gt 0 ]; then
	targets=$*
else
	targets=$(for f in tests/fuzz/fuzz_*.c; do
		n=${f##*/fuzz_}; echo "${n%.c}"; done)
fi

# Build, with every core source (the linker keeps what a harness needs).
status=0
for t in $targets; do
	src=tests/fuzz/fuzz_$t.c
	if [ ! -f "$src" ]; then
		echo "fuzz: no harness $src" >&2
		status=1
		continue
	fi
	echo "== build $t"
	if ! $CC_FUZZ -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -fno-omit-frame-pointer \
	    -std=c11 -D_GNU_SOURCE -DMXPIN_VERSION='"fuzz"' -Icore \
	    -o "$out/fuzz_$t" "$src" core/*.c \
	    -lssl -lcrypto -lconfig -lpthread >"$out/build-$t.log" 2>&1; then
		cat "$out/build-$t.log" >&2
		echo "fuzz: $t: build failed" >&2
		status=1
	fi
done
[ $status -eq 0 ] || exit $status

# run_one NAME: one target on its working corpus; libFuzzer's exit status.
run_one() {
	mkdir -p "$out/corpus-$1" "$out/crash-$1"
	if [ -d "tests/fuzz/seeds/$1" ]; then
		cp tests/fuzz/seeds/"$1"/* "$out/corpus-$1"/ 2>/dev/null
	fi
	(cd "$out/crash-$1" &&
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ASAN_OPTIONS=detect_leaks=1 \
	    LSAN_OPTIONS=suppressions=$top/tests/fuzz/lsan.supp \
	    "../fuzz_$1" -max_total_time="$secs" -print_final_stats=1 \
	    -timeout=25 -rss_limit_mb=2048 -artifact_prefix=./ \
	    "../corpus-$1" </dev/null >"../run-$1.log" 2>&1)
}

# report NAME STATUS: one line per target (and the error, when it failed).
report() {
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$out/run-$1.log" | tail -1)
	if [ "$2" -eq 0 ]; then
		echo "fuzz_$1: ok, ${execs:-?} executions in ${secs}s" \
		    "(corpus $(ls "$out/corpus-$1" | wc -l) inputs)"
	else
		echo "fuzz_$1: FAILED (exit $2) after ${execs:-?} executions;" \
		    "log $out/run-$1.log, input in $out/crash-$1/"
		grep -E '^==[0-9]+==ERROR|^SUMMARY|runtime error|deadly signal' \
		    "$out/run-$1.log" | head -5 | sed 's/^/    /'
	fi
}

# Run, FUZZ_JOBS at a time.
set -- $targets
while [ $# -gt 0 ]; do
	batch=
	i=0
	while [ $i -lt "$jobs" ] && [ $# -gt 0 ]; do
		echo "== run $1 (${secs}s)"
		run_one "$1" &
		batch="$batch $1:$!"
		shift
		i=$((i + 1))
	done
	for tp in $batch; do
		wait "${tp#*:}"
		st=$?
		report "${tp%%:*}" "$st"
		[ "$st" -eq 0 ] || status=1
	done
done
exit $status
