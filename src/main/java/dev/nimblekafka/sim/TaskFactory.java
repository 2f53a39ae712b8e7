package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.wire.ApiVersion;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Creates tasks from validated requests: picks the id, the duration and (by the failure rate)
 * whether the task will fail, stores it and counts it, including whether its input duplicates an
 * earlier task's. A task whose {@code tag} (for agents {@code params.tag}) is {@value #FAIL_TAG}
 * always fails, so tests can mix outcomes deterministically.
 */
final class TaskFactory {
  static final String FAIL_TAG = "sim:fail";

  /**
   * A create whose {@code url} contains this, or whose {@code tag} (agents: {@code params.tag}) is
   * this, is refused with a 403 before any task is created.
   */
  static final String FORBID_MARK = "sim:forbid";

  private final Clock clock;
  private final DurationDistribution durations;
  private final double failureRate;
  private final TaskStore store;
  private final TaskRunner runner;
  private final StatsRecorder stats;

  TaskFactory(SimConfig config, TaskStore store, TaskRunner runner, StatsRecorder stats) {
    this.clock = config.clock();
    this.durations = config.taskDuration();
    this.failureRate = config.failureRate();
    this.store = store;
    this.runner = runner;
    this.stats = stats;
  }

  /** Creates and stores a task; it runs once {@link #submit}ted. */
  SimTask create(CreateRequests.TaskSpec spec, String batchId, boolean sync, ApiVersion version) {
    return create(spec, batchId, sync, version, false);
  }

  /** As {@link #create(CreateRequests.TaskSpec, String, boolean, ApiVersion)}; fails if asked. */
  SimTask create(
      CreateRequests.TaskSpec spec,
      String batchId,
      boolean sync,
      ApiVersion version,
      boolean mustFail) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    JsonNode input = spec.input();
    boolean fails =
        mustFail
            || FAIL_TAG.equals(input.path("tag").asText(null))
            || FAIL_TAG.equals(input.path("params").path("tag").asText(null))
            || (failureRate > 0 && random.nextDouble() < failureRate);
    SimTask task =
        new SimTask(
            randomId(random),
            store.nextSeq(),
            spec.type(),
            spec.agent(),
            input.toString(),
            InputKey.of(spec.type(), input),
            batchId,
            sync ? null : spec.delivery(),
            clock.millis(),
            durations.sampleMillis(random),
            fails,
            sync,
            version);
    stats.created(store.add(task));
    return task;
  }

  /** True when {@code input} carries {@link #FORBID_MARK}. */
  static boolean forbidden(JsonNode input) {
    return input.path("url").asText("").contains(FORBID_MARK)
        || input.path("params").path("url").asText("").contains(FORBID_MARK)
        || input.path("query").asText("").contains(FORBID_MARK)
        || FORBID_MARK.equals(input.path("tag").asText(null))
        || FORBID_MARK.equals(input.path("params").path("tag").asText(null));
  }

  void submit(SimTask task) {
    runner.submit(task);
  }

  /** A version-4 UUID from a fast, non-blocking source (ids need not be unguessable here). */
  static String randomId(ThreadLocalRandom random) {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
