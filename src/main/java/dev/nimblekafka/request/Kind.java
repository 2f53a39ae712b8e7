package dev.nimblekafka.request;

import java.util.Locale;

/** Which Nimble endpoint a request goes to. */
public enum Kind {
  /** {@code POST /v1/extract/async}. */
  EXTRACT,
  /** {@code POST /v1/agents/async}. */
  AGENT;

  /** The name used in messages: {@code extract} or {@code agent}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Kind fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
