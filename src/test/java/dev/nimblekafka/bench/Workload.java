package dev.nimblekafka.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests of several tenants and priorities, each stream produced on its own schedule: a burst at
 * once, or a trickle at a steady rate. A variant with a workload produces it instead of N plain
 * requests, and its outcomes are counted per tenant and priority.
 *
 * @param streams what is produced, and when
 * @param watched the group (tenant and priority) whose produce → outcome latency is the headline
 *     figure, {@code watched_produce_to_outcome_p99_ms}; compared across variants as {@code
 *     watched_p99_ratio}
 */
record Workload(List<Stream> streams, Group watched) {
  Workload {
    streams = List.copyOf(streams);
    if (streams.isEmpty()) {
      throw new IllegalArgumentException("a workload needs at least one stream");
    }
  }

  /** A tenant and a priority: the unit outcomes are counted by. */
  record Group(String tenant, String priority) {
    /** As in the results, e.g. {@code b/normal}. */
    @Override
    public String toString() {
      return tenant + "/" + priority;
    }
  }

  /**
   * Requests of one group.
   *
   * @param group their tenant and priority
   * @param count how many
   * @param startAfter when the first is produced, after the run's start
   * @param perSecond 0: all at once; otherwise one every 1/perSecond seconds
   */
  record Stream(Group group, int count, Duration startAfter, double perSecond) {
    Stream {
      if (count < 1 || perSecond < 0) {
        throw new IllegalArgumentException("count >= 1 and perSecond >= 0: " + count);
      }
    }

    static Stream burst(String tenant, String priority, int count, Duration startAfter) {
      return new Stream(new Group(tenant, priority), count, startAfter, 0);
    }

    static Stream trickle(
        String tenant, String priority, int count, Duration startAfter, double perSecond) {
      return new Stream(new Group(tenant, priority), count, startAfter, perSecond);
    }

    /** When the {@code i}-th request (from 0) is due, in ms after the run's start. */
    long dueMillis(int i) {
      long offset = perSecond == 0 ? 0 : Math.round(i * 1000 / perSecond);
      return startAfter.toMillis() + offset;
    }

    String describe() {
      return count
          + " "
          + group
          + (perSecond == 0 ? " at once" : " at " + Report.format(perSecond) + "/s")
          + (startAfter.isZero() ? "" : " from " + startAfter.toSeconds() + " s");
    }
  }

  static Workload of(Group watched, Stream... streams) {
    return new Workload(List.of(streams), watched);
  }

  /** All the requests of every stream. */
  int total() {
    return streams.stream().mapToInt(Stream::count).sum();
  }

  /** Every stream's count multiplied by {@code scale} (at least one request each). */
  Workload scaled(double scale) {
    List<Stream> scaled = new ArrayList<>();
    for (Stream s : streams) {
      int n = Math.max(1, (int) Math.round(s.count() * scale));
      scaled.add(new Stream(s.group(), n, s.startAfter(), s.perSecond()));
    }
    return new Workload(scaled, watched);
  }

  /** For the report, e.g. "20000 a/normal at once; 100 b/normal at once from 5 s". */
  String describe() {
    return String.join("; ", streams.stream().map(Stream::describe).toList());
  }
}
