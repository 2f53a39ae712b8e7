package dev.nimblekafka.nimble;

import java.util.Objects;

/** The Nimble API key. It prints as a mask so it can never reach a log line by accident. */
public final class ApiKey {
  private final String value;

  private ApiKey(String value) {
    this.value = value;
  }

  public static ApiKey of(String value) {
    Objects.requireNonNull(value, "api key");
    if (value.isBlank()) {
      throw new IllegalArgumentException("NIMBLE_API_KEY must not be blank");
    }
    return new ApiKey(value.strip());
  }

  /** The header value; the only way to read the key. */
  String bearer() {
    return "Bearer " + value;
  }

  /** For scrubbing text that might echo the key (e.g. an error body). */
  public String scrub(String text) {
    return text == null ? null : text.replace(value, "****");
  }

  @Override
  public String toString() {
    return "ApiKey[****]";
  }
}
