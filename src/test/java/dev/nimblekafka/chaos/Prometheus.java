package dev.nimblekafka.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** Reads sample values out of Prometheus text exposition. */
final class Prometheus {
  private final List<String> lines;

  Prometheus(String text) {
    this.lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        lines.add(line.strip());
      }
    }
  }

  /**
   * The sum of the samples of {@code name} that carry every label of {@code labels}; empty when
   * there is none.
   */
  OptionalDouble sum(String name, Map<String, String> labels) {
    double sum = 0;
    boolean found = false;
    for (String line : lines) {
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      String metric =
          brace >= 0 && brace < space ? line.substring(0, brace) : line.substring(0, space);
      if (!metric.equals(name)) {
        continue;
      }
      String labelText = brace >= 0 && brace < space ? line.substring(brace, space) : "";
      boolean matches = true;
      for (Map.Entry<String, String> label : labels.entrySet()) {
        if (!labelText.contains(label.getKey() + "=\"" + label.getValue() + "\"")) {
          matches = false;
          break;
        }
      }
      if (matches) {
        sum += Double.parseDouble(line.substring(space + 1));
        found = true;
      }
    }
    return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
  }

  OptionalDouble sum(String name) {
    return sum(name, Map.of());
  }
}
