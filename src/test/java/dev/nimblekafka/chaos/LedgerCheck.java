package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.usage.Usage;
import dev.nimblekafka.usage.UsageCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The usage ledger against the simulator: for every tenant, the tasks that succeeded as the usage
 * topic says (the latest record of each tenant and day in each partition, summed over partitions
 * and days) must equal the tasks the simulator completed on that tenant's hosts ({@code
 * tasks_completed_by_host} in {@code /sim/stats}): what Nimble bills, counted on both sides.
 *
 * @param ledger tasks succeeded by tenant, as the usage topic says
 * @param simulator tasks completed on each tenant's hosts, as the simulator counts them
 * @param hosts each tenant's hosts
 * @param unreadable usage records that did not read, one line each
 */
record LedgerCheck(
    Map<String, Long> ledger,
    Map<String, Long> simulator,
    Map<String, Set<String>> hosts,
    List<String> unreadable) {
  private static final UsageCodec CODEC = new UsageCodec(new ObjectMapper());

  /** One record of the usage topic, as read. */
  private record UsageRecord(int partition, long offset, String key, byte[] value) {}

  /**
   * Reads the usage topic to its end with read_committed and compares it with the simulator's
   * counts.
   *
   * @param hosts the hosts the simulator counts each tenant's tasks under; a host two tenants share
   *     makes their comparison impossible, and is a mismatch
   */
  static LedgerCheck read(
      String bootstrapServers,
      String usageTopic,
      Duration timeout,
      JsonNode simStats,
      Map<String, Set<String>> hosts) {
    List<UsageRecord> records =
        KafkaReads.readToEnd(
            bootstrapServers,
            List.of(usageTopic),
            timeout,
            r ->
                new UsageRecord(
                    r.partition(),
                    r.offset(),
                    r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                    r.value()));
    Map<String, Usage> latest = new HashMap<>();
    List<String> unreadable = new ArrayList<>();
    for (UsageRecord r : records) {
      if (r.key() == null) {
        continue;
      }
      String where = r.partition() + "/" + r.key();
      if (r.value() == null) {
        latest.remove(where);
        continue;
      }
      try {
        latest.put(where, CODEC.decode(r.value()));
      } catch (IllegalArgumentException e) {
        unreadable.add(usageTopic + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
      }
    }
    return of(latest.values(), simStats, hosts, unreadable);
  }

  /** The comparison of the latest usage records with the simulator's stats. */
  static LedgerCheck of(
      Iterable<Usage> latest,
      JsonNode simStats,
      Map<String, Set<String>> hosts,
      List<String> unreadable) {
    Map<String, Long> ledger = new TreeMap<>();
    for (Usage usage : latest) {
      ledger.merge(usage.tenant(), usage.succeeded(), Long::sum);
    }
    JsonNode byHost = simStats.path("tasks_completed_by_host");
    Map<String, Long> simulator = new TreeMap<>();
    hosts.forEach(
        (tenant, names) ->
            simulator.put(tenant, names.stream().mapToLong(h -> byHost.path(h).asLong(0)).sum()));
    return new LedgerCheck(ledger, simulator, copy(hosts), List.copyOf(unreadable));
  }

  private static Map<String, Set<String>> copy(Map<String, Set<String>> hosts) {
    Map<String, Set<String>> copy = new TreeMap<>();
    hosts.forEach(
        (tenant, names) ->
            copy.put(tenant, Collections.unmodifiableSortedSet(new TreeSet<>(names))));
    return copy;
  }

  /** Every tenant either side names. */
  Set<String> tenants() {
    Set<String> tenants = new TreeSet<>(ledger.keySet());
    tenants.addAll(simulator.keySet());
    return tenants;
  }

  long ledgerOf(String tenant) {
    return ledger.getOrDefault(tenant, 0L);
  }

  long simulatorOf(String tenant) {
    return simulator.getOrDefault(tenant, 0L);
  }

  /** One line for each tenant whose figures differ, each host shared, each unreadable record. */
  List<String> mismatches() {
    List<String> lines = new ArrayList<>();
    Map<String, String> owner = new TreeMap<>();
    hosts.forEach(
        (tenant, names) ->
            names.forEach(
                h -> {
                  String other = owner.putIfAbsent(h, tenant);
                  if (other != null) {
                    lines.add(
                        "the ledger cannot be checked for tenants "
                            + other
                            + " and "
                            + tenant
                            + ": both have pages on "
                            + h);
                  }
                }));
    for (String tenant : tenants()) {
      if (ledgerOf(tenant) != simulatorOf(tenant)) {
        lines.add(
            "tenant "
                + tenant
                + ": the usage ledger counts "
                + ledgerOf(tenant)
                + " tasks succeeded, the simulator completed "
                + simulatorOf(tenant)
                + " on its hosts "
                + hosts.getOrDefault(tenant, Set.of()));
      }
    }
    if (!unreadable.isEmpty()) {
      lines.add(
          unreadable.size() + " usage record(s) that do not read: " + Text.sample(unreadable, 5));
    }
    return lines;
  }
}
