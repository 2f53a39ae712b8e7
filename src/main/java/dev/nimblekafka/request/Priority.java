package dev.nimblekafka.request;

import java.util.Locale;

/** How urgent a request is: high before normal before low, as the request or its header says. */
public enum Priority {
  HIGH,
  NORMAL,
  LOW;

  /** The name in requests, outcomes and settings. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The priority named {@code wire} ({@code high}, {@code normal}, {@code low}), or null. */
  public static Priority of(String wire) {
    for (Priority priority : values()) {
      if (priority.wire().equals(wire)) {
        return priority;
      }
    }
    return null;
  }
}
