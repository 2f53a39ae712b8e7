package dev.nimblekafka.chaos;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which worker held which requests partition when, from the workers' "Assigned", "Revoked" and
 * "Lost" log lines and the kills and exits on the timeline.
 */
final class Ownership {
  /** Per partition: from each instant on, the owner (0-based worker, -1: none). */
  private final Map<Integer, TreeMap<Instant, Integer>> changes = new HashMap<>();

  private final Pattern partition;

  private Ownership(String requestsTopic) {
    this.partition = Pattern.compile(Pattern.quote(requestsTopic) + "-(\\d+)");
  }

  static Ownership of(Iterable<Timeline.Entry> entries, String requestsTopic) {
    Ownership o = new Ownership(requestsTopic);
    Pattern partition = o.partition;
    Map<Integer, Integer> owner = new HashMap<>();
    for (Timeline.Entry e : entries) {
      switch (e.kind()) {
        case ASSIGNED -> {
          for (int p : partitions(partition, e.text())) {
            owner.put(p, e.worker());
            o.change(p, e.at(), e.worker());
          }
        }
        case REBALANCE -> {
          for (int p : partitions(partition, e.text())) {
            if (owner.getOrDefault(p, -1) == e.worker()) {
              owner.put(p, -1);
              o.change(p, e.at(), -1);
            }
          }
        }
        case KILL, WORKER_EXIT, WORKER_STOP -> {
          for (Map.Entry<Integer, Integer> held : owner.entrySet()) {
            if (held.getValue() == e.worker()) {
              held.setValue(-1);
              o.change(held.getKey(), e.at(), -1);
            }
          }
        }
        default -> {}
      }
    }
    return o;
  }

  /** The worker holding {@code partition} at {@code at}, -1 if none (or unknown). */
  int owner(int partition, Instant at) {
    TreeMap<Instant, Integer> history = changes.get(partition);
    if (history == null) {
      return -1;
    }
    Map.Entry<Instant, Integer> entry = history.floorEntry(at);
    return entry == null ? -1 : entry.getValue();
  }

  /**
   * Whether a disruption can lose track of work in {@code partition}: a rebalance only for the
   * partitions it names, anything else for all.
   */
  boolean concerns(Timeline.Entry e, int partition) {
    return e.kind() != Timeline.Kind.REBALANCE
        || partition < 0
        || partitions(this.partition, e.text()).contains(partition);
  }

  private void change(int partition, Instant at, int worker) {
    changes.computeIfAbsent(partition, p -> new TreeMap<>()).put(at, worker);
  }

  private static Set<Integer> partitions(Pattern pattern, String text) {
    Set<Integer> found = new HashSet<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.add(Integer.parseInt(m.group(1)));
    }
    return found;
  }
}
