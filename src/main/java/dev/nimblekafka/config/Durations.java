package dev.nimblekafka.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in settings and on the command line. */
public final class Durations {
  private static final Pattern ZERO = Pattern.compile("0+(\\.0+)?");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

  private Durations() {}

  /** Like {@link #parse(String)}, with the option's name in the error. */
  public static Duration parse(String name, String text) {
    try {
      return parse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          name + " must be a duration such as 30s, 5m or 1h but was " + text);
    }
  }

  /**
   * Reads {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, {@code 1d}, ISO-8601 ({@code PT5S}),
   * or a bare {@code 0} (zero needs no unit).
   */
  public static Duration parse(String text) {
    String trimmed = text.strip().toLowerCase(Locale.ROOT);
    if (ZERO.matcher(trimmed).matches()) {
      return Duration.ZERO;
    }
    if (trimmed.startsWith("pt") || trimmed.startsWith("p")) {
      return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
    }
    Matcher matcher = DURATION.matcher(trimmed);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    double amount = Double.parseDouble(matcher.group(1));
    double millis =
        switch (matcher.group(2)) {
          case "ms" -> amount;
          case "s" -> amount * 1_000;
          case "m" -> amount * 60_000;
          case "h" -> amount * 3_600_000;
          default -> amount * 86_400_000;
        };
    return Duration.ofMillis((long) millis);
  }

  /** The shortest exact form: {@code 2h}, {@code 90s}, {@code 250ms}. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1_000 == 0 && millis > 0) {
      return millis / 1_000 + "s";
    }
    return millis + "ms";
  }
}
