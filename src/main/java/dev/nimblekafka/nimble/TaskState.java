package dev.nimblekafka.nimble;

import java.util.Locale;

/**
 * A task's state, normalised from every vocabulary Nimble's documents use: {@code
 * pending/processing/running/completed/failed} (docs), {@code pending/success/error} (SDK), {@code
 * pending/queued/in_progress} (later SDK), {@code uploading} (legacy). Anything unknown counts as
 * still running, so a new state name never ends a task early.
 */
public enum TaskState {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED;

  public static TaskState fromWire(String state) {
    if (state == null) {
      return RUNNING;
    }
    return switch (state.trim().toLowerCase(Locale.ROOT)) {
      case "pending", "queued" -> PENDING;
      case "completed", "success", "succeeded", "done" -> SUCCEEDED;
      case "failed", "error", "fatal", "canceled", "cancelled" -> FAILED;
      default -> RUNNING;
    };
  }

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED;
  }
}
