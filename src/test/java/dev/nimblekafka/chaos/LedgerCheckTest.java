package dev.nimblekafka.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.usage.Usage;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The chaos verdict's check of the usage ledger against the simulator's count, on figures. */
class LedgerCheckTest {
  private static final LocalDate DAY = LocalDate.of(2026, 12, 7);

  @Test
  void theLedgerSummedOverPartitionsAndDaysEqualsTheSimulatorsHosts() throws Exception {
    LedgerCheck check =
        LedgerCheck.of(
            List.of(
                succeeded("catalogue", DAY, 0, 40),
                succeeded("catalogue", DAY, 1, 2),
                succeeded("catalogue", DAY.plusDays(1), 1, 3),
                succeeded("pricing", DAY, 2, 7)),
            stats(
                "{\"catalogue.chaos.example\":45,\"pricing.chaos.example\":5,"
                    + "\"www.amazon.com\":2}"),
            Map.of(
                "catalogue", Set.of("catalogue.chaos.example"),
                "pricing", Set.of("pricing.chaos.example", "www.amazon.com")),
            List.of());

    assertThat(check.mismatches()).isEmpty();
    assertThat(check.ledgerOf("catalogue")).isEqualTo(45);
  }

  @Test
  void aLedgerShortOfTheSimulatorFailsTheVerdictWithBothFigures() throws Exception {
    LedgerCheck check =
        LedgerCheck.of(
            List.of(succeeded("catalogue", DAY, 0, 44)),
            stats("{\"catalogue.chaos.example\":45}"),
            Map.of("catalogue", Set.of("catalogue.chaos.example")),
            List.of());
    Verdict verdict = Verdict.of(List.of(), List.of(), "results");
    verdict.ledger(check);

    assertThat(verdict.passed()).isFalse();
    assertThat(verdict.violations())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("catalogue", "44", "45");
  }

  @Test
  void aHostTwoTenantsShareIsAMismatchNotAPass() throws Exception {
    LedgerCheck check =
        LedgerCheck.of(
            List.of(),
            stats("{}"),
            Map.of("a", Set.of("shared.example"), "b", Set.of("shared.example")),
            List.of());

    assertThat(check.mismatches()).anyMatch(line -> line.contains("shared.example"));
  }

  @Test
  void everyTenantsPagesAreOnAHostOfItsOwn() {
    List<ChaosRequests.Request> requests = ChaosRequests.generate("run", 300, new Random(7));

    Map<String, Set<String>> hosts = ChaosRequests.hostsByTenant(requests);

    assertThat(hosts)
        .containsOnlyKeys(ChaosRequests.TENANTS)
        .containsEntry("catalogue", Set.of("catalogue.chaos.example"))
        .containsEntry("pricing", Set.of("pricing.chaos.example", ChaosRequests.AGENT_HOST))
        .containsEntry("research", Set.of("research.chaos.example"));
  }

  private static Usage succeeded(String tenant, LocalDate day, int partition, long n) {
    return new Usage(tenant, day, partition, n, n, 0, 0, n, Map.of("vx6", n), BigDecimal.ZERO);
  }

  private static JsonNode stats(String byHost) throws Exception {
    return new ObjectMapper().readTree("{\"tasks_completed_by_host\":" + byHost + "}");
  }
}
