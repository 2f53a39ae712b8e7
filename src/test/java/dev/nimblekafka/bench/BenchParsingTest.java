package dev.nimblekafka.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's arithmetic and parsers; the benchmark itself runs with {@code make bench}. */
class BenchParsingTest {

  @Test
  void aQuantileOfAHistogramIsTheUpperBoundOfTheBucketThatHoldsItSummedOverPods() {
    Prometheus metrics =
        Prometheus.parse(
            String.join(
                "\n",
                "t_seconds_bucket{stage=\"loop\",le=\"0.01\"} 50",
                "t_seconds_bucket{stage=\"loop\",le=\"0.1\"} 98",
                "t_seconds_bucket{stage=\"loop\",le=\"1.0\"} 100",
                "t_seconds_bucket{stage=\"loop\",le=\"+Inf\"} 100",
                "t_seconds_bucket{stage=\"call\",le=\"0.01\"} 0",
                "t_seconds_bucket{stage=\"call\",le=\"+Inf\"} 0"));
    assertThat(metrics.quantile("t_seconds", l -> "loop".equals(l.get("stage")), 0.5))
        .isEqualTo(0.01);
    assertThat(metrics.quantile("t_seconds", l -> "loop".equals(l.get("stage")), 0.99))
        .isEqualTo(1.0);
    assertThat(metrics.quantile("t_seconds", l -> "call".equals(l.get("stage")), 0.99)).isNaN();
    assertThat(metrics.quantile("absent_seconds", l -> true, 0.99)).isNaN();
  }

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
  void aBurstShorterThanOneTaskHasNoSteadyRateAboveThePlan() {
    List<Long> burst = new ArrayList<>();
    for (long i = 0; i < 100; i++) {
      burst.add(2_000 + i / 5); // 100 tasks of 2 s that ran at once end within 20 ms
    }
    assertThat(Stats.steadyRate(burst, 100, 0.1, 0.9)).as("the old figure").isGreaterThan(3_000);
    assertThat(Stats.steadyRate(burst, 100, 0.1, 0.9, 2_000)).isNaN();
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
        .containsExactly(
            "pro-2s",
            "pro-2s-callbacks",
            "pro-lognormal",
            "starter-lognormal",
            "three-pods",
            "three-pods-skewed",
            "fast-path",
            "heap");
    assertThat(Scenarios.pro2s().sim().concurrencyLimit()).isEqualTo(50.0);
    assertThat(Scenarios.fastPath().sim().concurrencyLimit()).isInfinite();
    assertThat(Scenarios.all().values()).allSatisfy(s -> assertThat(s.variants()).isNotEmpty());
  }

  @Test
  void pairedScenariosRunTheWorkerThenTheBaselineOnTheSameSimulatorAndN() {
    for (Scenario s :
        List.of(
            Scenarios.pro2s(),
            Scenarios.pro2sCallbacks(),
            Scenarios.proLognormal(),
            Scenarios.starterLognormal(),
            Scenarios.pro2sConc(),
            Scenarios.starter20s())) {
      assertThat(s.paired()).as(s.name()).isTrue();
      assertThat(s.variants().get(s.variants().size() - 1).baseline()).isTrue();
      assertThat(s.withoutBaseline().variants()).noneMatch(Scenario.Variant::baseline);
      assertThat(s.scaled(0.5).requests()).isEqualTo(Math.round(s.requests() * 0.5));
    }
    assertThat(Scenarios.baselinePro2s().requests()).isEqualTo(Scenarios.pro2s().requests());
    assertThat(Scenarios.baselinePro2s().sim()).isEqualTo(Scenarios.pro2s().sim());
    assertThat(Scenarios.baselineStarter20s().requests())
        .isEqualTo(Scenarios.starter20s().requests());
    assertThat(Scenarios.baselineStarter20s().withoutBaseline()).isNull();
    assertThat(Scenarios.fastPath().paired()).isFalse();
    // 12 batches 10 s apart, 1200 tasks at C/D = 50/s, D, one poll interval: 141 s ideal
    assertThat(BaselineRun.timeout(Scenarios.pro2s().sim(), 1200)).hasSeconds(423);
    // one batch, 50 tasks at 0.5/s, 20 s, 5 s: 125 s ideal
    assertThat(BaselineRun.timeout(Scenarios.starter20s().sim(), 50)).hasSeconds(375);
    assertThat(BaselineRun.timeout(Scenarios.pro2s().sim(), 10)).hasSeconds(120);
  }

  @Test
  void ratiosAreWorkerOverBaselineAndSayWhenThereIsNothingToCompare() {
    assertThat(Comparison.ratio(50, 10)).isEqualTo(5.0);
    assertThat(Comparison.ratio(2.5, 10)).isEqualTo(0.25);
    assertThat(Comparison.ratio(0, 0)).isNaN();
    assertThat(Comparison.ratio(3, 0)).isInfinite();
    assertThat(Comparison.ratio(Double.NaN, 4)).isNaN();
    assertThat(Comparison.formatRatio(5.0)).isEqualTo("5.00×");
    assertThat(Comparison.formatRatio(0.0421)).isEqualTo("0.04×");
    assertThat(Comparison.formatRatio(Double.NaN)).isEqualTo("–");
    assertThat(Comparison.formatRatio(Double.POSITIVE_INFINITY)).isEqualTo("∞");
  }

  @Test
  void aPairedScenarioGivesOneComparisonWithEveryFigureAndItsRatio() {
    Scenario pro = Scenarios.pro2sConc();
    RunResult workerC = run(pro, 0, 49.0, 2.5, 800, 0);
    RunResult worker12 = run(pro, 1, 50.0, 2.0, 600, 0);
    RunResult baseline = run(pro, 2, 10.0, 4.0, 2500, 12);
    worker12.put("worker_cpu_s", 6.0, 2);
    baseline.put("client_cpu_s", 3.0, 2);
    RunResult fast = run(Scenarios.fastPath(), 0, 900.0, 3.0, 5, 0);

    List<Comparison> comparisons = Comparison.of(List.of(workerC, worker12, baseline, fast));

    assertThat(comparisons).hasSize(1);
    Comparison c = comparisons.get(0);
    assertThat(c.workers()).containsExactly(workerC, worker12);
    assertThat(c.baseline()).isSameAs(baseline);
    String md = c.markdown();
    assertThat(md)
        .contains("pro-2s-conc", "C=100, D=2s, QPS 1000, N=" + pro.requests())
        .contains(
            "| throughput, steady (outcomes/s) | higher | 49.0 | 50.0 | 10.0 | 4.90× | 5.00× |")
        .contains("| HTTP calls per task | lower | 2.50 | 2.00 | 4.00 | 0.63× | 0.50× |")
        .contains("| 429s received | lower | 0 | 0 | 12 | 0.00× | 0.00× |")
        .contains("| client CPU s | lower | – | 6.00 | 3.00 | – | 2.00× |");
    JsonNode json = c.json();
    assertThat(json.path("requests").asInt()).isEqualTo(pro.requests());
    JsonNode figures = json.path("workers").get(1).path("figures");
    assertThat(figures.path("throughput_steady_per_s").path("ratio").asDouble()).isEqualTo(5.0);
    assertThat(figures.path("finish_to_result_p50_ms").path("ratio").asDouble()).isEqualTo(0.24);
    assertThat(figures.path("client_heap_peak_mb").path("baseline").isNull()).isTrue();
    assertThat(figures.path("http_429").path("better").asText()).isEqualTo("lower");

    assertThat(Comparison.of(List.of(workerC, worker12))).isEmpty();
    assertThat(Report.markdown(java.util.Map.of("started_at", "s"), List.of(workerC, baseline)))
        .contains("## Worker ÷ baseline", "![Outcomes per second over time](s-throughput.png)");
  }

  @Test
  void outcomesAreCountedPerSecondAndOverATrailingWindow() {
    assertThat(Chart.perBucket(List.of(0L, 999L, 1000L, 3500L), 1000)).containsExactly(2, 1, 0, 1);
    assertThat(Chart.perBucket(List.of(), 1000)).isEmpty();
    assertThat(Chart.windowSeconds(Scenarios.pro2s().sim(), true)).isEqualTo(10);
    assertThat(Chart.windowSeconds(Scenarios.pro2s().sim(), false)).isEqualTo(2);
    assertThat(Chart.windowSeconds(Scenarios.starter20s().sim(), true)).isEqualTo(20);
    assertThat(Chart.windowSeconds(Scenarios.fastPath().sim(), false)).isEqualTo(1);
    // 100 outcomes at 0.5 s and 100 at 10.5 s, over a 10 s window: 10/s from the first second
    // until the window has passed the last wave, then down to 0
    List<Long> waves = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      waves.add(500L);
      waves.add(10_500L);
    }
    List<Double> rates = Chart.trailingRate(waves, 10);
    assertThat(rates).hasSize(11 + 10);
    assertThat(rates.subList(0, 20)).containsOnly(10.0);
    assertThat(rates.get(20)).isEqualTo(0.0);
    assertThat(Chart.trailingRate(List.of(0L, 1500L), 1)).containsExactly(1.0, 1.0, 0.0);
    assertThat(Chart.trailingRate(List.of(), 10)).isEmpty();
    assertThat(Chart.niceStep(7)).isEqualTo(10);
    assertThat(Chart.niceStep(0.3)).isCloseTo(0.5, within(1e-12));
    assertThat(Chart.niceCeiling(57.5)).isEqualTo(60);
  }

  @Test
  void theChartIsAPngWithAPanelPerPairAndTheBaselineInItsColour(@TempDir Path dir)
      throws Exception {
    Scenario pro = Scenarios.pro2sConc();
    RunResult worker = run(pro, 1, 50.0, 2.0, 600, 0);
    RunResult baseline = run(pro, 2, 10.0, 4.0, 2500, 0);
    List<Long> fast = new ArrayList<>();
    List<Long> slow = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      fast.add(2000L + i * 20L); // 50/s for 6 s
      slow.add(5000L + (i / 100) * 10_000L); // 100 every 10 s
    }
    worker.arrivalOffsetsMillis = fast;
    baseline.arrivalOffsetsMillis = slow;
    Scenario starter = Scenarios.starter20s();
    RunResult starterWorker = run(starter, 0, 0.5, 3.0, 900, 0);
    RunResult starterBaseline = run(starter, 1, 0.5, 9.0, 4000, 0);
    starterWorker.arrivalOffsetsMillis = List.of(20_500L, 40_500L);

    List<Chart.Panel> panels =
        Chart.panels(List.of(worker, baseline, starterWorker, starterBaseline));
    assertThat(panels).hasSize(2);
    assertThat(panels.get(0).title()).contains("C=100", "D=2s", "N=" + pro.requests());
    assertThat(panels.get(0).series())
        .extracting(Chart.Series::baseline)
        .containsExactly(false, true);

    Path png = dir.resolve("out").resolve("chart.png");
    Chart.write(png, "test chart", panels);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(Chart.WIDTH);
    assertThat(image.getHeight()).isEqualTo(Chart.TITLE_HEIGHT + 2 * Chart.PANEL_HEIGHT);
    int baselinePixels = 0;
    int nonWhite = 0;
    for (int x = 0; x < image.getWidth(); x++) {
      for (int y = 0; y < Chart.TITLE_HEIGHT + Chart.PANEL_HEIGHT; y++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        if (rgb == 0xe6550d) {
          baselinePixels++;
        }
        if (rgb != 0xffffff) {
          nonWhite++;
        }
      }
    }
    assertThat(baselinePixels).isGreaterThan(100);
    assertThat(nonWhite).isGreaterThan(5000);
    assertThat(Files.list(png.getParent())).containsExactly(png); // no partial file left behind

    // a run with no pair still gets a panel per scenario
    assertThat(Chart.panels(List.of(run(Scenarios.fastPath(), 0, 900.0, 3.0, 5, 0)))).hasSize(1);
    assertThat(Chart.panels(List.of())).isEmpty();
  }

  @Test
  void theHeadlineScenariosRunAtNimblesRateWithOnlyTheKeysSettings() {
    for (Scenario s :
        List.of(
            Scenarios.pro2s(),
            Scenarios.pro2sCallbacks(),
            Scenarios.proLognormal(),
            Scenarios.starterLognormal(),
            Scenarios.threePods(),
            Scenarios.threePodsSkewed())) {
      assertThat(s.inDefault()).as(s.name()).isTrue();
      assertThat(s.sim().qps()).as(s.name()).isEqualTo(83);
      assertThat(s.sim().args()).containsSequence("--qps", "83");
      for (Scenario.Variant v : s.variants()) {
        if (v.baseline()) {
          continue;
        }
        assertThat(v.env())
            .as(s.name() + " / " + v.name())
            .containsEntry("NIMBLE_QPS", "83")
            .containsEntry("NIMBLE_PLAN_TASKS", Integer.toString(s.sim().concurrency()))
            .doesNotContainKeys("MAX_PENDING_TASKS", "TASK_EXPECTED_DURATION");
      }
    }
    assertThat(Scenarios.pro2sCallbacks().variants().get(0).env())
        .containsKeys("CALLBACK_BASE_URL", "CALLBACK_SECRET");
    assertThat(Scenarios.pro2s().variants().get(0).env()).doesNotContainKey("CALLBACK_BASE_URL");
    // the concurrency-only scenarios keep QPS 1000
    assertThat(Scenarios.pro2sConc().sim().qps()).isEqualTo(1000);
    assertThat(Scenarios.pro2sConcModes().sim().qps()).isEqualTo(1000);
    assertThat(Scenarios.all()).containsKeys("fast-path", "lost-answers", "pro-2s-conc-faults");
  }

  @Test
  void logNormalDurationsTakeCOverDFromTheMean() {
    Scenario.Sim pro = Scenarios.proLognormal().sim();
    assertThat(pro.args()).containsSequence("--duration", "lognormal:8s,0.5");
    assertThat(pro.meanDuration().toMillis()).isEqualTo(9065); // 8 s x e^(0.125)
    assertThat(pro.concurrencyLimit()).isCloseTo(11.03, within(0.01));
    Scenario.Sim starter = Scenarios.starterLognormal().sim();
    assertThat(starter.args()).containsSequence("--duration", "lognormal:15s,0.5");
    assertThat(starter.args()).containsSequence("--plan", "10");
    assertThat(starter.meanDuration().toMillis()).isEqualTo(16997);
  }

  @Test
  void theFleetScenariosRunThreePodsOnTwelvePartitionsAndOnePodOnTheSameSkewedInput() {
    Scenario.Variant three = Scenarios.threePods().variants().get(0);
    assertThat(three.fleet()).isEqualTo(new Scenario.Fleet(3, 12, false));
    List<Scenario.Variant> skewed = Scenarios.threePodsSkewed().variants();
    assertThat(skewed).extracting(v -> v.fleet().pods()).containsExactly(3, 1);
    assertThat(skewed).allSatisfy(v -> assertThat(v.fleet().sameKey()).isTrue());
    assertThat(skewed).allSatisfy(v -> assertThat(v.fleet().partitions()).isEqualTo(12));
    assertThat(skewed.get(0).comparedTo()).isEqualTo(skewed.get(1).name());
    assertThat(Scenarios.threePodsSkewed().sim()).isEqualTo(Scenarios.threePods().sim());
    assertThat(Scenarios.pro2s().variants().get(0).fleet()).isEqualTo(Scenario.Fleet.ONE);
  }

  @Test
  void theThreePodsRunIsDividedByTheLonePodAndOnlyItIsHeldToThatTarget() {
    Scenario skewed = Scenarios.threePodsSkewed();
    RunResult three = run(skewed, 0, 45.0, 2.0, 300, 0);
    RunResult one = run(skewed, 1, 50.0, 2.0, 300, 0);
    three.put("throughput_overall_per_s", 40.0, 2);
    one.put("throughput_overall_per_s", 50.0, 2);
    for (RunResult r : List.of(three, one)) {
      r.put("duplicate_outcomes", 0L);
      r.put("duplicate_inputs_live", 0L);
      r.put("slot_use", 0.99, 3);
    }
    Figures.relate(List.of(three, one));
    assertThat(three.number("throughput_steady_ratio")).isEqualTo(0.9);
    assertThat(three.number("throughput_overall_ratio")).isEqualTo(0.8);
    assertThat(three.settings).containsEntry("ratio_reference", Scenarios.SKEWED_ONE);
    assertThat(one.figures).doesNotContainKey("throughput_steady_ratio");
    assertThat(Report.targets(three)).isEqualTo("met");
    assertThat(Report.targets(one)).isEqualTo("met"); // the ratio target is not its own
    three.put("throughput_steady_per_s", 40.0, 2);
    Figures.relate(List.of(three, one));
    assertThat(Report.targets(three)).isEqualTo("missed: throughput_steady_ratio 0.80 < 0.90");
    assertThat(Report.markdown(java.util.Map.of("started_at", "s"), List.of(three, one)))
        .contains("| three-pods-skewed | 3 pods, one key | 1 pod alone, one key | 0.80 | 0.80 |");

    // starter-lognormal: the worker against the loop's throughput
    Scenario starter = Scenarios.starterLognormal();
    RunResult worker = run(starter, 0, 0.6, 3.0, 900, 0);
    RunResult loop = run(starter, 1, 0.5, 9.0, 4000, 0);
    Figures.relate(List.of(worker, loop));
    assertThat(worker.number("throughput_steady_ratio")).isEqualTo(1.2);
  }

  @Test
  void pro2sCallbacksUsesPro2sLoopRunOnlyWhenItRanOnTheSameSettingsAndN() {
    Scenario pro = Scenarios.pro2s();
    Scenario callbacks = Scenarios.pro2sCallbacks();
    assertThat(callbacks.sim()).isEqualTo(pro.sim());
    assertThat(callbacks.requests()).isEqualTo(pro.requests());
    RunResult loop = run(pro, 1, 10.0, 3.0, 900, 40);
    loop.arrivalOffsetsMillis = List.of(1000L, 2000L);
    assertThat(Bench.sharedLoop(List.of(loop), callbacks)).isSameAs(loop);
    assertThat(Bench.sharedLoop(List.of(loop), callbacks.scaled(0.5))).isNull();
    assertThat(Bench.sharedLoop(List.of(loop), Scenarios.proLognormal())).isNull();
    assertThat(Bench.sharedLoop(List.of(), callbacks)).isNull();

    RunResult copy = RunResult.sharedCopy(loop, callbacks);
    assertThat(copy.scenario).isSameAs(callbacks);
    assertThat(copy.variant.baseline()).isTrue();
    assertThat(copy.variant.name()).isEqualTo("baseline (recommended loop), pro-2s's run");
    assertThat(copy.figures).isEqualTo(loop.figures);
    assertThat(copy.settings).containsEntry("shared_from", "pro-2s");
    assertThat(copy.shared()).isTrue();
    assertThat(Bench.sharedLoop(List.of(copy), callbacks)).isNull(); // a copy is never copied

    RunResult worker = run(callbacks, 0, 50.0, 1.02, 100, 0);
    List<Comparison> comparisons = Comparison.of(List.of(loop, worker, copy));
    assertThat(comparisons).hasSize(1); // pro-2s has no worker run here
    assertThat(comparisons.get(0).scenario()).isSameAs(callbacks);
    assertThat(comparisons.get(0).baseline()).isSameAs(copy);
  }

  @Test
  void the429ShareIsOfAllCallsAtTheSimulator() throws Exception {
    JsonNode stats =
        Http.JSON.readTree(
            "{\"tasks_created\":10,\"calls\":{\"POST /v1/extract/async\":{\"200\":10,\"429\":5},"
                + "\"GET /v1/tasks/{id}\":{\"200\":20,\"429\":5}}}");
    RunResult r = new RunResult(Scenarios.pro2s(), Scenarios.pro2s().variants().get(0));
    OutcomeCollector.Snapshot seen =
        new OutcomeCollector.Snapshot(
            10, 0, 0, 0, java.util.Map.of(), List.of(1L), List.of(), List.of());
    Figures.outcomes(r, seen, 10, 0, Scenarios.pro2s().sim(), stats);
    assertThat(r.number("api_calls")).isEqualTo(40);
    assertThat(r.number("http_429")).isEqualTo(10);
    assertThat(r.number("http_429_share")).isEqualTo(0.25);
    assertThat(r.number("calls_per_task")).isEqualTo(4.0);
    assertThat(Report.formatPercent(0.0041)).isEqualTo("0.41%");
    assertThat(Report.formatPercent(null)).isEqualTo("–");
    assertThat(Scenarios.threePods().targets())
        .extracting(Object::toString)
        .contains("http_429_share <= 0.01", "slot_use >= 0.98");
  }

  @Test
  void slotUseAndMakespanComeFromTheSimulatorsLedgerAndNoTableShowsAFractionOfCd()
      throws Exception {
    JsonNode stats =
        Http.JSON.readTree(
            "{\"tasks_created\":1200,\"calls\":{\"POST /v1/extract/async\":{\"200\":1200}},"
                + "\"slots\":100,\"busy_slot_seconds\":2400.0,\"slot_wait_seconds\":9000.5,"
                + "\"makespan_seconds\":24.5,\"makespan_lower_bound_seconds\":24.0,"
                + "\"slot_use\":0.97959}");
    Scenario pro = Scenarios.pro2s();
    RunResult r = new RunResult(pro, pro.variants().get(0));
    List<Long> arrivals = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      arrivals.add(2000L + i * 18L); // 55/s: a wave, above C/D = 50/s
    }
    Figures.outcomes(
        r,
        new OutcomeCollector.Snapshot(
            1200, 0, 0, 0, java.util.Map.of(), arrivals, List.of(), List.of()),
        1200,
        0,
        pro.sim(),
        stats);

    assertThat(r.number("slot_use")).isEqualTo(0.98);
    assertThat(r.number("makespan_s")).isEqualTo(24.5);
    assertThat(r.number("makespan_lower_bound_s")).isEqualTo(24.0);
    assertThat(r.number("makespan_over_lower_bound")).isEqualTo(1.021);
    assertThat(r.number("throughput_steady_per_s")).isGreaterThan(50);
    assertThat(r.figures).doesNotContainKeys("fraction_of_limit", "fraction_of_concurrency_limit");
    String md = Report.markdown(java.util.Map.of(), List.of(r));
    assertThat(md).contains("| slot use |", "| 0.98 | 24.5 / 24.0 |").doesNotContain("of C/D");
    assertThat(Comparison.ROWS).extracting(Comparison.Row::key).contains("slot_use", "makespan_s");
  }

  @Test
  void theLoopsSteadyRateIsOverTheResultsItDeliveredWhenItGaveUpOnSome() {
    Scenario pro = Scenarios.pro2s();
    List<Long> arrivals = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      arrivals.add(1000L + i * 100L); // 10/s
    }
    JsonNode stats = Http.JSON.createObjectNode();
    // 80 results with arrival times, 20 submissions refused: every request has its outcome
    RunResult loop = new RunResult(pro, pro.variants().get(1));
    Figures.outcomes(
        loop,
        new OutcomeCollector.Snapshot(
            80, 20, 0, 0, java.util.Map.of("SUBMIT_429", 20), arrivals, List.of(), List.of()),
        100,
        0,
        pro.sim(),
        stats);
    assertThat(loop.number("throughput_steady_per_s")).isCloseTo(10.0, within(0.01));
    assertThat(loop.number("steady_over_outcomes")).isEqualTo(80);
    // a worker run that did not finish: no steady rate, as before
    RunResult stalled = new RunResult(pro, pro.variants().get(0));
    Figures.outcomes(
        stalled,
        new OutcomeCollector.Snapshot(
            80, 0, 0, 0, java.util.Map.of(), arrivals, List.of(), List.of()),
        100,
        0,
        pro.sim(),
        stats);
    assertThat(stalled.figures)
        .doesNotContainKeys("throughput_steady_per_s", "steady_over_outcomes");
  }

  /** A finished run of {@code scenario}'s variant {@code index} with the compared figures. */
  private static RunResult run(
      Scenario scenario, int index, double steady, double calls, long p50, long http429) {
    RunResult r = new RunResult(scenario, scenario.variants().get(index));
    r.put("throughput_steady_per_s", steady, 2);
    r.put("calls_per_task", calls, 2);
    r.put("finish_to_read_p50_ms", p50);
    r.put("http_429", http429);
    return r;
  }
}
