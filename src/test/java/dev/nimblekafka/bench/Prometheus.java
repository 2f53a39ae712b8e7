package dev.nimblekafka.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The Prometheus text format, as far as the benchmark needs it: samples with labels. */
final class Prometheus {
  record Sample(String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private Prometheus(List<Sample> samples) {
    this.samples = samples;
  }

  static Prometheus parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      String name;
      Map<String, String> labels = new TreeMap<>();
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        parseLabels(line.substring(brace + 1, line.lastIndexOf('}')), labels);
      } else {
        name = line.substring(0, line.indexOf(' '));
      }
      try {
        samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
      } catch (NumberFormatException notANumber) {
        // e.g. a timestamp column we do not use; skip the line
      }
    }
    return new Prometheus(samples);
  }

  /** The sum of every sample named {@code name} whose labels pass {@code filter}. */
  double sum(String name, Predicate<Map<String, String>> filter) {
    double sum = 0;
    for (Sample s : samples) {
      if (s.name().equals(name) && filter.test(s.labels())) {
        sum += s.value();
      }
    }
    return sum;
  }

  double sum(String name) {
    return sum(name, labels -> true);
  }

  /**
   * The {@code q} quantile of histogram {@code name} (its {@code _bucket} series whose labels pass
   * {@code filter}, summed over pods): the upper bound of the first bucket that holds it, so never
   * below the true value; NaN when the histogram is empty.
   */
  double quantile(String name, Predicate<Map<String, String>> filter, double q) {
    java.util.TreeMap<Double, Double> cumulative = new java.util.TreeMap<>();
    for (Sample s : samples) {
      if (s.name().equals(name + "_bucket") && filter.test(s.labels())) {
        String le = s.labels().get("le");
        double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        cumulative.merge(bound, s.value(), Double::sum);
      }
    }
    if (cumulative.isEmpty() || cumulative.lastEntry().getValue() <= 0) {
      return Double.NaN;
    }
    double wanted = q * cumulative.lastEntry().getValue();
    for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= wanted) {
        return bucket.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  private static void parseLabels(String text, Map<String, String> labels) {
    int i = 0;
    while (i < text.length()) {
      int eq = text.indexOf('=', i);
      if (eq < 0) {
        return;
      }
      String key = text.substring(i, eq).strip();
      int start = text.indexOf('"', eq) + 1;
      StringBuilder value = new StringBuilder();
      int j = start;
      while (j < text.length() && text.charAt(j) != '"') {
        if (text.charAt(j) == '\\' && j + 1 < text.length()) {
          j++;
        }
        value.append(text.charAt(j));
        j++;
      }
      labels.put(key, value.toString());
      int comma = text.indexOf(',', j);
      i = comma < 0 ? text.length() : comma + 1;
    }
  }
}
