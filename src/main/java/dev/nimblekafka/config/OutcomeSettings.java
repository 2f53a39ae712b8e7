package dev.nimblekafka.config;

import dev.nimblekafka.publish.CloudEvents;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * {@code SCHEMA_REGISTRY_URL} with {@code SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO} (or its {@code
 * _FILE}), and {@code CLOUDEVENTS} with {@code CLOUDEVENTS_SOURCE}: how outcomes are written beyond
 * their JSON. All unset: plain JSON, no event headers.
 */
final class OutcomeSettings {
  static final String REGISTRY = "SCHEMA_REGISTRY_URL";
  static final String USER_INFO = "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO";

  /** {@code CLOUDEVENTS}: the content mode, or none. */
  enum CloudEventsMode {
    OFF,
    BINARY
  }

  private OutcomeSettings() {}

  static OutcomeConfig read(Settings s, Topics topics) {
    s.describe(REGISTRY, "unset", "an http(s) URL; unset writes plain JSON");
    URI registry = s.optional(REGISTRY).isPresent() ? s.uri(REGISTRY, null) : null;
    if (registry != null && registry.getRawUserInfo() != null) {
      s.problem(REGISTRY + " must not hold credentials; set " + USER_INFO + " (or its _FILE)");
      registry = null;
    }
    s.describe(USER_INFO, "unset", "user:password");
    String userInfo = SecretSettings.read(s, USER_INFO).orElse(null);
    if (userInfo != null && userInfo.indexOf(':') < 1) {
      s.problem(USER_INFO + " must be user:password (a colon after a non-empty user)");
    }
    boolean cloudEvents =
        s.enumValue("CLOUDEVENTS", CloudEventsMode.class, CloudEventsMode.OFF)
            == CloudEventsMode.BINARY;
    String fallbackSource = "/nimble-kafka-worker/" + topics.requests();
    String source = s.string("CLOUDEVENTS_SOURCE", fallbackSource);
    s.describe(
        "CLOUDEVENTS_SOURCE",
        "/nimble-kafka-worker/<REQUESTS_TOPIC>",
        "a URI reference of at most " + CloudEvents.MAX_SOURCE_LENGTH + " characters");
    try {
      if (new URI(source).toString().isEmpty()) {
        throw new URISyntaxException(source, "empty");
      }
      if (source.length() > CloudEvents.MAX_SOURCE_LENGTH) {
        s.problem(
            "CLOUDEVENTS_SOURCE must be at most "
                + CloudEvents.MAX_SOURCE_LENGTH
                + " characters but has "
                + source.length());
        source = fallbackSource;
      }
    } catch (URISyntaxException e) {
      s.problem("CLOUDEVENTS_SOURCE must be a URI reference but was " + source);
      source = fallbackSource;
    }
    return new OutcomeConfig(registry, userInfo, cloudEvents, source);
  }
}
