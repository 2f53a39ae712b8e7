package dev.nimblekafka.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-tenant figures of the tenant scenarios; the scenarios run with {@code make bench}. */
class TenantFiguresTest {
  private static final Workload.Group A = new Workload.Group("a", "normal");
  private static final Workload.Group B = new Workload.Group("b", "normal");

  @Test
  void latencyIsCountedPerGroupFromProduceToFirstOutcome() {
    Workload workload =
        Workload.of(
            B,
            Workload.Stream.burst("a", "normal", 2, Duration.ZERO),
            Workload.Stream.burst("b", "normal", 1, Duration.ofSeconds(5)));
    Map<String, WorkloadProducer.Sent> sent =
        Map.of(
            "a-0", new WorkloadProducer.Sent(A, 0),
            "a-1", new WorkloadProducer.Sent(A, 0),
            "b-0", new WorkloadProducer.Sent(B, 5_000));
    Map<String, Long> seen = Map.of("a-0", 2_000L, "a-1", 4_000L, "b-0", 8_000L);
    Map<String, String> placements =
        Map.of("a-0", "a/normal", "a-1", "b/normal", "b-0", "b/normal");
    RunResult r = result();

    TenantFigures.record(r, workload, sent, seen, placements);

    assertThat(r.number("watched_produce_to_outcome_p99_ms")).isEqualTo(3_000);
    assertThat(r.number("outcome_placement_mismatches")).isEqualTo(1);
    assertThat(r.figures.get("outcomes_by_tenant")).isEqualTo(Map.of("a", 2, "b", 1));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> groups =
        (Map<String, Map<String, Object>>) r.figures.get("by_tenant_priority");
    assertThat(groups.get("a/normal"))
        .containsEntry("requests", 2)
        .containsEntry("outcomes", 2)
        .containsEntry("produce_to_outcome_p50_ms", 2_000L)
        .containsEntry("produce_to_outcome_p99_ms", 4_000L);
  }

  @Test
  void theShareIsTakenWhileTheTenantThatFinishesFirstStillHasWork() {
    Map<String, List<Long>> arrivals = new HashMap<>();
    List<Long> a = new java.util.ArrayList<>();
    List<Long> b = new java.util.ArrayList<>();
    for (long t = 0; t < 100; t++) {
      a.add(t * 10); // a: 3 of every 4 outcomes up to 1 s, then nothing
      a.add(t * 10 + 3);
      a.add(t * 10 + 6);
      b.add(t * 10 + 9);
    }
    for (long t = 0; t < 200; t++) {
      b.add(1_000 + t * 10); // b alone afterwards
    }
    arrivals.put("a", a);
    arrivals.put("b", b);
    RunResult r = result();

    TenantFigures.contendedShares(r, arrivals);

    assertThat(r.number("contended_share_a")).isBetween(0.74, 0.76);
    assertThat(r.number("contended_share_b")).isBetween(0.24, 0.26);
  }

  @Test
  void aWatchedRatioDividesByTheReferenceRun() {
    RunResult flood = result();
    RunResult alone = result();
    flood.put("watched_produce_to_outcome_p99_ms", 9_000L);
    alone.put("watched_produce_to_outcome_p99_ms", 3_000L);

    TenantFigures.relate(flood, alone);

    assertThat(flood.number("watched_p99_ratio")).isEqualTo(3.0);
  }

  @Test
  void scalingAWorkloadScalesEveryStreamAndKeepsItsSchedule() {
    Workload scaled = Scenarios.flood().scaled(0.1).variants().get(0).workload();

    assertThat(scaled.total()).isEqualTo(2_010);
    assertThat(scaled.streams().get(1).startAfter()).isEqualTo(Scenarios.LATE_AFTER);
    assertThat(Workload.Stream.trickle("a", "high", 3, Duration.ofSeconds(3), 2).dueMillis(2))
        .isEqualTo(4_000);
  }

  private static RunResult result() {
    Scenario s = Scenarios.flood();
    return new RunResult(s, s.variants().get(0));
  }
}
