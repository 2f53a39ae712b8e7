package dev.nimblekafka.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a run with a {@link Workload}, per tenant and priority: outcomes, and latency from
 * when the driver produced a request to when its first outcome was read; the watched group's
 * latency; and each tenant's share of the outcomes while every tenant still had work.
 */
final class TenantFigures {
  /** The part of a tenant's outcomes that bounds the contended window: as the steady window. */
  static final double WINDOW_FROM = Figures.STEADY_FROM;

  static final double WINDOW_TO = Figures.STEADY_TO;

  /** A watched group this small has each request's latency listed, in the order it was sent. */
  static final int WATCHED_LISTED = 200;

  private TenantFigures() {}

  /** Produce → first outcome of each request of {@code group} that has one, in the order sent. */
  static List<Long> inSendOrder(
      Map<String, WorkloadProducer.Sent> sent, Map<String, Long> firstSeen, Workload.Group group) {
    return sent.entrySet().stream()
        .filter(e -> e.getValue().group().equals(group) && firstSeen.containsKey(e.getKey()))
        .sorted(
            Map.Entry.comparingByValue(
                java.util.Comparator.comparingLong(WorkloadProducer.Sent::sentAt)))
        .map(e -> firstSeen.get(e.getKey()) - e.getValue().sentAt())
        .toList();
  }

  /**
   * @param sent what was produced: each request's group and when it was sent
   * @param firstSeen when each request's first outcome was read
   * @param placements the tenant and priority each outcome names ({@code tenant/priority})
   */
  static void record(
      RunResult r,
      Workload workload,
      Map<String, WorkloadProducer.Sent> sent,
      Map<String, Long> firstSeen,
      Map<String, String> placements) {
    Map<Workload.Group, List<Long>> latencies = new LinkedHashMap<>();
    Map<Workload.Group, Integer> requests = new LinkedHashMap<>();
    Map<String, List<Long>> arrivalsByTenant = new TreeMap<>();
    for (Workload.Stream s : workload.streams()) {
      latencies.putIfAbsent(s.group(), new ArrayList<>());
      requests.merge(s.group(), 0, Integer::sum);
      arrivalsByTenant.putIfAbsent(s.group().tenant(), new ArrayList<>());
    }
    int mismatches = 0;
    for (Map.Entry<String, WorkloadProducer.Sent> e : sent.entrySet()) {
      Workload.Group group = e.getValue().group();
      requests.merge(group, 1, Integer::sum);
      Long seen = firstSeen.get(e.getKey());
      if (seen == null) {
        continue;
      }
      latencies.get(group).add(seen - e.getValue().sentAt());
      arrivalsByTenant.get(group.tenant()).add(seen);
      if (!group.toString().equals(placements.get(e.getKey()))) {
        mismatches++;
      }
    }
    Map<String, Object> byGroup = new LinkedHashMap<>();
    for (Map.Entry<Workload.Group, List<Long>> e : latencies.entrySet()) {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("requests", requests.get(e.getKey()));
      g.put("outcomes", e.getValue().size());
      if (!e.getValue().isEmpty()) {
        g.put("produce_to_outcome_p50_ms", Math.round(Stats.percentile(e.getValue(), 50)));
        g.put("produce_to_outcome_p99_ms", Math.round(Stats.percentile(e.getValue(), 99)));
        g.put("produce_to_outcome_max_ms", Math.round(Stats.percentile(e.getValue(), 100)));
      }
      byGroup.put(e.getKey().toString(), g);
    }
    r.put("by_tenant_priority", byGroup);
    Map<String, Integer> byTenant = new TreeMap<>();
    arrivalsByTenant.forEach((tenant, times) -> byTenant.put(tenant, times.size()));
    r.put("outcomes_by_tenant", byTenant);
    r.put("outcome_placement_mismatches", mismatches);

    List<Long> watched = latencies.getOrDefault(workload.watched(), List.of());
    r.put("watched_group", workload.watched().toString());
    if (watched.size() <= WATCHED_LISTED) {
      r.put("watched_latencies_ms", inSendOrder(sent, firstSeen, workload.watched()));
    }
    if (!watched.isEmpty()) {
      r.put("watched_produce_to_outcome_p50_ms", Stats.percentile(watched, 50), 0);
      r.put("watched_produce_to_outcome_p99_ms", Stats.percentile(watched, 99), 0);
      r.put("watched_produce_to_outcome_max_ms", Stats.percentile(watched, 100), 0);
    }
    if (arrivalsByTenant.size() > 1) {
      contendedShares(r, arrivalsByTenant);
    }
  }

  /**
   * Each tenant's share of the outcomes read while every tenant still had work: between the moments
   * the tenant that finishes first had 10% and 90% of its outcomes ({@code contended_share_<t>},
   * and the window's length {@code contended_window_s}). The ends are left out as in the steady
   * throughput: the first tasks finish together, and the last of a tenant's tasks run while the
   * other's take its slots.
   */
  static void contendedShares(RunResult r, Map<String, List<Long>> arrivalsByTenant) {
    long from = 0;
    long to = Long.MAX_VALUE;
    for (List<Long> times : arrivalsByTenant.values()) {
      if (times.size() < 10) {
        return; // too few to bound a window
      }
      List<Long> sorted = new ArrayList<>(times);
      Collections.sort(sorted);
      long end = sorted.get((int) Math.ceil(WINDOW_TO * sorted.size()) - 1);
      if (end < to) {
        to = end;
        from = sorted.get((int) Math.floor(WINDOW_FROM * sorted.size()));
      }
    }
    Map<String, Long> inWindow = new TreeMap<>();
    long all = 0;
    for (Map.Entry<String, List<Long>> e : arrivalsByTenant.entrySet()) {
      long fromF = from;
      long toF = to;
      long count = e.getValue().stream().filter(t -> t >= fromF && t <= toF).count();
      inWindow.put(e.getKey(), count);
      all += count;
    }
    if (all == 0 || to <= from) {
      return;
    }
    r.put("contended_window_s", (to - from) / 1000.0, 1);
    for (Map.Entry<String, Long> e : inWindow.entrySet()) {
      r.put("contended_share_" + e.getKey(), e.getValue() / (double) all, 3);
    }
  }

  /**
   * {@code watched_p99_ratio}: this run's watched p99 ÷ that of the variant it is compared to (the
   * same group alone, say).
   */
  static void relate(RunResult r, RunResult reference) {
    r.settings.put("ratio_reference", reference.variant.name());
    r.put(
        "watched_p99_ratio",
        r.number("watched_produce_to_outcome_p99_ms")
            / reference.number("watched_produce_to_outcome_p99_ms"),
        2);
  }
}
