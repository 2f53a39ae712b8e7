package dev.nimblekafka.config;

import dev.nimblekafka.request.Placement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code TENANT_HEADER}, {@code TENANT_WEIGHTS}, {@code TENANT_MAX_TASKS}, {@code
 * TENANT_DAILY_TASKS}, {@code TENANT_OVER_BUDGET} and {@code PRIORITY_AGING}: lists are {@code
 * name=number} pairs separated by commas ({@code acme=3,beta=1}).
 */
final class TenantSettings {
  private TenantSettings() {}

  static TenantConfig read(Settings s) {
    s.describe("TENANT_WEIGHTS", "unset", "tenant=weight pairs, weights 1 to 1000");
    s.describe("TENANT_MAX_TASKS", "unset", "tenant=tasks pairs, tasks ≥ 1");
    s.describe("TENANT_DAILY_TASKS", "unset", "tenant=tasks pairs, tasks ≥ 1");
    String header = s.string("TENANT_HEADER", "tenant");
    if (header.isBlank() || header.length() > 255) {
      s.problem("TENANT_HEADER must be a header name of 1 to 255 characters");
    }
    return new TenantConfig(
        header,
        pairs(s, "TENANT_WEIGHTS", 1, 1_000),
        pairs(s, "TENANT_MAX_TASKS", 1, 1_000_000),
        s.duration("PRIORITY_AGING", Duration.ofMinutes(1), Duration.ofSeconds(1)),
        pairs(s, "TENANT_DAILY_TASKS", 1, 1_000_000_000),
        s.enumValue(
            "TENANT_OVER_BUDGET", TenantConfig.OverBudget.class, TenantConfig.OverBudget.WAIT));
  }

  private static Map<String, Integer> pairs(Settings s, String name, int min, int max) {
    Map<String, Integer> pairs = new LinkedHashMap<>();
    for (String item : s.optional(name).orElse("").split(",")) {
      if (item.isBlank()) {
        continue;
      }
      String[] parts = item.strip().split("=", 2);
      String tenant = parts[0].strip();
      Integer value = parts.length == 2 ? number(parts[1].strip()) : null;
      if (!Placement.validTenant(tenant) || value == null || value < min || value > max) {
        s.problem(
            name
                + " must list tenant=number pairs (tenants of 1 to "
                + Placement.MAX_TENANT_LENGTH
                + " characters of A-Za-z0-9._-, numbers "
                + min
                + " to "
                + max
                + ") but has '"
                + item.strip()
                + "'");
        continue;
      }
      pairs.put(tenant, value);
    }
    return pairs;
  }

  private static Integer number(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
