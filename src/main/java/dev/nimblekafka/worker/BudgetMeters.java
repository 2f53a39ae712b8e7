package dev.nimblekafka.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daily budgets as meters: each budgeted tenant's tasks left today as this pod knows them, and
 * its requests failed with {@code BUDGET_EXCEEDED}. Only tenants named in {@code
 * TENANT_DAILY_TASKS} get a label, so the labels are bounded by the settings.
 */
final class BudgetMeters {
  private final Map<String, AtomicLong> left = new HashMap<>();
  private final Map<String, Counter> exceeded = new HashMap<>();

  BudgetMeters(MeterRegistry registry, Map<String, Integer> budgets) {
    for (Map.Entry<String, Integer> budget : budgets.entrySet()) {
      String tenant = budget.getKey();
      AtomicLong value = new AtomicLong(budget.getValue());
      left.put(tenant, value);
      Gauge.builder("nimble_worker_tenant_budget_remaining", value, AtomicLong::get)
          .description("Tasks a tenant may still create today across the fleet, as this pod knows")
          .tag("tenant", tenant)
          .register(registry);
      exceeded.put(
          tenant,
          Counter.builder("nimble_worker_tenant_budget_exceeded")
              .description("Requests failed with BUDGET_EXCEEDED (TENANT_OVER_BUDGET=fail)")
              .tag("tenant", tenant)
              .register(registry));
    }
  }

  Set<String> tenants() {
    return left.keySet();
  }

  void left(String tenant, long tasks) {
    left.get(tenant).set(tasks);
  }

  void exceeded(String tenant) {
    exceeded.get(tenant).increment();
  }
}
