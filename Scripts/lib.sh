# shellcheck shell=bash
# lib.sh: helpers shared by the scripts under Scripts/ (sourced, never run):
#   . "$(dirname "$0")/lib.sh"        (from Scripts/)
#   . "$(dirname "$0")/../lib.sh"     (from Scripts/images/)
# Gives: log/warn/die, need_root, need_cmd, quietly (run with output to a log that is
# shown only on failure), pid_alive, pid_from_file, stop_pid, port_open,
# wait_for_port, tree_hash.

# shellcheck disable=SC2034 # read by the scripts that source this file
BALLAST_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BALLAST_PROG=${BALLAST_PROG:-${0##*/}}

# One line per step, on stderr, so that stdout carries only a script's result.
log() { printf '%s: %s\n' "$BALLAST_PROG" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "$BALLAST_PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$BALLAST_PROG" "$*" >&2; exit 1; }

need_root() {
    [ "$(id -u)" = 0 ] || die "${1:-this} needs root (run it as root, e.g. with sudo)"
}

# need_cmd CMD [PACKAGE]: fail with the package to install when CMD is missing.
need_cmd() {
    command -v "$1" >/dev/null 2>&1 ||
        die "$1 not found: run Scripts/bootstrap (Debian package ${2:-$1})"
}

# quietly LOGFILE CMD...: run CMD with its output in LOGFILE; on failure print the
# log's last 40 lines and return CMD's status. Keeps success quiet and failure clear.
quietly() {
    local logfile=$1 rc=0
    shift
    "$@" >"$logfile" 2>&1 </dev/null || rc=$?
    if [ "$rc" != 0 ]; then
        printf '%s: failed (exit %s): %s\n' "$BALLAST_PROG" "$rc" "$*" >&2
        printf '%s: last lines of %s:\n' "$BALLAST_PROG" "$logfile" >&2
        tail -n 40 "$logfile" | sed 's/^/    /' >&2
    fi
    return "$rc"
}

# pid_alive PID: the process exists and is not a zombie. PID 1 here reaps orphans
# only lazily, so a killed daemon can linger as a zombie that kill -0 still finds.
pid_alive() {
    local state
    [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# pid_from_file FILE PATTERN: print the PID in FILE when that process is alive and
# its command line contains PATTERN (so a reused PID is never taken for ours).
pid_from_file() {
    local pid
    [ -r "$1" ] || return 1
    pid=$(head -n1 "$1")
    [[ $pid =~ ^[0-9]+$ ]] && pid_alive "$pid" || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" || return 1
    printf '%s\n' "$pid"
}

# stop_pid PID [SECONDS]: SIGTERM, wait up to SECONDS (default 10), then SIGKILL.
stop_pid() {
    local pid=$1 i
    pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < ${2:-10} * 10; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
    warn "PID $pid ignored SIGTERM for ${2:-10} s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        pid_alive "$pid" || return 0
        sleep 0.1
    done
    return 1
}

# port_open HOST PORT: something accepts TCP connections there.
port_open() {
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# wait_for_port HOST PORT [SECONDS] [PID]: wait until HOST:PORT accepts connections;
# give up after SECONDS (default 20), or at once when PID (the server) has exited.
wait_for_port() {
    local host=$1 port=$2 secs=${3:-20} pid=${4:-} i
    for ((i = 0; i < secs * 10; i++)); do
        port_open "$host" "$port" && return 0
        if [ -n "$pid" ] && ! pid_alive "$pid"; then
            return 1
        fi
        sleep 0.1
    done
    return 1
}

# tree_hash DIR [PATH...]: sha256 over the relative path, executable bit and content
# of every file under the PATHs (default: all) of DIR, so any change to one of those
# files changes the hash. Only the bit git keeps counts, so every checkout of one
# commit gets the same hash whatever its umask.
tree_hash() {
    (
        cd "$1" || exit 1
        shift
        local f x
        find "${@:-.}" -type f -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' f; do
            if [ -x "$f" ]; then x=x; else x=-; fi
            printf '%s %s %s\n' "$f" "$x" "$(sha256sum <"$f" | cut -d' ' -f1)"
        done | sha256sum | cut -d' ' -f1
    )
}
