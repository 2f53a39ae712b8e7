package dev.nimblekafka.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one variant of one scenario measured. Figures are named numbers (or short strings) in the
 * order they were recorded; a figure that could not be measured is absent, never zero.
 */
final class RunResult {
  enum Status {
    /** Every request had an outcome (or the target state was reached) in time. */
    OK,
    /** The run ended before it was complete: a stall, a timeout, a process that died. */
    INCOMPLETE,
    /** The run could not be carried out at all. */
    ERROR
  }

  final Scenario scenario;
  final Scenario.Variant variant;
  final Map<String, Object> settings = new LinkedHashMap<>();
  final Map<String, Object> figures = new LinkedHashMap<>();
  final List<String> notes = new ArrayList<>();
  Status status = Status.OK;
  String logs;

  /**
   * When each request's first outcome arrived, in ms after the first request was sent, in arrival
   * order: what the throughput chart and {@link #outcomesPerSecond()} are drawn from.
   */
  List<Long> arrivalOffsetsMillis = List.of();

  RunResult(Scenario scenario, Scenario.Variant variant) {
    this.scenario = scenario;
    this.variant = variant;
  }

  /**
   * The baseline run {@code from} (of another scenario with the same simulator settings and N, in
   * the same benchmark) as the baseline row of {@code scenario}: the same figures, labelled as
   * shared, so its comparison and chart panel can be drawn without running the loop again.
   */
  static RunResult sharedCopy(RunResult from, Scenario scenario) {
    Scenario.Variant label =
        from.variant.renamed(Scenario.Variant.BASELINE + ", " + from.scenario.name() + "'s run");
    RunResult copy = new RunResult(scenario, label);
    copy.settings.putAll(from.settings);
    copy.settings.put("shared_from", from.scenario.name());
    copy.figures.putAll(from.figures);
    copy.notes.addAll(from.notes);
    copy.notes.add(
        "the loop run of "
            + from.scenario.name()
            + " in this benchmark (same simulator settings, same N), not run again");
    copy.status = from.status;
    copy.logs = from.logs;
    copy.arrivalOffsetsMillis = from.arrivalOffsetsMillis;
    return copy;
  }

  /** Whether this is a copy of another scenario's run ({@link #sharedCopy}). */
  boolean shared() {
    return settings.containsKey("shared_from");
  }

  /** Records a number rounded to {@code digits} decimals; NaN or infinite values are left out. */
  void put(String name, double value, int digits) {
    if (!Double.isNaN(value) && !Double.isInfinite(value)) {
      figures.put(name, digits == 0 ? (Object) Math.round(value) : Stats.round(value, digits));
    }
  }

  void put(String name, long value) {
    figures.put(name, value);
  }

  void put(String name, Object value) {
    figures.put(name, value);
  }

  /** Outcomes that arrived in each second of the run: second 0 is [0 s, 1 s) after the start. */
  List<Integer> outcomesPerSecond() {
    return Chart.perBucket(arrivalOffsetsMillis, 1000);
  }

  double number(String name) {
    return figures.get(name) instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  void incomplete(String why) {
    if (status == Status.OK) {
      status = Status.INCOMPLETE;
    }
    notes.add(why);
  }

  void error(String why) {
    status = Status.ERROR;
    notes.add(why);
  }
}
