package dev.nimblekafka.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The run's worker JVMs, as a Deployment would keep them: killed on the schedule and started again
 * after the planned pause; one that exits by itself is noted and started again.
 */
final class WorkerFleet {
  private final List<WorkerProcess> workers = new ArrayList<>();
  private final ScheduledExecutorService scheduler;
  private final AtomicInteger pendingRestarts = new AtomicInteger();
  private final List<String> deaths = new CopyOnWriteArrayList<>();
  private final Map<Integer, LivenessWatch> probes = new ConcurrentHashMap<>();
  private volatile Timeline timeline;

  WorkerFleet(
      int size,
      String prefix,
      List<String> command,
      Map<String, String> environment,
      Path logDir,
      ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
    for (int i = 0; i < size; i++) {
      workers.add(
          new WorkerProcess(
              prefix + "-worker-" + (i + 1),
              command,
              environment,
              logDir.resolve("worker-" + (i + 1) + ".log")));
    }
  }

  /** Starts every worker and waits until each says it is ready. */
  void start(Duration timeout) {
    start(timeout, Set.of());
  }

  /**
   * Starts every worker but those in {@code later} (0-based; they {@link #join} during the run) and
   * waits until each says it is ready.
   */
  void start(Duration timeout, Set<Integer> later) {
    List<WorkerProcess> now = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      if (!later.contains(i)) {
        now.add(workers.get(i));
      }
    }
    now.forEach(w -> w.start("first start"));
    Awaitility.await("every worker ready")
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(250))
        .until(() -> now.stream().allMatch(w -> w.readiness() != null));
  }

  /** Starts a worker that was left out at the start: a pod added to the Deployment. */
  void join(Fault.JoinWorker join) {
    WorkerProcess w = workers.get(join.worker());
    synchronized (w) {
      w.start("joins the group");
    }
    timeline.add(
        Timeline.Kind.WORKER_START, join.worker(), "started " + w.instanceId() + " (joins)");
  }

  /** SIGTERM to a worker that is not started again: a pod removed from the Deployment. */
  void stop(Fault.StopWorker stop) {
    WorkerProcess w = workers.get(stop.worker());
    timeline.add(
        Timeline.Kind.WORKER_STOP, stop.worker(), "SIGTERM " + w.instanceId() + " (it leaves)");
    int code = w.terminate(Duration.ofSeconds(40));
    timeline.add(
        Timeline.Kind.NOTE, stop.worker(), w.instanceId() + " left with exit code " + code);
    if (code != 0) {
      deaths.add(w.instanceId() + " exited " + code + " after SIGTERM instead of draining");
    }
  }

  /**
   * Worker deaths nobody planned: exits on its own, liveness failing for {@link
   * LivenessWatch#LIVENESS_LIMIT} (Kubernetes would restart the pod), no clean exit after a planned
   * SIGTERM.
   */
  List<String> deaths() {
    return List.copyOf(deaths);
  }

  /** From now on kills, restarts and exits go on this timeline. */
  void recordOn(Timeline timeline) {
    this.timeline = timeline;
  }

  List<Path> logs() {
    return workers.stream().map(WorkerProcess::log).toList();
  }

  /** Restarts scheduled after a kill that have not happened yet. */
  int pendingRestarts() {
    return pendingRestarts.get();
  }

  /** Samples the worker's port, SIGKILLs it, and schedules its restart. */
  void kill(Fault.KillWorker kill) {
    WorkerProcess w = workers.get(kill.worker());
    if (!w.alive()) {
      timeline.add(
          Timeline.Kind.NOTE, kill.worker(), w.instanceId() + " is not running; no kill this time");
      return;
    }
    WorkerSample before = w.sample(timeline.now());
    long pid = w.kill();
    timeline.add(
        Timeline.Kind.KILL,
        kill.worker(),
        "SIGKILL "
            + w.instanceId()
            + " (pid "
            + pid
            + "): "
            + before.inFlight()
            + " tasks in flight, "
            + before.queued()
            + " queued"
            + (before.atRisk() >= 0 ? ", " + before.atRisk() + " submissions at risk" : ""),
        before);
    pendingRestarts.incrementAndGet();
    scheduler.schedule(
        () -> {
          try {
            synchronized (w) {
              if (!w.alive()) {
                w.start("restart after SIGKILL");
                timeline.add(
                    Timeline.Kind.WORKER_START, kill.worker(), "restarted " + w.instanceId());
              }
            }
          } finally {
            pendingRestarts.decrementAndGet();
          }
        },
        kill.restartAfter().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** A worker that ended though nobody stopped it is noted and started again, as a pod would be. */
  void supervise() {
    for (int i = 0; i < workers.size(); i++) {
      WorkerProcess w = workers.get(i);
      synchronized (w) {
        if (w.exitedOnItsOwn()) {
          timeline.add(
              Timeline.Kind.WORKER_EXIT,
              i,
              w.instanceId() + " exited on its own with code " + w.exit() + "; see " + w.log());
          deaths.add(
              w.instanceId()
                  + " exited on its own with code "
                  + w.exit()
                  + " at "
                  + Text.offset(timeline.now()));
          w.start("restart after it exited");
          timeline.add(Timeline.Kind.WORKER_START, i, "restarted " + w.instanceId());
          probes.computeIfAbsent(i, k -> new LivenessWatch()).idle();
          continue;
        }
      }
      checkLiveness(i, w);
    }
  }

  /** Notes a worker a Deployment's probes would restart, once per episode. */
  private void checkLiveness(int i, WorkerProcess w) {
    LivenessWatch watch = probes.computeIfAbsent(i, k -> new LivenessWatch());
    if (!w.alive() || !w.meantToRun()) {
      watch.idle();
      return;
    }
    String failed = watch.probe(w.starts(), w.live(), System.nanoTime());
    if (failed != null) {
      String text = w.instanceId() + " " + failed;
      timeline.add(Timeline.Kind.NOTE, i, text);
      deaths.add(text + " at " + Text.offset(timeline.now()));
    }
  }

  /** Waits (at most a minute) until no worker holds or queues work; notes how it ended. */
  void awaitIdle() {
    try {
      Awaitility.await("idle workers")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  workers.stream()
                      .filter(WorkerProcess::meantToRun)
                      .allMatch(
                          w -> {
                            WorkerSample s = w.sample(timeline.now());
                            return s.answered() && s.inFlight() == 0 && s.queued() == 0;
                          }));
      timeline.add(Timeline.Kind.NOTE, -1, "every worker idle");
    } catch (ConditionTimeoutException e) {
      timeline.add(Timeline.Kind.NOTE, -1, "workers still busy after every outcome: " + states());
    }
  }

  /** SIGTERM to each (they drain and commit); the exit codes. */
  List<Integer> terminate(Duration grace) {
    List<Integer> codes = new ArrayList<>();
    for (WorkerProcess w : workers) {
      codes.add(w.terminate(grace));
    }
    return codes;
  }

  /** SIGKILL to every worker still running. */
  void killAll() {
    for (WorkerProcess w : workers) {
      if (w.alive()) {
        w.kill();
      }
    }
  }

  /** One word per worker for progress lines: partitions, slots, queue, pause, or down. */
  String states() {
    List<String> states = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      WorkerSample s = workers.get(i).sample(Duration.ZERO);
      states.add(
          (i + 1)
              + (s.answered()
                  ? "[p="
                      + s.partitions()
                      + " in-flight="
                      + s.inFlight()
                      + " queued="
                      + s.queued()
                      + (s.paused() == null ? "" : " paused=" + s.paused())
                      + "]"
                  : "[down]"));
    }
    return "workers " + String.join(" ", states);
  }
}
