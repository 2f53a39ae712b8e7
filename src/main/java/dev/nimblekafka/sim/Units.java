package dev.nimblekafka.sim;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human units of the command line: durations ({@code 500ms}, {@code 2s}) and sizes. */
final class Units {
  private static final Pattern DURATION =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(b|kb|k|mb|m|gb|g)?", Pattern.CASE_INSENSITIVE);

  private Units() {}

  /**
   * Parses {@code 0}, {@code 250ms}, {@code 1.5s}, {@code 2m}, {@code 24h}, {@code 1d} or an
   * ISO-8601 duration such as {@code PT2S}.
   */
  static Duration duration(String text) {
    String s = text.trim();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.toUpperCase(Locale.ROOT).startsWith("P")) {
      try {
        return Duration.parse(s);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not a duration: '" + text + "'");
      }
    }
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (use e.g. 0, 250ms, 1.5s, 2m, 24h, 1d)");
    }
    double value = Double.parseDouble(m.group(1));
    double millis =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "ms" -> value;
          case "s" -> value * 1_000;
          case "m" -> value * 60_000;
          case "h" -> value * 3_600_000;
          default -> value * 86_400_000;
        };
    return Duration.ofMillis(Math.round(millis));
  }

  /**
   * Parses a byte size: {@code 0}, {@code 512}, {@code 64KB}, {@code 2MB}, {@code 1.5MB}
   * (1024-based).
   */
  static long size(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: '" + text + "' (use e.g. 0, 512, 64KB, 2MB)");
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long factor =
        switch (unit) {
          case "k", "kb" -> 1024L;
          case "m", "mb" -> 1024L * 1024;
          case "g", "gb" -> 1024L * 1024 * 1024;
          default -> 1L;
        };
    return Math.round(value * factor);
  }

  /** Formats a duration the way {@link #duration} reads it. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0";
    }
    if (ms % 86_400_000 == 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }
}
