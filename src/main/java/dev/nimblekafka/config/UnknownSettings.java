package dev.nimblekafka.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns about settings nobody reads (a misspelt name is otherwise silently ignored), naming the
 * closest known setting; with {@code CONFIG_STRICT=true} each is a problem that stops start-up.
 * Never prints a value: it might be a secret.
 */
final class UnknownSettings {
  private static final Logger log = LoggerFactory.getLogger(UnknownSettings.class);

  private UnknownSettings() {}

  /** Why strict mode refused the names before it. */
  static final String STRICT =
      "CONFIG_STRICT=true refuses unknown settings: correct or remove each name above";

  /**
   * Warns about each unknown setting or, when {@code strict}, records it as a problem of {@code
   * settings}.
   */
  static void check(ConfigSource source, boolean strict, Settings settings) {
    check(source, strict, settings, false);
  }

  /**
   * As {@link #check(ConfigSource, boolean, Settings)}; a command-line {@code tool} (run from a
   * desktop shell, where other programs' {@code *_TIMEOUT} variables are common) warns about a name
   * with only our suffix when strict, not otherwise.
   */
  static void check(ConfigSource source, boolean strict, Settings settings, boolean tool) {
    List<String> unknown = find(source, !tool || strict);
    if (!strict) {
      unknown.forEach(log::warn);
    } else if (!unknown.isEmpty()) {
      unknown.forEach(settings::problem);
      settings.problem(STRICT);
    }
  }

  /**
   * Every unknown key of the file; every unknown environment variable that looks like one of ours
   * ({@link SettingNames#looksOurs}), except Kubernetes service links.
   */
  static List<String> find(ConfigSource source) {
    return find(source, true);
  }

  private static List<String> find(ConfigSource source, boolean bySuffix) {
    List<String> unknown = new ArrayList<>();
    for (String name : new TreeSet<>(source.environment().keySet())) {
      String value = source.environment().get(name);
      if (!known(name) && looksOurs(name, bySuffix) && !SettingNames.serviceLink(name, value)) {
        unknown.add(message(name, ""));
      }
    }
    for (String name : new TreeSet<>(source.file().keySet())) {
      if (!known(name) && !source.environment().containsKey(name)) {
        unknown.add(message(name, " in " + source.path().map(Object::toString).orElse("the file")));
      }
    }
    return unknown;
  }

  /**
   * A name with one of our prefixes or suffixes, or one within {@value #NEAR} edits of a known
   * setting ({@code HTTP_PROT}, {@code COMMIT_INTERVALL}).
   */
  private static boolean looksOurs(String name, boolean bySuffix) {
    if (SettingNames.prefixed(name) || (bySuffix && SettingNames.suffixed(name))) {
      return true;
    }
    String wanted = normal(name);
    return wanted.length() >= MIN_NEAR_LENGTH
        && SettingNames.KNOWN.stream().anyMatch(k -> distance(wanted, normal(k)) <= NEAR);
  }

  /** The most edits by which a name without our prefixes and suffixes counts as a typo of ours. */
  private static final int NEAR = 2;

  /** Shorter names are too close to too many others' to be judged by their distance. */
  private static final int MIN_NEAR_LENGTH = 8;

  private static boolean known(String name) {
    return SettingNames.KNOWN.contains(name) || KafkaProperties.isClientVariable(name);
  }

  private static String message(String name, String where) {
    String why =
        name.startsWith("KAFKA_")
            ? " (no Kafka client setting is named " + KafkaProperties.property(name) + ")"
            : "";
    return "unknown setting " + name + where + why + "; did you mean " + closest(name) + "?";
  }

  /** The known setting with the smallest edit distance, ignoring case and . - _ differences. */
  static String closest(String name) {
    List<String> candidates = new ArrayList<>(SettingNames.KNOWN);
    candidates.addAll(KafkaProperties.clientVariables());
    candidates.sort(null); // ties go to the first in alphabetical order
    String wanted = normal(name);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = distance(wanted, normal(candidate));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  private static String normal(String name) {
    return name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
