package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches, from a {@link Fault.ExpectResume} on, for the simulator's next task-creating call
 * answered 200: how long the workers took to create tasks again after a fault ended.
 */
final class ResumeWatch {
  private static final Duration EVERY = Duration.ofMillis(500);

  private volatile Fault.ExpectResume expected;
  private volatile Duration resumedAfter;
  private volatile ScheduledFuture<?> task;

  /** Starts watching; the run's scheduler stops it when the run ends. */
  void start(
      Fault.ExpectResume expect,
      SimAdmin sim,
      Timeline timeline,
      ScheduledExecutorService scheduler) {
    expected = expect;
    long before = creates(sim.stats());
    long from = System.nanoTime();
    timeline.add(
        Timeline.Kind.NOTE,
        -1,
        "watching for a create answered 200 (" + before + " so far); " + expect.describe());
    task =
        scheduler.scheduleWithFixedDelay(
            () -> {
              long now;
              try {
                now = creates(sim.stats());
              } catch (RuntimeException e) {
                return;
              }
              if (now > before && resumedAfter == null) {
                resumedAfter = Duration.ofNanos(System.nanoTime() - from);
                timeline.add(
                    Timeline.Kind.NOTE,
                    -1,
                    "creates succeed again, "
                        + Text.duration(resumedAfter)
                        + " after the fault ended");
                task.cancel(false);
              }
            },
            EVERY.toMillis(),
            EVERY.toMillis(),
            TimeUnit.MILLISECONDS);
  }

  /** The expectation watched, null if the run had none. */
  Fault.ExpectResume expected() {
    return expected;
  }

  /** How long after the expectation's moment a create succeeded, null if none did. */
  Duration resumedAfter() {
    return resumedAfter;
  }

  /** Task-creating calls ({@code POST}) answered 200 so far, over every endpoint. */
  static long creates(JsonNode stats) {
    long total = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = stats.path("calls").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> endpoint = it.next();
      if (endpoint.getKey().startsWith("POST ")) {
        total += endpoint.getValue().path("200").asLong();
      }
    }
    return total;
  }
}
