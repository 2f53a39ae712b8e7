package dev.nimblekafka.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What happened during a run and when, as it happened (not as planned). */
final class Timeline {
  private static final Logger log = LoggerFactory.getLogger(Timeline.class);

  /** Kinds of entries; the disruptive ones can leave a submission unrecorded. */
  enum Kind {
    KILL(true),
    WORKER_START(false),
    WORKER_EXIT(true),
    /** A worker stopped on purpose (SIGTERM, not restarted): its partitions move. */
    WORKER_STOP(true),
    BROKER_DOWN(true),
    BROKER_UP(true),
    /** From a worker's log: a commit failed and the worker replays from the last commit. */
    COMMIT_FAILED(true),
    /** From a worker's log: partitions revoked (a rebalance) or lost. */
    REBALANCE(true),
    /** From a worker's log: partitions assigned (also after a replay from the last commit). */
    ASSIGNED(false),
    SIM_FAULT(false),
    NOTE(false);

    final boolean disruptive;

    Kind(boolean disruptive) {
      this.disruptive = disruptive;
    }
  }

  /**
   * One entry. {@code worker} is 0-based, -1 when no worker is concerned; {@code sample} is what
   * the worker's port said just before a kill.
   */
  record Entry(
      Instant at, Duration offset, Kind kind, int worker, String text, WorkerSample sample) {}

  private final Instant start;
  private final long startNanos;
  private final List<Entry> entries = new ArrayList<>();

  Timeline() {
    this.start = Instant.now();
    this.startNanos = System.nanoTime();
  }

  Instant start() {
    return start;
  }

  /** Time since the start. */
  Duration now() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  Entry add(Kind kind, int worker, String text) {
    return add(kind, worker, text, null);
  }

  synchronized Entry add(Kind kind, int worker, String text, WorkerSample sample) {
    Duration offset = now();
    Entry entry = new Entry(start.plus(offset), offset, kind, worker, text, sample);
    entries.add(entry);
    log.info("{} {}", Text.offset(offset), text);
    return entry;
  }

  /** Adds an entry found afterwards (in a worker's log) at the moment it happened. */
  synchronized void addAt(Instant at, Kind kind, int worker, String text) {
    entries.add(new Entry(at, Duration.between(start, at), kind, worker, text, null));
  }

  /** Every entry, in time order. */
  synchronized List<Entry> entries() {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(Entry::at));
    return sorted;
  }
}
