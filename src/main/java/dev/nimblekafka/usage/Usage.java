package dev.nimblekafka.usage;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one tenant spent on one UTC day, as counted by the owner of one requests partition (or, once
 * summed, by all of them): tasks created at Nimble, tasks that succeeded there (what Nimble bills),
 * by the driver that ran them, requests that ended failed or expired without a successful task,
 * Nimble calls made for the tenant's tasks, and the estimated cost of the successful tasks.
 *
 * @param partition the requests partition counted, or -1 for a sum over partitions
 * @param costUsd the cost of {@code succeededByDriver} at the price table of the writer
 */
public record Usage(
    String tenant,
    LocalDate day,
    int partition,
    long created,
    long succeeded,
    long failed,
    long expired,
    long calls,
    Map<String, Long> succeededByDriver,
    BigDecimal costUsd) {

  public Usage {
    succeededByDriver = Map.copyOf(succeededByDriver);
  }

  /** Nothing spent yet. */
  public static Usage none(String tenant, LocalDate day, int partition) {
    return new Usage(tenant, day, partition, 0, 0, 0, 0, 0, Map.of(), BigDecimal.ZERO);
  }

  /** The key of a tenant's day in the usage topic: {@code <tenant>|<yyyy-mm-dd>}. */
  public static String key(String tenant, LocalDate day) {
    return tenant + "|" + day;
  }

  public String key() {
    return key(tenant, day);
  }

  /** Both counts added up (the same tenant and day, different partitions). */
  public Usage plus(Usage other) {
    Map<String, Long> drivers = new TreeMap<>(succeededByDriver);
    other.succeededByDriver.forEach((d, n) -> drivers.merge(d, n, Long::sum));
    return new Usage(
        tenant,
        day,
        partition == other.partition ? partition : -1,
        created + other.created,
        succeeded + other.succeeded,
        failed + other.failed,
        expired + other.expired,
        calls + other.calls,
        drivers,
        costUsd.add(other.costUsd));
  }

  /**
   * What this holds beyond {@code before} (an earlier count of the same tenant, day and partition);
   * nothing is negative.
   */
  public Usage since(Usage before) {
    Map<String, Long> drivers = new TreeMap<>();
    succeededByDriver.forEach(
        (d, n) -> {
          long more = n - before.succeededByDriver.getOrDefault(d, 0L);
          if (more > 0) {
            drivers.put(d, more);
          }
        });
    BigDecimal cost = costUsd.subtract(before.costUsd);
    return new Usage(
        tenant,
        day,
        partition,
        Math.max(0, created - before.created),
        Math.max(0, succeeded - before.succeeded),
        Math.max(0, failed - before.failed),
        Math.max(0, expired - before.expired),
        Math.max(0, calls - before.calls),
        drivers,
        cost.signum() < 0 ? BigDecimal.ZERO : cost);
  }

  /** Tasks that ended, however, plus those created: how busy the tenant was. */
  public long tasks() {
    return created + succeeded + failed + expired;
  }
}
