# tests/e2e/fixture.sh: real mail through two real Postfix instances on
# loopback (sourced by end-to-end suites, after tests/lib.sh).
#
#   source "$(dirname "$0")/../lib.sh"
#   source "$TOP/tests/e2e/fixture.sh"
#   e2e_primary                 # $PRIMARY: mailboxes for $E2E_DOMAIN, STARTTLS
#   e2e_backup backup           # $BACKUP: plain relay, NOT set up for the domain
#   pf_start "$PRIMARY"; pf_start "$BACKUP"
#   e2e_send "$BACKUP" a@domain.test     # sets SEND_RCPT_CODE SEND_QID SEND_TAG
#   e2e_wait_delivered a "$SEND_TAG"
#
# Every instance is keyed by its config directory DIR ($T_TMP/NAME): its own
# queue (DIR.q), data directory (DIR.data, owned by postfix), log file
# (DIR.log, through postlogd and maillog_file), port and syslog_name.  Both
# instances listen on 127.0.0.1 only, resolve nothing (the only next-hops are
# bracketed IP literals; everything else goes to the "retry" transport and
# stays in the queue), and are stopped and removed by at_exit even when a
# suite dies half-way.  Nothing here sleeps blindly: every wait polls a
# condition with a deadline (wait_for).
#
# Instance:   e2e_primary [NAME]  e2e_backup NAME  pf_start  pf_stop  pf_reload
#             pf_running  pf_port  pf_log  pf_set DIR 'name = value'...
# Mail:       e2e_send  e2e_delivered  e2e_wait_delivered  e2e_mail_count
# Queue:      pf_queue_count  pf_queue_is  pf_wait_queue  pf_queue_has  pf_flush
# Log:        pf_log_mark  pf_log_since  pf_wait_log  pf_log_has
#             e2e_status_line
# Primary:    e2e_rotate_primary newkey|samekey  e2e_served_fp  e2e_serving
#             e2e_wait_served  cert_fp
# Config:     e2e_hand_config (the seed how-to, by hand: no mxpin)
# mxpin:      e2e_answers  e2e_apply  e2e_lookup  e2e_policy_has

E2E_DOMAIN=${E2E_DOMAIN:-domain.test}
# Mailboxes at the primary (local parts).
E2E_USERS=${E2E_USERS:-"a b c first.last"}
E2E_FROM=${E2E_FROM:-sender@sender.test}
# Deadlines (seconds) for starting, delivering and logging.
E2E_WAIT=${E2E_WAIT:-20}

declare -A PF_PORT=() PF_LOG=() PF_MARK=() PF_QDIR=()
PRIMARY='' BACKUP=''
PRIMARY_PORT='' PRIMARY_CERT='' PRIMARY_KEY='' PRIMARY_MAIL=''
PRIMARY_CERT_PREV='' PRIMARY_KEY_PREV=
E2E_CERT_N=0
E2E_SEND_N=0

# e2e_note TEXT...: a TAP comment (shown by tests/run).
e2e_note() { printf '# %s\n' "$*"; }

# pf_free_port: sets PF_FREE_PORT to a free TCP port on 127.0.0.1: nothing
# listens on it or has it open, and no instance of this suite has it (they
# are all made before any starts).  Not in a subshell: it remembers.
declare -A E2E_PORTS_USED=()
pf_free_port() {
	local p i
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		[ -n "${E2E_PORTS_USED[$p]:-}" ] && continue
		if [ -z "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ]; then
			E2E_PORTS_USED[$p]=1
			PF_FREE_PORT=$p
			return 0
		fi
	done
	return 1
}

pf_port() { echo "${PF_PORT[$1]}"; }
pf_log()  { echo "${PF_LOG[$1]}"; }

# pf_set DIR 'name = value'...: postconf -e on the instance.
pf_set() {
	local d=$1; shift
	postconf -c "$d" -e "$@"
}

# pf_instance NAME: the isolation common to both roles (config dir,
# queue, data dir, log, port, master.cf); sets PF_NEW to the config dir.
pf_instance() {
	local name=$1 d port
	d=$(new_confdir "$name") || return 1
	pf_free_port || { echo "no free port" >&2; return 1; }
	port=$PF_FREE_PORT
	mkdir -p "$d.data"
	chown postfix:postfix "$d.data"
	chmod 700 "$d.data"
	: >"$d.log"
	PF_PORT[$d]=$port
	PF_LOG[$d]=$d.log
	PF_QDIR[$d]=$d.q
	PF_MARK[$d]=0
	make_cert "$d" "$name"
	# Registered before the first start: whatever happens next, the
	# instance is stopped before $T_TMP goes.
	at_exit "pf_stop '$d'"
	postconf -c "$d" -e \
	    "queue_directory = $d.q" \
	    "data_directory = $d.data" \
	    "myhostname = $name.test" \
	    "myorigin = \$myhostname" \
	    "mydestination = \$myhostname, localhost" \
	    "syslog_name = postfix-$name" \
	    "maillog_file = $d.log" \
	    "maillog_file_prefixes = $T_TMP" \
	    "inet_interfaces = 127.0.0.1" \
	    "inet_protocols = ipv4" \
	    "smtpd_tls_cert_file = $d/$name.pem" \
	    "smtpd_tls_key_file = $d/$name.key" \
	    "smtpd_peername_lookup = no" \
	    "smtp_dns_support_level = disabled" \
	    "smtp_host_lookup = native" \
	    "default_transport = retry:4.3.0 mxpin e2e: no mail leaves this machine" \
	    "relay_transport = retry:4.3.0 mxpin e2e: no mail leaves this machine" \
	    "fallback_relay =" \
	    "delay_warning_time = 0" \
	    "biff = no" || return 1
	# Loopback only, on our port; nothing chrooted (the scratch queue
	# directory has no etc/ or lib/ copies).
	postconf -c "$d" -MX smtp/inet || return 1
	postconf -c "$d" -Me \
	    "127.0.0.1:$port/inet = 127.0.0.1:$port inet n - n - - smtpd" ||
	    return 1
	postconf -c "$d" -F '*/*/chroot = n' || return 1
	# maillog_file needs the postlog service (Debian's master.cf has it).
	grep -qE '^postlog[[:space:]]+unix-dgram' "$d/master.cf" ||
	    postconf -c "$d" -Me \
	    'postlog/unix-dgram = postlog unix-dgram n - n - 1 postlogd'
	PF_NEW=$d
}

# e2e_primary [NAME]: the primary MX (default name "primary"): STARTTLS with
# its own certificate ($PRIMARY_CERT, $PRIMARY_KEY), $E2E_DOMAIN as a virtual
# mailbox domain with maildirs under $PRIMARY_MAIL/USER/ for $E2E_USERS.
# Sets PRIMARY (config dir) and PRIMARY_PORT.  Not started.
e2e_primary() {
	local name=${1:-primary} d u
	pf_instance "$name" || return 1
	d=$PF_NEW
	PRIMARY=$d
	PRIMARY_PORT=${PF_PORT[$d]}
	PRIMARY_MAIL=$d.mail/$E2E_DOMAIN
	PRIMARY_CERT=$d/$name.pem
	PRIMARY_KEY=$d/$name.key
	mkdir -p "$PRIMARY_MAIL"
	chown -R nobody:nogroup "$d.mail"
	: >"$d/vmailbox"
	for u in $E2E_USERS; do
		printf '%s@%s\t%s/%s/\n' "$u" "$E2E_DOMAIN" "$E2E_DOMAIN" "$u" \
		    >>"$d/vmailbox"
	done
	postconf -c "$d" -e \
	    "virtual_mailbox_domains = $E2E_DOMAIN" \
	    "virtual_mailbox_base = $d.mail" \
	    "virtual_mailbox_maps = texthash:$d/vmailbox" \
	    "virtual_uid_maps = static:$(id -u nobody)" \
	    "virtual_gid_maps = static:$(getent group nogroup | cut -d: -f3)" \
	    "smtpd_tls_security_level = may" \
	    "smtpd_tls_loglevel = 1"
}

# e2e_backup NAME: a backup MX as a fresh Debian install would be, plus test
# isolation: client TLS logging (smtp_tls_loglevel = 1), opportunistic TLS,
# short queue timers, mynetworks loopback.  NOT configured for $E2E_DOMAIN:
# that is mxpin's job.  Sets BACKUP (config dir).  Not started.
e2e_backup() {
	local name=${1:-backup}
	pf_instance "$name" || return 1
	BACKUP=$PF_NEW
	postconf -c "$BACKUP" -e \
	    "smtp_tls_security_level = may" \
	    "smtp_tls_loglevel = 1" \
	    "mynetworks = 127.0.0.0/8" \
	    "queue_run_delay = 1s" \
	    "minimal_backoff_time = 1s" \
	    "maximal_backoff_time = 2s" \
	    "smtp_connect_timeout = 5s"
}

# pf_master_pid DIR: the running master's pid (none: 1).
pf_master_pid() {
	local f=${PF_QDIR[$1]}/pid/master.pid p
	[ -r "$f" ] || return 1
	p=$(tr -d ' \n' <"$f")
	[ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"
}
pf_running() { postfix -c "$1" status >/dev/null 2>&1; }
pf_listening() {
	[ -n "$(ss -Htln "( sport = :${PF_PORT[$1]} )" 2>/dev/null)" ]
}

# pf_start DIR: starts the instance (creating its queue directories) and
# waits until it listens on its port.
pf_start() {
	local d=$1
	# "postfix start" runs post-install create-missing, which makes the
	# queue's subdirectories with their owners and modes; the top must
	# exist ("postfix check" would do the same, plus 2s of warnings).
	mkdir -p "${PF_QDIR[$d]}"
	if ! postfix -c "$d" start >/dev/null 2>&1; then
		echo "postfix -c $d start failed:" >&2
		tail -5 "${PF_LOG[$d]}" >&2
		return 1
	fi
	wait_for "$E2E_WAIT" pf_listening "$d" || {
		echo "$d: not listening on ${PF_PORT[$d]}" >&2
		tail -5 "${PF_LOG[$d]}" >&2
		return 1
	}
}

# pf_stop DIR: stops the instance and waits for its master to go (kills it,
# by pid, after a deadline).  Quiet and true when it is not running.
pf_stop() {
	local d=$1 pid
	pid=$(pf_master_pid "$d") || return 0
	postfix -c "$d" stop >/dev/null 2>&1
	if ! wait_for 10 eval "! kill -0 $pid"; then
		kill -9 "$pid" 2>/dev/null
		wait_for 5 eval "! kill -0 $pid"
	fi
	return 0
}

# pf_reload DIR: postfix reload, waiting for the master to log it.
pf_reload() {
	local d=$1 n
	n=$(pf_log_count "$d" 'reload -- version')
	postfix -c "$d" reload >/dev/null 2>&1 || return 1
	wait_for "$E2E_WAIT" pf_log_count_above "$d" 'reload -- version' "$n"
}
pf_log_count() { grep -cE -- "$2" "${PF_LOG[$1]}" 2>/dev/null || true; }
pf_log_count_above() { [ "$(pf_log_count "$1" "$2")" -gt "$3" ]; }

# pf_log_mark DIR: later pf_wait_log/pf_log_has/pf_log_since look only at
# what the instance logs from now on.
pf_log_mark() { PF_MARK[$1]=$(wc -l <"${PF_LOG[$1]}"); }
pf_log_since() { tail -n +"$((PF_MARK[$1] + 1))" "${PF_LOG[$1]}"; }
# pf_log_has DIR ERE: the pattern is in the log since the mark.
pf_log_has() { pf_log_since "$1" | grep -qE -- "$2"; }
# pf_wait_log DIR ERE [SECONDS]: waits for the pattern (since the mark).
pf_wait_log() { wait_for "${3:-$E2E_WAIT}" pf_log_has "$1" "$2"; }

# pf_queue_count DIR: how many messages the instance's queue holds.
pf_queue_count() {
	postqueue -c "$1" -j 2>/dev/null | grep -c '"queue_id"' || true
}
# pf_queue_has DIR QUEUEID
pf_queue_has() { postqueue -c "$1" -j 2>/dev/null | grep -q "\"queue_id\": *\"$2\""; }
pf_queue_is() { [ "$(pf_queue_count "$1")" -eq "$2" ]; }
# pf_wait_queue DIR N [SECONDS]: waits until the queue holds N messages.
pf_wait_queue() { wait_for "${3:-$E2E_WAIT}" pf_queue_is "$1" "$2"; }
# pf_flush DIR: deliver the deferred mail now (no waiting for timers).
pf_flush() { postqueue -c "$1" -f >/dev/null 2>&1; }

# e2e_send DIR TO [SWAKS-ARGS...]: one message to the instance DIR with
# swaks.  Sets SEND_TAG (in an X-Mxpin-Tag: header, to find the message
# again), SEND_RCPT_CODE (the reply code to RCPT TO), SEND_QID (the queue id
# in the reply to DATA, if accepted), SEND_OUT (the transcript file).
# Returns swaks's exit status.
e2e_send() {
	local d=$1 to=$2 st; shift 2
	E2E_SEND_N=$((E2E_SEND_N + 1))
	SEND_TAG=mxpin-e2e-$$-$E2E_SEND_N
	SEND_OUT=$T_TMP/swaks.$E2E_SEND_N.txt
	swaks --server "127.0.0.1:${PF_PORT[$d]}" --to "$to" \
	    --from "$E2E_FROM" --ehlo client.test --timeout 20 \
	    --header "Subject: $SEND_TAG" --header "X-Mxpin-Tag: $SEND_TAG" \
	    "$@" >"$SEND_OUT" 2>&1 </dev/null
	st=$?
	SEND_RCPT_CODE=$(awk '/^ *-> RCPT TO/ { r = 1; next }
	    r && /^<[-~*]/ { print $2; exit }' "$SEND_OUT")
	SEND_QID=$(sed -n 's/^<.* queued as \([0-9A-Za-z]*\).*/\1/p' "$SEND_OUT" |
	    tail -1)
	return $st
}

# e2e_mail_count USER TAG: messages carrying TAG in USER's maildir (new/).
e2e_mail_count() {
	local dir=$PRIMARY_MAIL/${1%@*}/new
	[ -d "$dir" ] || { echo 0; return; }
	grep -rlF -- "X-Mxpin-Tag: $2" "$dir" 2>/dev/null | wc -l
}
# e2e_delivered USER TAG: the message is in USER's maildir at the primary.
e2e_delivered() { [ "$(e2e_mail_count "$1" "$2")" -gt 0 ]; }
# e2e_wait_delivered USER TAG [SECONDS]
e2e_wait_delivered() { wait_for "${3:-$E2E_WAIT}" e2e_delivered "$1" "$2"; }

# cert_fp PEM [DIGEST]: a certificate's fingerprint (upper hex, colons).
cert_fp() { openssl_fp "$1" "${2:-sha256}"; }

# e2e_served_fp [DIGEST]: the fingerprint of the certificate the primary
# presents after STARTTLS right now.
e2e_served_fp() {
	openssl s_client -starttls smtp -connect "127.0.0.1:$PRIMARY_PORT" \
	    -servername primary.test </dev/null 2>/dev/null |
	    openssl x509 -noout -fingerprint "-${1:-sha256}" 2>/dev/null |
	    sed 's/^[^=]*=//'
}
e2e_serving() { [ "$(e2e_served_fp sha256)" = "$(cert_fp "$1")" ]; }
# e2e_wait_served PEM: waits until the primary presents PEM.
e2e_wait_served() { wait_for "$E2E_WAIT" e2e_serving "$1"; }

# e2e_rotate_primary newkey|samekey: the primary gets a new certificate,
# with a new key (both fingerprints change) or renewed on the same key (the
# certificate fingerprint changes, the public-key one stays); reloads it
# and waits until it presents the new one.  The previous pair stays in
# PRIMARY_CERT_PREV/PRIMARY_KEY_PREV; the new one is PRIMARY_CERT/PRIMARY_KEY.
e2e_rotate_primary() {
	local how=$1 n d=$PRIMARY
	E2E_CERT_N=$((E2E_CERT_N + 1))
	n=primary-r$E2E_CERT_N
	case $how in
	newkey)
		make_cert "$d" "$n" || return 1
		;;
	samekey)
		cp "$PRIMARY_KEY" "$d/$n.key"
		openssl req -new -key "$d/$n.key" -subj "/CN=primary.example" \
		    -out "$d/$n.csr" 2>/dev/null &&
		openssl x509 -req -in "$d/$n.csr" -signkey "$d/$n.key" \
		    -days 90 -set_serial "0x$(openssl rand -hex 12)" \
		    -out "$d/$n.pem" 2>/dev/null || return 1
		;;
	*)
		echo "e2e_rotate_primary: newkey or samekey" >&2
		return 2
		;;
	esac
	PRIMARY_CERT_PREV=$PRIMARY_CERT PRIMARY_KEY_PREV=$PRIMARY_KEY
	PRIMARY_CERT=$d/$n.pem PRIMARY_KEY=$d/$n.key
	pf_set "$d" "smtpd_tls_cert_file = $PRIMARY_CERT" \
	    "smtpd_tls_key_file = $PRIMARY_KEY" || return 1
	if pf_running "$d"; then
		pf_reload "$d" && e2e_wait_served "$PRIMARY_CERT"
	fi
}

# e2e_hand_config DIR KEY FP [DIGEST] [RECIPIENT...]: the seed how-to by
# hand (no mxpin): relay_domains, relay_recipient_maps, transport_maps
# (domain -> smtp:[127.0.0.1]:PORT), smtp_tls_policy_maps with the entry
# "KEY fingerprint match=FP" (KEY is the trap knob: the right one is
# [127.0.0.1]:PORT), the digest; postmap each table; reload if running.
e2e_hand_config() {
	local d=$1 key=$2 fp=$3 digest=${4:-sha256} r; shift 3; shift || true
	[ $# -gt 0 ] || set -- "a@$E2E_DOMAIN"
	: >"$d/relay_recipient_maps.cf"
	for r in "$@"; do printf '%s\tOK\n' "$r" >>"$d/relay_recipient_maps.cf"; done
	printf '%s\tsmtp:[127.0.0.1]:%s\n' "$E2E_DOMAIN" "$PRIMARY_PORT" \
	    >"$d/transport_maps.cf"
	printf '%s\tfingerprint match=%s\n' "$key" "$fp" >"$d/tls_policy.cf"
	postconf -c "$d" -e \
	    "relay_domains = $E2E_DOMAIN" \
	    "relay_recipient_maps = hash:\${config_directory}/relay_recipient_maps.cf" \
	    "transport_maps = hash:\${config_directory}/transport_maps.cf" \
	    "smtp_tls_policy_maps = hash:\${config_directory}/tls_policy.cf" \
	    "smtp_tls_fingerprint_digest = $digest" || return 1
	for r in relay_recipient_maps transport_maps tls_policy; do
		postmap -c "$d" "hash:$d/$r.cf" || return 1
	done
	if pf_running "$d"; then pf_reload "$d"; fi
}

# e2e_status_line DIR QUEUEID: the instance's last delivery status line for
# the message (since the mark).
e2e_status_line() {
	pf_log_since "$1" | grep -E -- "$2: to=<.*status=" | tail -1
}

# ---- mxpin apply, and what it wrote.

# e2e_answers FILE [LINE...]: an answers file for $E2E_DOMAIN relayed to the
# primary ([127.0.0.1]:$PRIMARY_PORT), plus the given libconfig lines, e.g.
#   e2e_answers "$T_TMP/a.cfg" 'recipients = [ "a@domain.test" ];' \
#       "certificate = \"$PRIMARY_CERT\";" 'pin = "certificate";'
e2e_answers() {
	local f=$1; shift
	{
		printf 'domain = "%s";\n' "$E2E_DOMAIN"
		printf 'relay_host = "127.0.0.1";\n'
		printf 'port = %s;\n' "$PRIMARY_PORT"
		[ $# -gt 0 ] && printf '%s\n' "$@"
	} >"$f"
}

# e2e_apply DIR ANSWERS [ARGS...]: runs "$MXPIN apply -c DIR ARGS ANSWERS",
# its output in APPLY_OUT (a file).  When the instance is running, also
# waits for the reload that apply does (so that the next message meets the
# new configuration, not an old smtpd): 1 when apply fails or the reload
# never comes.
E2E_APPLY_N=0
e2e_apply() {
	local d=$1 answers=$2 n st; shift 2
	E2E_APPLY_N=$((E2E_APPLY_N + 1))
	APPLY_OUT=$T_TMP/apply.$E2E_APPLY_N.out
	n=$(pf_log_count "$d" 'reload -- version')
	"$MXPIN" apply -c "$d" "$@" "$answers" >"$APPLY_OUT" 2>&1 </dev/null
	st=$?
	if [ $st -ne 0 ]; then
		echo "mxpin apply exited $st:" >&2
		sed 's/^/  /' "$APPLY_OUT" | tail -15 >&2
		return 1
	fi
	# A reload is logged well within a second; 10s bounds the cost of
	# an apply that forgets it.
	if pf_running "$d" &&
	    ! wait_for 10 pf_log_count_above "$d" 'reload -- version' "$n"; then
		echo "mxpin apply: no reload logged by $d" >&2
		return 1
	fi
	return 0
}

# e2e_lookup DIR PARAM KEY: looks KEY up the way the instance does, through
# every table in PARAM (postconf -xh), and prints the first value found.
e2e_lookup() {
	local d=$1 param=$2 key=$3 spec m
	spec=$(postconf -c "$d" -xh "$param" 2>/dev/null) || return 1
	for m in ${spec//,/ }; do
		postmap -c "$d" -q "$key" "$m" 2>/dev/null && return 0
	done
	return 1
}

# e2e_norm_fp FP...: fingerprints without colons, upper case.
e2e_norm_fp() { printf '%s\n' "$@" | tr -d ':' | tr a-f A-F; }

# e2e_policy_has DIR NEXTHOP FP: the TLS policy the instance finds for
# NEXTHOP (verbatim, as smtp(8) looks it up) is "fingerprint" and holds FP
# (colons and case do not matter).
e2e_policy_has() {
	local v
	v=$(e2e_lookup "$1" smtp_tls_policy_maps "$2") || return 1
	case $v in fingerprint*) ;; *) return 1 ;; esac
	case $(e2e_norm_fp "$v") in *"$(e2e_norm_fp "$3")"*) return 0 ;; esac
	return 1
}
