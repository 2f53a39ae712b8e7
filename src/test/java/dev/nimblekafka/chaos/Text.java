package dev.nimblekafka.chaos;

import java.time.Duration;
import java.util.Collection;
import java.util.stream.Collectors;

/** Formatting shared by the console output and the report. */
final class Text {
  private Text() {}

  /** {@code 850ms}, {@code 12.5s}, {@code 3m05s}. */
  static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 1_000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return ms % 1_000 == 0 ? ms / 1_000 + "s" : String.format("%.1fs", ms / 1_000.0);
    }
    return String.format("%dm%02ds", ms / 60_000, (ms % 60_000) / 1_000);
  }

  /** Seconds since the start with one decimal: {@code t+12.3s}. */
  static String offset(Duration d) {
    return String.format("t+%.1fs", d.toMillis() / 1_000.0);
  }

  /** At most {@code max} items, then how many more. */
  static String sample(Collection<String> items, int max) {
    String shown = items.stream().sorted().limit(max).collect(Collectors.joining(", "));
    return items.size() > max ? shown + ", ... (" + (items.size() - max) + " more)" : shown;
  }
}
