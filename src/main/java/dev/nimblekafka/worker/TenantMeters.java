package dev.nimblekafka.worker;

import dev.nimblekafka.usage.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ledger as meters: tasks by tenant and outcome, calls and estimated cost by tenant, moved when
 * the usage they count commits. The tenant label is bounded by {@link TenantLabels}. Used by the
 * consume loop's thread.
 */
final class TenantMeters {
  /** Tenants not named in the settings that get a label of their own. */
  static final int LARGEST = 10;

  private final MeterRegistry registry;
  private final TenantLabels labels;
  private final Map<String, List<Counter>> byLabel = new HashMap<>();

  TenantMeters(MeterRegistry registry, Set<String> named) {
    this.registry = registry;
    this.labels = new TenantLabels(named, LARGEST, this::remove);
  }

  /** Counts what a tenant spent since it was last counted. */
  void add(Usage more) {
    if (more.tasks() == 0 && more.calls() == 0 && more.costUsd().signum() == 0) {
      return;
    }
    String label = labels.label(more.tenant(), more.tasks());
    List<Counter> counters = byLabel.computeIfAbsent(label, this::register);
    increment(counters.get(0), more.created());
    increment(counters.get(1), more.succeeded());
    increment(counters.get(2), more.failed());
    increment(counters.get(3), more.expired());
    increment(counters.get(4), more.calls());
    counters.get(5).increment(more.costUsd().doubleValue());
  }

  private static void increment(Counter counter, long by) {
    if (by > 0) {
      counter.increment(by);
    }
  }

  private List<Counter> register(String tenant) {
    return List.of(
        tasks(tenant, "created"),
        tasks(tenant, "succeeded"),
        tasks(tenant, "failed"),
        tasks(tenant, "expired"),
        Counter.builder("nimble_worker_tenant_calls")
            .description("Nimble calls made for a tenant's tasks (one per tenant a call served)")
            .tag("tenant", tenant)
            .register(registry),
        Counter.builder("nimble_worker_tenant_cost_usd")
            .description("Estimated cost of a tenant's successful tasks, US dollars")
            .tag("tenant", tenant)
            .register(registry));
  }

  private Counter tasks(String tenant, String outcome) {
    return Counter.builder("nimble_worker_tenant_tasks")
        .description("Tasks by tenant: created, succeeded (billed), failed, expired")
        .tag("tenant", tenant)
        .tag("outcome", outcome)
        .register(registry);
  }

  private void remove(String tenant) {
    List<Counter> counters = byLabel.remove(tenant);
    if (counters != null) {
      counters.forEach((Meter m) -> registry.remove(m));
    }
  }
}
