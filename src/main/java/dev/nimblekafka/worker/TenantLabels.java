package dev.nimblekafka.worker;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which tenant label a tenant's meters carry, so that their number stays bounded however many
 * tenants there are: the tenants named in the settings always have their own, so do the {@code few}
 * largest others by tasks (as far as this pod has seen them), and the rest share {@value #OTHER}. A
 * tenant that grows past the smallest of the few takes its place; the one it displaces is counted
 * as {@value #OTHER} from then on and its meters are removed ({@code demoted}). Used by one thread
 * at a time.
 */
final class TenantLabels {
  static final String OTHER = "other";

  /** Tenants counted as {@value #OTHER} whose tasks are remembered, at most. */
  static final int REMEMBERED = 1_000;

  private final Set<String> named;
  private final int few;
  private final Consumer<String> demoted;
  private final Map<String, Long> chosen = new HashMap<>();
  private final Map<String, Long> rest = new HashMap<>();

  TenantLabels(Set<String> named, int few, Consumer<String> demoted) {
    this.named = Set.copyOf(named);
    this.few = few;
    this.demoted = demoted;
  }

  /** The label of a tenant that just counted {@code tasks} more tasks. */
  String label(String tenant, long tasks) {
    if (named.contains(tenant)) {
      return tenant;
    }
    Long mine = chosen.computeIfPresent(tenant, (t, n) -> n + tasks);
    if (mine != null) {
      return tenant;
    }
    if (chosen.size() < few) {
      chosen.put(tenant, tasks + rest.getOrDefault(tenant, 0L));
      rest.remove(tenant);
      return tenant;
    }
    long total = rest.merge(tenant, tasks, Long::sum);
    Map.Entry<String, Long> smallest = null;
    for (Map.Entry<String, Long> e : chosen.entrySet()) {
      if (smallest == null || e.getValue() < smallest.getValue()) {
        smallest = e;
      }
    }
    if (smallest != null && total > smallest.getValue()) {
      String displaced = smallest.getKey();
      rest.put(displaced, smallest.getValue());
      chosen.remove(displaced);
      rest.remove(tenant);
      chosen.put(tenant, total);
      demoted.accept(displaced);
      return tenant;
    }
    if (rest.size() > REMEMBERED) {
      rest.clear(); // the others start counting again: memory stays bounded
    }
    return OTHER;
  }
}
