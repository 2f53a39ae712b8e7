package dev.nimblekafka.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles and rates over the benchmark's samples. */
final class Stats {
  private Stats() {}

  /** The nearest-rank percentile ({@code p} in 0..100) of {@code values}; NaN when empty. */
  static double percentile(List<Long> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.min(sorted.size() - 1, Math.max(0, rank - 1)));
  }

  /**
   * Outcomes per second over the steady part of a run: between the moment the {@code from} fraction
   * of the {@code total} had arrived and the moment the {@code to} fraction had. This leaves out
   * the start (nothing can finish before the first task has run for D) and the tail (the last tasks
   * finish while slots stand empty). NaN when too few outcomes arrived, or when the window spans
   * less than {@code minSpanMs}: outcomes of tasks that all ran at once (fewer requests than the
   * plan runs together) arrive within milliseconds of each other, a burst, not a steady state, and
   * their rate would read far above the plan's C/D.
   *
   * @param arrivals the times (ms) outcomes arrived, in any order
   */
  static double steadyRate(List<Long> arrivals, int total, double from, double to, long minSpanMs) {
    List<Long> sorted = new ArrayList<>(arrivals);
    Collections.sort(sorted);
    int first = (int) Math.floor(from * total);
    int last = (int) Math.ceil(to * total) - 1;
    if (last >= sorted.size() || last <= first) {
      return Double.NaN;
    }
    long span = sorted.get(last) - sorted.get(first);
    return span < Math.max(1, minSpanMs) ? Double.NaN : (last - first) * 1000.0 / span;
  }

  /** As {@link #steadyRate(List, int, double, double, long)}, for any window longer than 0 ms. */
  static double steadyRate(List<Long> arrivals, int total, double from, double to) {
    return steadyRate(arrivals, total, from, to, 1);
  }

  /** {@code value} rounded to {@code digits} decimals; NaN and infinities stay as they are. */
  static double round(double value, int digits) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return value;
    }
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  /** The median of a few repeated readings. */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
  }
}
