package dev.nimblekafka.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The worker rows of a paired scenario beside its baseline row: the same simulator settings and the
 * same N, run one after the other. Each figure is given for both and as the ratio worker ÷
 * baseline.
 *
 * @param scenario the paired scenario
 * @param workers the worker runs, in the order they ran
 * @param baseline the run of Nimble's recommended loop
 */
record Comparison(Scenario scenario, List<RunResult> workers, RunResult baseline) {

  /** Which way a figure is better; the ratio alone does not say. */
  enum Better {
    HIGHER,
    LOWER,
    NEITHER;

    String label() {
      return this == NEITHER ? "" : name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A compared figure.
   *
   * @param key its name in the JSON's comparisons
   * @param label its name in the Markdown table
   * @param workerFigure the figure's name in a worker run
   * @param baselineFigure its name in the baseline run; null when the baseline has no such figure
   */
  record Row(String key, String label, String workerFigure, String baselineFigure, Better better) {
    static Row same(String figure, String label, Better better) {
      return new Row(figure, label, figure, figure, better);
    }
  }

  /** The compared figures, in the table's order. */
  static final List<Row> ROWS =
      List.of(
          Row.same(
              "slot_use",
              "slot use: busy slot-s ÷ (C × first create → last task end)",
              Better.HIGHER),
          Row.same("makespan_s", "makespan, first create → last task end (s)", Better.LOWER),
          Row.same(
              "makespan_lower_bound_s",
              "makespan's lower bound: Σ durations ÷ C or the longest task (s)",
              Better.NEITHER),
          Row.same("throughput_steady_per_s", "throughput, steady (outcomes/s)", Better.HIGHER),
          Row.same("throughput_overall_per_s", "throughput, overall (outcomes/s)", Better.HIGHER),
          Row.same("calls_per_task", "HTTP calls per task", Better.LOWER),
          new Row(
              "finish_to_result_p50_ms",
              "Nimble's finish → result read, p50 (ms)",
              "finish_to_read_p50_ms",
              "finish_to_read_p50_ms",
              Better.LOWER),
          new Row(
              "finish_to_result_p99_ms",
              "Nimble's finish → result read, p99 (ms)",
              "finish_to_read_p99_ms",
              "finish_to_read_p99_ms",
              Better.LOWER),
          Row.same("http_429", "429s received", Better.LOWER),
          Row.same("http_429_share", "429s ÷ all calls", Better.LOWER),
          new Row("client_cpu_s", "client CPU s", "worker_cpu_s", "client_cpu_s", Better.LOWER),
          new Row(
              "client_heap_peak_mb",
              "client peak heap MB",
              "worker_heap_peak_mb",
              null,
              Better.LOWER),
          Row.same("wall_s", "wall time, first request → last outcome (s)", Better.LOWER));

  /**
   * worker ÷ baseline. NaN when either is unknown or both are 0 (nothing to compare); +∞ when only
   * the baseline is 0.
   */
  static double ratio(double worker, double baseline) {
    if (Double.isNaN(worker) || Double.isNaN(baseline)) {
      return Double.NaN;
    }
    if (baseline == 0) {
      return worker == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
    }
    return worker / baseline;
  }

  /** A ratio for the table: "4.96×", "∞" or "–". */
  static String formatRatio(double ratio) {
    if (Double.isNaN(ratio)) {
      return "–";
    }
    if (Double.isInfinite(ratio)) {
      return "∞";
    }
    return Report.format(ratio) + "×";
  }

  /** Every paired scenario among {@code runs} with at least one worker run and a baseline run. */
  static List<Comparison> of(List<RunResult> runs) {
    Map<String, List<RunResult>> byScenario = new LinkedHashMap<>();
    for (RunResult r : runs) {
      if (r.scenario.kind() == Scenario.Kind.THROUGHPUT) {
        byScenario.computeIfAbsent(r.scenario.name(), k -> new ArrayList<>()).add(r);
      }
    }
    List<Comparison> comparisons = new ArrayList<>();
    for (List<RunResult> group : byScenario.values()) {
      List<RunResult> workers = group.stream().filter(r -> !r.variant.baseline()).toList();
      List<RunResult> baselines = group.stream().filter(r -> r.variant.baseline()).toList();
      if (!workers.isEmpty() && !baselines.isEmpty()) {
        comparisons.add(
            new Comparison(group.get(0).scenario, workers, baselines.get(baselines.size() - 1)));
      }
    }
    return comparisons;
  }

  double workerValue(Row row, RunResult worker) {
    return worker.number(row.workerFigure());
  }

  double baselineValue(Row row) {
    return row.baselineFigure() == null ? Double.NaN : baseline.number(row.baselineFigure());
  }

  /** "C=100, D=2s, QPS 1000, N=1500". */
  static String describe(Scenario scenario) {
    Scenario.Sim sim = scenario.sim();
    return "C="
        + sim.concurrency()
        + ", D="
        + sim.duration()
        + ", QPS "
        + (sim.qps() == 0 ? "unlimited" : Integer.toString(sim.qps()))
        + ", N="
        + scenario.requests();
  }

  /** A Markdown section: one row per figure, a column per run and per ratio. */
  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("### ")
        .append(scenario.name())
        .append(": worker ÷ Nimble's recommended loop (")
        .append(describe(scenario))
        .append(")\n\n");
    md.append('|').append(" figure | better |");
    for (RunResult w : workers) {
      md.append(" worker ").append(w.variant.name()).append(" |");
    }
    md.append(" baseline |");
    for (RunResult w : workers) {
      md.append(' ').append(w.variant.name()).append(" ÷ baseline |");
    }
    md.append("\n|").append(" --- |".repeat(2 + 2 * workers.size() + 1)).append('\n');
    for (Row row : ROWS) {
      md.append("| ").append(row.label()).append(" | ").append(row.better().label()).append(" |");
      for (RunResult w : workers) {
        md.append(' ').append(cell(row, w.figures.get(row.workerFigure()))).append(" |");
      }
      md.append(' ')
          .append(
              row.baselineFigure() == null
                  ? "–"
                  : cell(row, baseline.figures.get(row.baselineFigure())))
          .append(" |");
      for (RunResult w : workers) {
        md.append(' ')
            .append(formatRatio(ratio(workerValue(row, w), baselineValue(row))))
            .append(" |");
      }
      md.append('\n');
    }
    md.append("| status | |");
    for (RunResult w : workers) {
      md.append(' ').append(status(w)).append(" |");
    }
    md.append(' ').append(status(baseline)).append(" |");
    md.append(" |".repeat(workers.size())).append("\n\n");
    return md.toString();
  }

  /** A figure's cell: shares as percentages, everything else as {@link Report#format}. */
  private static String cell(Row row, Object value) {
    return row.key().endsWith("_share") ? Report.formatPercent(value) : Report.format(value);
  }

  private static String status(RunResult r) {
    return r.status.name().toLowerCase(Locale.ROOT);
  }

  /** The JSON form: every figure as {worker, baseline, ratio}, null where there is none. */
  ObjectNode json() {
    ObjectNode node = Http.JSON.createObjectNode();
    node.put("scenario", scenario.name());
    node.put("simulator", describe(scenario));
    node.put("requests", scenario.requests());
    node.put("baseline_variant", baseline.variant.name());
    node.put("baseline_status", status(baseline));
    node.put("ratio", "worker / baseline");
    ArrayNode array = node.putArray("workers");
    for (RunResult w : workers) {
      ObjectNode worker = array.addObject();
      worker.put("variant", w.variant.name());
      worker.put("status", status(w));
      ObjectNode figures = worker.putObject("figures");
      for (Row row : ROWS) {
        ObjectNode figure = figures.putObject(row.key());
        put(figure, "worker", workerValue(row, w));
        put(figure, "baseline", baselineValue(row));
        put(figure, "ratio", Stats.round(ratio(workerValue(row, w), baselineValue(row)), 3));
        if (row.better() != Better.NEITHER) {
          figure.put("better", row.better().label());
        }
      }
    }
    return node;
  }

  private static void put(ObjectNode node, String name, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      node.putNull(name);
    } else {
      node.put(name, value);
    }
  }
}
