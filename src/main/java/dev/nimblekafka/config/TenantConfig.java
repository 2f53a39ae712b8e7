package dev.nimblekafka.config;

import java.time.Duration;
import java.util.Map;

/**
 * How requests of several tenants share the key.
 *
 * @param header the record header a request names its tenant in when its body does not
 * @param weights each named tenant's weight (every other tenant weighs 1)
 * @param maxTasks the tasks a named tenant may keep at Nimble at once, across the fleet
 * @param aging how long a request may wait behind requests of a higher priority before it counts as
 *     one class higher (so a waiting low request is never starved for ever)
 */
public record TenantConfig(
    String header, Map<String, Integer> weights, Map<String, Integer> maxTasks, Duration aging) {

  public TenantConfig {
    weights = Map.copyOf(weights);
    maxTasks = Map.copyOf(maxTasks);
  }

  /** One tenant, every weight 1, no limits, priorities aging by the minute. */
  public static TenantConfig defaults() {
    return new TenantConfig("tenant", Map.of(), Map.of(), Duration.ofMinutes(1));
  }

  public int weight(String tenant) {
    return weights.getOrDefault(tenant, 1);
  }
}
