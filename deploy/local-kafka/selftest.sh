#!/usr/bin/env bash
# Checks the local broker's life cycle on spare ports with a scratch state folder, leaving any
# broker started with `make kafka-up` alone:
#   up (fresh, over a cluster id on disk that begins with '-', which is replaced) -> up again
#   (already up) -> create a topic -> down -> up -> the topic is still there -> down -> down
#   again (not running).
# Ports: KAFKA_SELFTEST_PORT (19092) and KAFKA_SELFTEST_CONTROLLER_PORT (19093).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
KAFKA="$HERE/kafka.sh"

export KAFKA_PORT="${KAFKA_SELFTEST_PORT:-19092}"
export KAFKA_CONTROLLER_PORT="${KAFKA_SELFTEST_CONTROLLER_PORT:-19093}"
export KAFKA_LOCAL_DIR="$ROOT/.local/kafka-selftest"
unset KAFKA_SASL_PORT

rm -rf "$KAFKA_LOCAL_DIR"
cleanup() {
  "$KAFKA" down >/dev/null 2>&1 || true
  rm -rf "$KAFKA_LOCAL_DIR"
}
trap cleanup EXIT

fail() { echo "kafka selftest: FAILED: $*" >&2; exit 1; }

topic="selftest-$(date +%s)-$RANDOM"

# An id that begins with '-' (what earlier versions of kafka.sh wrote once in 64 fresh starts)
mkdir -p "$KAFKA_LOCAL_DIR"
printf '%s' '-Mw1Rr1NQm6VJlK0s7PyKg' >"$KAFKA_LOCAL_DIR/cluster.id"
"$KAFKA" up
[[ "$(cat "$KAFKA_LOCAL_DIR/cluster.id")" != -* ]] || fail "the cluster id beginning with '-' was kept"
"$KAFKA" up | grep -q "already up" || fail "a second up did not see the running broker"
"$KAFKA" create-topic "$topic" 2
"$KAFKA" down
[[ ! -e "$KAFKA_LOCAL_DIR/broker.pid" ]] || fail "down left broker.pid behind"

"$KAFKA" up
"$KAFKA" topics | grep -qx "$topic" || fail "topic $topic is gone after a restart"
echo "kafka selftest: topic $topic survived the restart"
"$KAFKA" down
"$KAFKA" down | grep -q "not running" || fail "down on a stopped broker did not say so"

echo "kafka selftest: passed"
