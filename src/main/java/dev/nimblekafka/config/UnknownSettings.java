package dev.nimblekafka.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns about settings nobody reads (a misspelt name is otherwise silently ignored), naming the
 * closest known setting. Never prints a value: it might be a secret.
 */
final class UnknownSettings {
  private static final Logger log = LoggerFactory.getLogger(UnknownSettings.class);

  private UnknownSettings() {}

  /**
   * Every unknown key of the file; every unknown environment variable with one of {@link
   * SettingNames#PREFIXES}, except Kubernetes service links.
   */
  static void warn(ConfigSource source) {
    for (String name : new TreeSet<>(source.environment().keySet())) {
      String value = source.environment().get(name);
      if (SettingNames.prefixed(name) && !known(name) && !SettingNames.serviceLink(name, value)) {
        log.warn(message(name, ""));
      }
    }
    for (String name : new TreeSet<>(source.file().keySet())) {
      if (!known(name) && !source.environment().containsKey(name)) {
        log.warn(message(name, " in " + source.path().map(Object::toString).orElse("the file")));
      }
    }
  }

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
