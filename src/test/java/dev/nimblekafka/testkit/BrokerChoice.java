package dev.nimblekafka.testkit;

import java.util.Locale;
import java.util.Map;

/**
 * Which broker the tests use, as the environment asks; AUTO leaves it to the Docker check. Only
 * {@code NKW_EXTERNAL_BOOTSTRAP} names an external broker: a {@code KAFKA_BOOTSTRAP_SERVERS}
 * exported in the shell (often a work cluster) is never used, so tests cannot create topics there.
 */
record BrokerChoice(Kind kind, String externalBootstrap) {

  enum Kind {
    EXTERNAL,
    CONTAINER,
    IN_PROCESS,
    AUTO
  }

  static final String EXTERNAL_BOOTSTRAP = "NKW_EXTERNAL_BOOTSTRAP";

  static BrokerChoice from(Map<String, String> env) {
    String forced = env.getOrDefault("KAFKA_TEST_BROKER", "auto");
    switch (forced.toLowerCase(Locale.ROOT)) {
      case "in-process":
        return new BrokerChoice(Kind.IN_PROCESS, null);
      case "container":
        return new BrokerChoice(Kind.CONTAINER, null);
      case "auto":
        break;
      default:
        throw new IllegalArgumentException(
            "KAFKA_TEST_BROKER must be auto, in-process or container but was " + forced);
    }
    String external = env.get(EXTERNAL_BOOTSTRAP);
    if (external != null && !external.isBlank()) {
      return new BrokerChoice(Kind.EXTERNAL, external.trim());
    }
    return new BrokerChoice(Kind.AUTO, null);
  }
}
