package dev.nimblekafka.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's arithmetic and parsers; the benchmark itself runs with {@code make bench}. */
class BenchParsingTest {

  @Test
  void percentilesUseTheNearestRank() {
    List<Long> values = new ArrayList<>();
    for (long i = 1; i <= 100; i++) {
      values.add(101 - i);
    }
    assertThat(Stats.percentile(values, 50)).isEqualTo(50);
    assertThat(Stats.percentile(values, 99)).isEqualTo(99);
    assertThat(Stats.percentile(values, 100)).isEqualTo(100);
    assertThat(Stats.percentile(List.of(), 50)).isNaN();
  }

  @Test
  void steadyRateLeavesOutTheStartAndTheTail() {
    List<Long> arrivals = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      arrivals.add(i < 10 ? 10_000L + i : 20_000L + (i - 10) * 100L); // slow start, then 10/s
    }
    assertThat(Stats.steadyRate(arrivals, 100, 0.1, 0.9)).isCloseTo(10.0, within(0.01));
    assertThat(Stats.steadyRate(arrivals.subList(0, 50), 100, 0.1, 0.9)).isNaN();
  }

  @Test
  void prometheusSamplesAreSummedByNameAndLabel() {
    Prometheus p =
        Prometheus.parse(
            """
            # HELP x y
            nimble_worker_tasks_in_flight 12.0
            nimble_worker_nimble_calls_seconds_count{operation="status",outcome="429"} 3
            nimble_worker_nimble_calls_seconds_count{operation="submit",outcome="429"} 2
            nimble_worker_nimble_calls_seconds_count{operation="submit",outcome="ok"} 40
            """);
    assertThat(p.sum("nimble_worker_tasks_in_flight")).isEqualTo(12.0);
    assertThat(
            p.sum("nimble_worker_nimble_calls_seconds_count", l -> "429".equals(l.get("outcome"))))
        .isEqualTo(5.0);
    assertThat(p.sum("missing")).isZero();
  }

  @Test
  void gcLogGivesPeakHeapBeforeAndAfterCollections() {
    GcLog log =
        GcLog.parse(
            """
            [0.010s] Using G1
            [1.200s] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2.1ms
            [5.000s] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 100M->40M(380M) 8.0ms
            [9.000s] GC(2) Pause Full (System.gc()) 60M->20M(380M) 30.5ms
            """);
    assertThat(log.collections()).isEqualTo(3);
    assertThat(log.peakBeforeBytes()).isEqualTo(100L << 20);
    assertThat(log.peakAfterBytes()).isEqualTo(40L << 20);
    assertThat(log.peakCommittedBytes()).isEqualTo(380L << 20);
  }

  @Test
  void nimbleFinishIsQueryTimePlusQueryDuration() throws Exception {
    JsonNode record =
        Http.JSON.readTree(
            "{\"request_id\":\"r\",\"result\":{\"metadata\":"
                + "{\"query_time\":\"2026-01-01T00:00:00.000Z\",\"query_duration\":2000}}}");
    assertThat(OutcomeCollector.nimbleFinished(record)).isEqualTo(1_767_225_602_000L);
    assertThat(OutcomeCollector.nimbleFinished(Http.JSON.readTree("{\"result\":{}}"))).isZero();
  }

  @Test
  void everyDefaultScenarioHasVariantsAndTheLimitFollowsCOverD() {
    assertThat(Scenarios.defaults())
        .extracting(Scenario::name)
        .containsExactly("pro-2s", "pro-2s-modes", "starter-20s", "fast-path", "heap");
    assertThat(Scenarios.pro2s().sim().concurrencyLimit()).isEqualTo(50.0);
    assertThat(Scenarios.fastPath().sim().concurrencyLimit()).isInfinite();
    assertThat(Scenarios.all().values()).allSatisfy(s -> assertThat(s.variants()).isNotEmpty());
  }
}
