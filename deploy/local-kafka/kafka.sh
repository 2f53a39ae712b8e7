#!/usr/bin/env bash
# A local single-node Apache Kafka broker (KRaft, combined broker + controller) run as its own JVM
# from Kafka's Maven artifacts. No download other than Maven Central, no container.
#
#   kafka.sh up                       start it (or say it is already up) and wait until it answers
#   kafka.sh down                     stop it: SIGTERM, then SIGKILL after KAFKA_STOP_TIMEOUT s
#   kafka.sh status                   say whether it runs and answers
#   kafka.sh topics                   list its topics
#   kafka.sh create-topic NAME [N]    create a topic with N partitions (default 1)
#
# Settings (environment):
#   KAFKA_PORT=9092               client listener, PLAINTEXT on 127.0.0.1
#   KAFKA_CONTROLLER_PORT=9093    KRaft controller listener
#   KAFKA_SASL_PORT=              if set, also a SASL_PLAINTEXT (PLAIN) listener on this port,
#                                 user KAFKA_SASL_USERNAME (worker) / KAFKA_SASL_PASSWORD
#   KAFKA_LOCAL_DIR=.local/kafka  state: server.properties, cluster.id, data/, broker.log(.1), broker.pid
#   KAFKA_LIBS=.local/kafka/libs  the jars; collected once by deploy/local-kafka/pom.xml
#   KAFKA_HEAP=256m  KAFKA_START_TIMEOUT=60  KAFKA_STOP_TIMEOUT=30  MVN="mvn -B -ntp -q"
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=cluster-id.sh
source "$HERE/cluster-id.sh"
# The project's Kafka version: the kafka.version of the root pom.xml, kept there only.
KAFKA_VERSION="$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)"
[[ -n "$KAFKA_VERSION" ]] || { echo "kafka: no <kafka.version> in $ROOT/pom.xml" >&2; exit 1; }

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-}"
KAFKA_SASL_USERNAME="${KAFKA_SASL_USERNAME:-worker}"
KAFKA_SASL_PASSWORD="${KAFKA_SASL_PASSWORD:-worker-local-secret}"
LOCAL_DIR="${KAFKA_LOCAL_DIR:-$ROOT/.local/kafka}"
mkdir -p "$LOCAL_DIR"
LOCAL_DIR="$(cd "$LOCAL_DIR" && pwd)"
LIBS="${KAFKA_LIBS:-$ROOT/.local/kafka/libs}"
HEAP="${KAFKA_HEAP:-256m}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
MVN="${MVN:-mvn -B -ntp}"

PID_FILE="$LOCAL_DIR/broker.pid"
LOG_FILE="$LOCAL_DIR/broker.log"
CONFIG="$LOCAL_DIR/server.properties"
CLUSTER_ID_FILE="$LOCAL_DIR/cluster.id"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
# Short-lived tool JVMs: small heap, no C2, quiet logs.
TOOL_OPTS=(-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
  "-Dlog4j2.configurationFile=$HERE/log4j2.properties" -Dkafka.log.level=WARN)

say() { echo "kafka: $*"; }
die() { echo "kafka: $*" >&2; exit 1; }

# The recorded PID, if that process is alive and is our broker (not a reused PID).
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $CONFIG" || return 1
  echo "$pid"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
elapsed() { local ms=$(($(now_ms) - $1)); printf '%d.%01ds' $((ms / 1000)) $((ms % 1000 / 100)); }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

tool() { java "${TOOL_OPTS[@]}" -cp "$LIBS/*" "$@"; }

# The broker answers a real request (ApiVersions), not just a TCP connect.
answers() {
  timeout 30 java "${TOOL_OPTS[@]}" -cp "$LIBS/*" org.apache.kafka.tools.BrokerApiVersionsCommand \
    --bootstrap-server "$BOOTSTRAP" >/dev/null 2>&1
}

ensure_libs() {
  local marker="$LIBS/.kafka-$KAFKA_VERSION"
  if [[ -f "$marker" ]]; then
    return
  fi
  say "collecting Apache Kafka $KAFKA_VERSION jars from Maven Central into $LIBS (once)"
  # The jars of another version would share the classpath: they go first.
  if [[ -d "$LIBS" ]]; then
    find "$LIBS" -maxdepth 1 \( -name '*.jar' -o -name '.kafka-*' \) -delete
  fi
  local mvn_log="$LOCAL_DIR/collect-libs.log"
  if ! $MVN -f "$HERE/pom.xml" -Dkafka.version="$KAFKA_VERSION" -Dkafka.libs="$LIBS" package \
    >"$mvn_log" 2>&1; then
    tail -n 40 "$mvn_log" >&2
    die "collecting the jars failed; the whole output is in $mvn_log"
  fi
  touch "$marker"
}

write_config() {
  local listeners="PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT"
  local advertised="PLAINTEXT://127.0.0.1:$KAFKA_PORT"
  local protocols="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
  if [[ -n "$KAFKA_SASL_PORT" ]]; then
    listeners+=",SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT"
    advertised+=",SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT"
    protocols+=",SASL_PLAINTEXT:SASL_PLAINTEXT"
  fi
  cat >"$CONFIG" <<PROPS
# Written by deploy/local-kafka/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=$listeners
advertised.listeners=$advertised
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=$protocols
log.dirs=$LOCAL_DIR/data

# The product creates its own topics.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1

# One node: internal topics with replication factor 1.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000

# After a kill, a restart waits until the old registration expires: 4 s rather than 9 s.
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4000
PROPS
  if [[ -n "$KAFKA_SASL_PORT" ]]; then
    cat >>"$CONFIG" <<PROPS

# SASL/PLAIN on its own listener.
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_SASL_USERNAME="$KAFKA_SASL_PASSWORD";
PROPS
  fi
}

up() {
  local pid
  if pid="$(running_pid)"; then
    say "already up (pid $pid) on $BOOTSTRAP"
    return 0
  fi
  rm -f "$PID_FILE"
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" $KAFKA_SASL_PORT; do
    if port_open "$port"; then
      die "port $port on 127.0.0.1 is taken by another process; choose others with KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done
  local started
  started=$(now_ms)
  mkdir -p "$LOCAL_DIR/data"
  ensure_libs
  ensure_cluster_id "$CLUSTER_ID_FILE"
  write_config

  # Formatting once is enough: the data (and the topics) are kept from one start to the next.
  # --cluster-id=ID, not -t ID: an id that begins with '-' could not be read as an option.
  local format_out
  if [[ ! -f "$LOCAL_DIR/data/meta.properties" ]] &&
    ! format_out="$(tool kafka.tools.StorageTool format --ignore-formatted \
      --cluster-id="$(cat "$CLUSTER_ID_FILE")" -c "$CONFIG" 2>&1)"; then
    die "formatting $LOCAL_DIR/data failed: $format_out"
  fi

  # One start per log file; the previous one is kept as broker.log.1.
  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  echo "=== $(date -u +%FT%TZ) starting Kafka $KAFKA_VERSION on $BOOTSTRAP" >"$LOG_FILE"
  # setsid: the broker outlives the shell that started it and gets no signal meant for it.
  setsid java "-Xmx$HEAP" "-Xms$HEAP" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    "-Dlog4j2.configurationFile=$HERE/log4j2.properties" -Dkafka.log.level=INFO \
    -cp "$LIBS/*" kafka.Kafka "$CONFIG" >>"$LOG_FILE" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline=$((SECONDS + START_TIMEOUT))
  until port_open "$KAFKA_PORT" && answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 30 "$LOG_FILE" >&2
      die "the broker exited during start-up; its log is $LOG_FILE"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$LOG_FILE" >&2
      stop_pid "$pid"
      die "the broker did not answer on $BOOTSTRAP within ${START_TIMEOUT}s; stopped it"
    fi
    sleep 0.2
  done
  say "up on $BOOTSTRAP (pid $pid, ready in $(elapsed "$started"); data in $LOCAL_DIR/data, log in $LOG_FILE)"
}

stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "no exit ${STOP_TIMEOUT}s after SIGTERM; sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      local gone=$((SECONDS + 5))
      while kill -0 "$pid" 2>/dev/null && ((SECONDS < gone)); do sleep 0.1; done
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
}

down() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    say "not running"
    return 0
  fi
  local started
  started=$(now_ms)
  stop_pid "$pid"
  say "stopped (pid $pid, in $(elapsed "$started"))"
}

status() {
  local pid
  if ! pid="$(running_pid)"; then
    say "not running"
    return 1
  fi
  if answers; then
    say "up on $BOOTSTRAP (pid $pid)"
  else
    say "process $pid is alive but does not answer on $BOOTSTRAP"
    return 1
  fi
}

need_running() {
  running_pid >/dev/null || die "not running; start it with: make kafka-up"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  topics)
    need_running
    tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --list
    ;;
  create-topic)
    [[ -n "${2:-}" ]] || die "usage: $0 create-topic NAME [PARTITIONS]"
    need_running
    tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
      --create --if-not-exists --topic "$2" --partitions "${3:-1}"
    ;;
  *) die "usage: $0 up|down|status|topics|create-topic NAME [PARTITIONS]" ;;
esac
