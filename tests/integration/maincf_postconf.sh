#!/usr/bin/env bash
# maincf_postconf.sh: core/maincf.c reads main.cf as the real postconf does.
#
# For every corpus main.cf: maincf_get() of every parameter that postconf
# knows equals `postconf -c DIR -n` (the whole listing) and `postconf -c DIR
# -nh NAME` (one by one); after maincf_set() of each parameter, postconf
# -nh NAME prints the new value (the built-in default, or a value with
# whitespace runs when the file already holds the default) and every other
# parameter is unchanged; a new parameter set with maincf_set() is seen
# by postconf.
#
# config_directory is left out of the comparisons: postconf -n always lists
# it (from -c DIR) although no corpus file sets it.
. "$(dirname "$0")/../lib.sh"

AID=${MXPIN_BUILD:-$TOP/build}/tests/aid
POSTCONF=/usr/sbin/postconf
GET=$AID/maincf_get
SET=$AID/maincf_set
# Whitespace runs inside the value: postconf prints one space for each.
NEWVAL=$(printf 'mxpin:test  value\tend')
NEWVAL_SHOWN='mxpin:test value end'

if [ ! -x "$POSTCONF" ] || [ ! -x "$GET" ] || [ ! -x "$SET" ]; then
	skip "maincf against postconf" "needs $POSTCONF and $GET, $SET"
	t_done
	exit 0
fi

# postconf (dict_load_file) re-reads a main.cf whose mtime is not yet in
# the past, sleeping 300 ms each time: age each file written here.
age() { touch -d '-10 seconds' "$1"; }

pc_n() {	# pc_n DIR: postconf -n without config_directory, sorted
	"$POSTCONF" -c "$1" -n 2>/dev/null | grep -av '^config_directory = ' |
	    LC_ALL=C sort
}

nfiles=0
for f in "$SHARED"/corpus/main.cf/*; do
	[ -f "$f" ] || continue
	nfiles=$((nfiles + 1))
	base=$(basename "$f" .main.cf)
	d=$T_TMP/$base
	mkdir -p "$d"
	cp "$f" "$d/main.cf"
	: >"$d/master.cf"
	age "$d/main.cf"

	if ! "$POSTCONF" -c "$d" -n >/dev/null 2>&1; then
		not_ok "$base: postconf -n accepts the file"
		continue
	fi
	# Every parameter name postconf knows for this file.
	mapfile -t names < <("$POSTCONF" -c "$d" 2>/dev/null | sed 's/ =.*//' |
	    grep -av '^config_directory$')
	want=$(pc_n "$d")
	got=$("$GET" "$d/main.cf" "${names[@]}" | LC_ALL=C sort)
	if [ "$want" = "$got" ]; then
		ok "$base: maincf_get equals postconf -n ($(echo "$want" |
		    wc -l) parameters)"
	else
		not_ok "$base: maincf_get equals postconf -n" \
		    "$(diff <(echo "$want") <(echo "$got") | head -10)"
	fi

	mapfile -t set_names < <(echo "$want" | sed 's/ =.*//')
	bad=()
	for n in "${set_names[@]}"; do
		w=$("$POSTCONF" -c "$d" -nh "$n" 2>/dev/null)
		g=$("$GET" -h "$d/main.cf" "$n")
		[ "$w" = "$g" ] || bad+=("$n: postconf '$w' maincf '$g'")
	done
	if [ ${#bad[@]} -eq 0 ]; then
		ok "$base: maincf_get NAME equals postconf -nh NAME for each"
	else
		not_ok "$base: maincf_get NAME equals postconf -nh NAME" \
		    "${bad[@]:0:5}"
	fi

	# maincf_set of each parameter: postconf sees the new value and
	# nothing else.
	bad=()
	declare -A defs=() curs=()
	while IFS= read -r l; do
		defs[${l%% =*}]=${l#* = }
		[ "$l" = "${l%% =*} =" ] && defs[${l%% =*}]=
	done < <("$POSTCONF" -c "$d" -d 2>/dev/null)
	while IFS= read -r l; do
		curs[${l%% =*}]=${l#* = }
		[ "$l" = "${l%% =*} =" ] && curs[${l%% =*}]=
	done <<<"$want"
	for n in "${set_names[@]}"; do
		# A value postconf accepts: postconf itself checks some
		# parameters (inet_interfaces, mynetworks_style, ...).  Try the
		# built-in default, then NEWVAL, then the current value.
		cur=${curs[$n]-}
		cands=()
		[ "${defs[$n]-}" != "$cur" ] && cands+=("${defs[$n]-}")
		cands+=("$NEWVAL" "$cur")
		done_one=0
		for val in "${cands[@]}"; do
			cp "$f" "$d/main.cf"
			if ! "$SET" "$d/main.cf" "$n" "$val"; then
				bad+=("$n: maincf_set failed")
				done_one=2
				break
			fi
			age "$d/main.cf"
			after=$("$POSTCONF" -c "$d" -n 2>/dev/null) || continue
			shown=$val
			[ "$val" = "$NEWVAL" ] && shown=$NEWVAL_SHOWN
			w=$(echo "$after" | grep -a "^$n =")
			[ "$w" = "$n = $shown" ] || [ "$w" = "$n =" -a -z "$shown" ] ||
			    bad+=("$n: postconf -n says '$w', not '$shown'")
			after=$(echo "$after" | grep -av '^config_directory = ' |
			    LC_ALL=C sort | grep -av "^$n =")
			[ "$(echo "$want" | grep -av "^$n =")" = "$after" ] ||
			    bad+=("$n: other parameters changed")
			done_one=1
			break
		done
		[ "$done_one" = 0 ] && bad+=("$n: postconf accepts no value")
	done
	unset defs curs
	if [ ${#bad[@]} -eq 0 ]; then
		ok "$base: after maincf_set of each parameter postconf -nh" \
		    "prints the new value, the others are unchanged"
	else
		not_ok "$base: after maincf_set, postconf sees the new value" \
		    "${bad[@]:0:5}"
	fi

	# A parameter the file does not set is appended.
	cp "$f" "$d/main.cf"
	n=smtp_tls_policy_maps
	"$SET" "$d/main.cf" "$n" "hash:$d/tls_policy" && "$SET" \
	    "$d/main.cf" relay_recipient_maps "hash:$d/relay_recipients"
	age "$d/main.cf"
	w=$("$POSTCONF" -c "$d" -nh "$n" 2>/dev/null)
	w2=$("$POSTCONF" -c "$d" -nh relay_recipient_maps 2>/dev/null)
	if [ "$w" = "hash:$d/tls_policy" ] &&
	    [ "$w2" = "hash:$d/relay_recipients" ]; then
		ok "$base: new parameters set by maincf_set are seen by postconf"
	else
		not_ok "$base: new parameters set by maincf_set are seen by" \
		    "postconf" "got '$w' and '$w2'"
	fi
done
if [ "$nfiles" -ge 1 ]; then
	ok "corpus found ($nfiles main.cf files in $SHARED/corpus/main.cf)"
else
	not_ok "corpus found in $SHARED/corpus/main.cf"
fi
t_done
