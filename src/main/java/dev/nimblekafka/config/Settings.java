package dev.nimblekafka.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads named settings from a flat map (environment over properties file) and collects every
 * problem, so start-up reports all bad settings at once, each by name and value.
 */
final class Settings {

  private final Map<String, String> values;
  private final List<String> problems = new ArrayList<>();
  private final Set<String> asked = new TreeSet<>();
  private final Map<String, Spec> specs = new TreeMap<>();

  /**
   * What a setting accepts, as the reader was asked for it: the settings reference (README) is
   * checked against these.
   *
   * @param fallback the default as it would be written, or a phrase such as {@code (required)}
   * @param bounds the values accepted, e.g. {@code 1..100}, {@code >= 10ms}, {@code true, false}
   */
  record Spec(String fallback, String bounds) {}

  Settings(Map<String, String> values) {
    this.values = values;
  }

  Optional<String> optional(String name) {
    asked.add(name);
    String value = values.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  String string(String name, String fallback) {
    specs.putIfAbsent(name, new Spec(fallback == null ? "unset" : fallback, ""));
    return optional(name).orElse(fallback);
  }

  String required(String name, String hint) {
    specs.putIfAbsent(name, new Spec("(required)", ""));
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      problems.add(name + " must be set (" + hint + ")");
      return "";
    }
    return value.get();
  }

  int integer(String name, int fallback, int min, int max) {
    return (int) longValue(name, fallback, min, max); // the bounds keep it within int
  }

  long longValue(String name, long fallback, long min, long max) {
    specs.putIfAbsent(name, new Spec(Long.toString(fallback), min + ".." + max));
    return parse(
        name,
        fallback,
        text -> {
          long value = Long.parseLong(text);
          if (value < min || value > max) {
            throw new IllegalArgumentException(
                "must be between " + min + " and " + max + " but was " + value);
          }
          return value;
        },
        "a whole number");
  }

  boolean bool(String name, boolean fallback) {
    specs.putIfAbsent(name, new Spec(Boolean.toString(fallback), "true, false"));
    return parse(
        name,
        fallback,
        text ->
            switch (text.toLowerCase(Locale.ROOT)) {
              case "true", "yes", "1", "on" -> true;
              case "false", "no", "0", "off" -> false;
              default ->
                  throw new IllegalArgumentException("must be true or false but was " + text);
            },
        "true or false");
  }

  Duration duration(String name, Duration fallback, Duration min) {
    specs.putIfAbsent(name, new Spec(format(fallback), ">= " + format(min)));
    return parse(
        name,
        fallback,
        text -> {
          Duration value = parseDuration(text);
          if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                "must be >= " + format(min) + " but was " + format(value));
          }
          return value;
        },
        "a duration such as 500ms, 5s, 2m or 1h");
  }

  URI uri(String name, URI fallback) {
    specs.putIfAbsent(
        name, new Spec(fallback == null ? "unset" : fallback.toString(), "an http(s) URL"));
    return parse(
        name,
        fallback,
        text -> {
          URI uri = URI.create(text);
          if (uri.getScheme() == null
              || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
              || uri.getHost() == null) {
            throw new IllegalArgumentException("must be an http(s) URL but was " + text);
          }
          return uri;
        },
        "an http(s) URL");
  }

  <E extends Enum<E>> E enumValue(String name, Class<E> type, E fallback) {
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      names.add(constant.name().toLowerCase(Locale.ROOT));
    }
    specs.putIfAbsent(
        name, new Spec(fallback.name().toLowerCase(Locale.ROOT), String.join(", ", names)));
    return parse(
        name,
        fallback,
        text -> Enum.valueOf(type, text.toUpperCase(Locale.ROOT).replace('-', '_')),
        "one of " + List.of(type.getEnumConstants()).toString().toLowerCase(Locale.ROOT));
  }

  /** States a setting's default and bounds where the typed readers cannot tell them. */
  void describe(String name, String fallback, String bounds) {
    specs.put(name, new Spec(fallback, bounds));
  }

  /** Every setting read so far, with its default and bounds. */
  Map<String, Spec> specs() {
    return Map.copyOf(specs);
  }

  void problem(String message) {
    problems.add(message);
  }

  /** Whether a problem already names this setting (so another about it would only repeat). */
  boolean mentions(String name) {
    return problems.stream().anyMatch(p -> p.startsWith(name + " ") || p.startsWith(name + "_"));
  }

  List<String> problems() {
    return List.copyOf(problems);
  }

  /** Every name read so far. */
  Set<String> asked() {
    return Set.copyOf(asked);
  }

  Map<String, String> all() {
    return values;
  }

  private <T> T parse(String name, T fallback, Function<String, T> parser, String expected) {
    Optional<String> text = optional(name);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      return parser.apply(text.get());
    } catch (IllegalArgumentException e) {
      String why =
          e.getMessage() != null && e.getMessage().startsWith("must")
              ? e.getMessage()
              : "must be " + expected + " but was " + text.get();
      problems.add(name + " " + why);
      return fallback;
    }
  }

  static Duration parseDuration(String text) {
    return Durations.parse(text);
  }

  static String format(Duration duration) {
    return Durations.format(duration);
  }
}
