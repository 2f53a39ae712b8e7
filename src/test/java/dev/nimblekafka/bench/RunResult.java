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
