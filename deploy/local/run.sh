#!/usr/bin/env bash
# `make run`: the whole product on this machine. The local Kafka broker (make kafka-up) must be up.
# Starts the Nimble simulator (unless NIMBLE_BASE_URL points elsewhere) and one worker, submits
# examples/requests.jsonl, prints each outcome, then keeps the worker running until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/../.."

JAR=target/nimble-kafka-worker.jar
LOGS=.local/run
mkdir -p "$LOGS"
export NIMBLE_API_KEY="${NIMBLE_API_KEY:-local-dev-key}"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export HTTP_PORT="${HTTP_PORT:-8080}"
export ADMIN_PORT="${ADMIN_PORT:-8081}"
export WORKER_INSTANCE_ID="${WORKER_INSTANCE_ID:-local-1}"
SIM_PORT="${SIM_PORT:-8090}"
EXAMPLES="${EXAMPLES:-examples/requests.jsonl}"

pids=()
stop() {
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 0 ]; then
    echo "stopping (worker drains, then exits)..."
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop EXIT INT TERM

wait_for() { # url, what, seconds
  local deadline=$((SECONDS + $3))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      echo "$2 did not come up within $3 s; see $LOGS/" >&2
      exit 1
    fi
    sleep 0.3
  done
}

if [ -z "${NIMBLE_BASE_URL:-}" ]; then
  export NIMBLE_BASE_URL="http://127.0.0.1:$SIM_PORT"
  java -jar "$JAR" sim --port "$SIM_PORT" --duration uniform:1s..3s >"$LOGS/sim.log" 2>&1 &
  pids+=($!)
  wait_for "$NIMBLE_BASE_URL/sim/stats" "the Nimble simulator" 30
  echo "Nimble simulator on $NIMBLE_BASE_URL (log: $LOGS/sim.log)"
fi

java -jar "$JAR" worker >"$LOGS/worker.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$ADMIN_PORT/health/ready" "the worker" 90
echo "Worker ready: http://127.0.0.1:$ADMIN_PORT/health/ready, /metrics (log: $LOGS/worker.log)"
echo
echo "Submitting $EXAMPLES and waiting for the outcomes:"
java -jar "$JAR" submit "$EXAMPLES" --wait --timeout 2m
echo
echo "The worker keeps running on $KAFKA_BOOTSTRAP_SERVERS. Produce to nimble.requests, or try:"
echo "  java -jar $JAR submit examples/urls.txt --wait"
echo "Ctrl-C stops it."
wait "${pids[@]}"
