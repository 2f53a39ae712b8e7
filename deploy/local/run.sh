#!/usr/bin/env bash
# `make run`: the whole product on this machine. The local Kafka broker (make kafka-up) must be up.
# Starts the Nimble simulator (unless NIMBLE_BASE_URL points elsewhere) and one worker, submits
# examples/requests.jsonl, prints each outcome, then keeps the worker running until Ctrl-C.
#
# Kafka: the local broker on 127.0.0.1:KAFKA_PORT (9092). Only NKW_EXTERNAL_BOOTSTRAP names
# another one; a KAFKA_BOOTSTRAP_SERVERS exported in the shell (often a work cluster) is ignored,
# since the worker creates its topics and the examples are produced there.
# Ports: HTTP_PORT (8080), ADMIN_PORT (8081), SIM_PORT (8090); checked free before anything starts.
# Logs: RUN_LOGS (.local/run).
set -euo pipefail
cd "$(dirname "$0")/../.."

JAR=target/nimble-kafka-worker.jar
LOGS="${RUN_LOGS:-.local/run}"
mkdir -p "$LOGS"
export NIMBLE_API_KEY="${NIMBLE_API_KEY:-local-dev-key}"
export KAFKA_BOOTSTRAP_SERVERS="${NKW_EXTERNAL_BOOTSTRAP:-127.0.0.1:${KAFKA_PORT:-9092}}"
export HTTP_PORT="${HTTP_PORT:-8080}"
export ADMIN_PORT="${ADMIN_PORT:-8081}"
export WORKER_INSTANCE_ID="${WORKER_INSTANCE_ID:-local-1}"
SIM_PORT="${SIM_PORT:-8090}"
EXAMPLES="${EXAMPLES:-examples/requests.jsonl}"

die() { echo "make run: $*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

need_free_port() { # port, the variable that sets it
  if port_open "$1"; then
    die "port $1 on 127.0.0.1 is taken by another process; choose another with $2=..."
  fi
}

# HTTP 200 from 127.0.0.1:port/path, with bash alone (no curl needed).
http_ok() ( # port, path
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
  IFS= read -r -t 5 status <&3 || exit 1
  [[ "$status" == HTTP/1.?" 200"* ]]
) 2>/dev/null

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

# Until port/path answers 200; gives up when the process exits or after the timeout.
wait_for() { # port, path, what, seconds, pid, log
  local deadline=$((SECONDS + $4))
  until http_ok "$1" "$2"; do
    if ! kill -0 "$5" 2>/dev/null; then
      echo "make run: $3 exited during start-up; the end of $6:" >&2
      tail -n 20 "$6" >&2
      exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      die "$3 did not come up within $4 s; see $6"
    fi
    sleep 0.3
  done
}

need_free_port "$HTTP_PORT" HTTP_PORT
need_free_port "$ADMIN_PORT" ADMIN_PORT
if [ -z "${NIMBLE_BASE_URL:-}" ]; then
  need_free_port "$SIM_PORT" SIM_PORT
  export NIMBLE_BASE_URL="http://127.0.0.1:$SIM_PORT"
  java -jar "$JAR" sim --port "$SIM_PORT" --duration uniform:1s..3s >"$LOGS/sim.log" 2>&1 &
  pids+=($!)
  wait_for "$SIM_PORT" /sim/stats "the Nimble simulator" 30 "$!" "$LOGS/sim.log"
  echo "Nimble simulator on $NIMBLE_BASE_URL (log: $LOGS/sim.log)"
fi

java -jar "$JAR" worker >"$LOGS/worker.log" 2>&1 &
pids+=($!)
wait_for "$ADMIN_PORT" /health/ready "the worker" 90 "$!" "$LOGS/worker.log"
echo "Worker ready: http://127.0.0.1:$ADMIN_PORT/health/ready, /metrics (log: $LOGS/worker.log)"
echo
echo "Submitting $EXAMPLES and waiting for the outcomes:"
# exit 4: every outcome came and some request failed; the examples hold an invalid request on
# purpose, so its failure record is part of the show, not a reason to stop
submitted=0
java -jar "$JAR" submit "$EXAMPLES" --wait --timeout 2m || submitted=$?
if [ "$submitted" -ne 0 ] && [ "$submitted" -ne 4 ]; then
  die "submitting $EXAMPLES failed (exit $submitted)"
fi
echo
echo "The worker keeps running on $KAFKA_BOOTSTRAP_SERVERS. Produce to nimble.requests, or try:"
echo "  java -jar $JAR submit examples/urls.txt --wait"
if [ -z "${NKW_EXTERNAL_BOOTSTRAP:-}" ]; then
  echo "Ctrl-C stops the worker and the simulator; the Kafka broker keeps running (make kafka-down)."
else
  echo "Ctrl-C stops the worker and the simulator."
fi
wait "${pids[@]}"
