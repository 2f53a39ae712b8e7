package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.usage.Usage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TenantLabelsTest {
  private final List<String> demoted = new ArrayList<>();

  @Test
  void namedTenantsAlwaysHaveTheirOwnLabel() {
    TenantLabels labels = new TenantLabels(Set.of("acme", "beta"), 0, demoted::add);

    assertThat(labels.label("acme", 1)).isEqualTo("acme");
    assertThat(labels.label("beta", 1)).isEqualTo("beta");
    assertThat(labels.label("gamma", 1_000)).isEqualTo(TenantLabels.OTHER);
  }

  @Test
  void beyondTheFewLargestTheRestShareOther() {
    TenantLabels labels = new TenantLabels(Set.of(), 2, demoted::add);

    assertThat(labels.label("a", 10)).isEqualTo("a");
    assertThat(labels.label("b", 10)).isEqualTo("b");
    assertThat(labels.label("c", 5)).isEqualTo(TenantLabels.OTHER);
    assertThat(demoted).isEmpty();
  }

  @Test
  void aTenantThatGrowsPastTheSmallestOfTheFewTakesItsLabel() {
    TenantLabels labels = new TenantLabels(Set.of(), 2, demoted::add);
    labels.label("a", 10);
    labels.label("b", 3);

    assertThat(labels.label("c", 3)).isEqualTo(TenantLabels.OTHER);
    assertThat(labels.label("c", 1)).as("4 tasks, more than b's 3").isEqualTo("c");
    assertThat(demoted).containsExactly("b");
    assertThat(labels.label("b", 1)).isEqualTo(TenantLabels.OTHER);
    assertThat(labels.label("a", 1)).isEqualTo("a");
  }

  @Test
  void manyTenantsMakeAtMostTheNamedTheLargestAndOtherSeries() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TenantMeters meters = new TenantMeters(registry, Set.of("acme"));
    LocalDate day = LocalDate.of(2026, 12, 7);
    for (int i = 0; i < 500; i++) {
      String tenant = i % 10 == 0 ? "acme" : "t" + (i % 97);
      meters.add(
          new Usage(tenant, day, 0, 1, 1, 0, 0, 2, Map.of("vx6", 1L), new BigDecimal("0.0009")));
    }

    Set<String> tenants = new HashSet<>();
    registry
        .find("nimble_worker_tenant_tasks")
        .counters()
        .forEach(c -> tenants.add(c.getId().getTag("tenant")));
    assertThat(tenants).contains("acme", TenantLabels.OTHER);
    assertThat(tenants).hasSizeLessThanOrEqualTo(1 + TenantMeters.LARGEST + 1);
    double succeeded =
        registry.find("nimble_worker_tenant_tasks").tag("outcome", "succeeded").counters().stream()
            .mapToDouble(c -> c.count())
            .sum();
    assertThat(succeeded)
        .as("a demoted tenant's series goes; what is left counts its tasks since")
        .isLessThanOrEqualTo(500);
    assertThat(
            registry
                .find("nimble_worker_tenant_tasks")
                .tag("tenant", "acme")
                .tag("outcome", "created")
                .counter()
                .count())
        .isEqualTo(50);
  }
}
