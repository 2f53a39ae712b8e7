package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chaos run: workers started, requests produced at an even pace while the plan's faults happen
 * on time, then every outcome read back with read_committed and checked, and the simulator's tasks
 * audited for duplicate submissions.
 */
final class ChaosRun {
  private static final Logger log = LoggerFactory.getLogger(ChaosRun.class);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  private final ChaosPlan plan;
  private final ChaosSystem system;
  private final ChaosSettings settings;
  private final List<WorkerProcess> workers = new ArrayList<>();
  private final ScheduledExecutorService scheduler =
      Executors.newScheduledThreadPool(
          3,
          r -> {
            Thread t = new Thread(r, "chaos-faults");
            t.setDaemon(true);
            return t;
          });
  private final AtomicInteger pendingRestarts = new AtomicInteger();
  private Timeline timeline;

  ChaosRun(ChaosPlan plan, ChaosSystem system, ChaosSettings settings) {
    this.plan = plan;
    this.system = system;
    this.settings = settings;
  }

  /** Kills every worker JVM at once (the driver is being stopped). */
  void abort() {
    scheduler.shutdownNow();
    for (WorkerProcess w : workers) {
      w.kill();
    }
  }

  ChaosResult run() {
    ChaosPlan.Shape shape = plan.shape();
    List<ChaosRequests.Request> requests =
        ChaosRequests.generate(settings.prefix(), shape.requests(), new Random(plan.seed()));
    Set<String> ids = requests.stream().map(ChaosRequests.Request::id).collect(Collectors.toSet());
    createRequestsTopic(shape.partitions());
    Map<String, String> env = workerEnvironment();
    for (int i = 0; i < shape.workers(); i++) {
      workers.add(
          new WorkerProcess(
              settings.prefix() + "-worker-" + (i + 1),
              system.workerCommand(),
              env,
              settings.logDir().resolve("worker-" + (i + 1) + ".log")));
    }
    try {
      workers.forEach(w -> w.start("first start"));
      Awaitility.await("every worker ready")
          .atMost(settings.readyTimeout())
          .pollInterval(Duration.ofMillis(250))
          .until(() -> workers.stream().allMatch(w -> w.readiness() != null));
      timeline = new Timeline();
      timeline.add(
          Timeline.Kind.NOTE,
          -1,
          shape.workers()
              + " workers ready; producing "
              + shape.requests()
              + " requests over "
              + Text.duration(shape.produceOver()));
      return drive(requests, ids);
    } finally {
      scheduler.shutdownNow();
      for (WorkerProcess w : workers) {
        if (w.alive()) {
          w.kill();
        }
      }
    }
  }

  private ChaosResult drive(List<ChaosRequests.Request> requests, Set<String> ids) {
    ChaosPlan.Shape shape = plan.shape();
    SimAdmin sim = system.sim();
    try (RequestProducer producer =
            new RequestProducer(system.bootstrapServers(), settings.requests());
        OutcomeTracker tracker =
            new OutcomeTracker(
                system.bootstrapServers(), List.of(settings.results(), settings.failures()))) {
      producer.start(requests, shape.produceOver());
      CountDownLatch faultsDone = new CountDownLatch(plan.faults().size());
      for (Fault fault : plan.faults()) {
        scheduler.schedule(
            () -> {
              try {
                apply(fault, sim);
              } catch (RuntimeException e) {
                timeline.add(Timeline.Kind.NOTE, -1, "could not " + fault.describe() + ": " + e);
              } finally {
                faultsDone.countDown();
              }
            },
            fault.at().toMillis(),
            TimeUnit.MILLISECONDS);
      }
      scheduler.scheduleWithFixedDelay(this::supervise, 1, 1, TimeUnit.SECONDS);
      scheduler.scheduleWithFixedDelay(
          () -> progress(producer, tracker, ids, sim),
          PROGRESS_EVERY.toMillis(),
          PROGRESS_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);

      Awaitility.await("all requests produced")
          .atMost(shape.produceOver().plus(Duration.ofMinutes(5)))
          .pollInterval(Duration.ofMillis(250))
          .until(producer::finished);
      Duration produced = timeline.now();
      Map<String, String> notProduced = producer.failures();
      Awaitility.await("the fault schedule")
          .atMost(shape.faultsUntil().plus(Duration.ofMinutes(3)))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> faultsDone.getCount() == 0 && pendingRestarts.get() == 0);

      Duration allOutcomesAt = null;
      Set<String> expected =
          ids.stream().filter(id -> !notProduced.containsKey(id)).collect(Collectors.toSet());
      try {
        Awaitility.await("an outcome for every request")
            .atMost(settings.settle())
            .pollInterval(Duration.ofMillis(250))
            .until(
                () -> {
                  tracker.checkAlive();
                  return tracker.covered(expected) == expected.size();
                });
        allOutcomesAt = timeline.now();
        timeline.add(Timeline.Kind.NOTE, -1, "every request has an outcome");
        awaitIdle();
      } catch (ConditionTimeoutException e) {
        timeline.add(
            Timeline.Kind.NOTE,
            -1,
            "stalled: "
                + (expected.size() - tracker.covered(expected))
                + " requests without an outcome "
                + Text.duration(settings.settle())
                + " after the faults; worker states: "
                + workerStates());
      }
      scheduler.shutdownNow();
      progress(producer, tracker, ids, sim);

      List<Integer> exitCodes = new ArrayList<>();
      for (WorkerProcess w : workers) {
        exitCodes.add(w.terminate(Duration.ofSeconds(40)));
      }
      timeline.add(Timeline.Kind.NOTE, -1, "workers stopped with SIGTERM, exit codes " + exitCodes);
      Duration total = timeline.now();
      return audit(requests, produced, allOutcomesAt, total, notProduced, exitCodes, sim, producer);
    }
  }

  private ChaosResult audit(
      List<ChaosRequests.Request> requests,
      Duration produced,
      Duration allOutcomesAt,
      Duration total,
      Map<String, String> notProduced,
      List<Integer> exitCodes,
      SimAdmin sim,
      RequestProducer producer) {
    Duration read = Duration.ofMinutes(2);
    List<Outcome> outcomes =
        KafkaReads.readToEnd(
                system.bootstrapServers(), List.of(settings.results(), settings.failures()), read)
            .stream()
            .map(Outcome::of)
            .toList();
    List<ChaosRequests.Request> sent =
        requests.stream().filter(r -> !notProduced.containsKey(r.id())).toList();
    Verdict verdict = Verdict.of(sent, outcomes, settings.results());
    Map<String, String> leftover = leftoverState(read);
    Map<Integer, Long> uncommitted = uncommittedOffsets();
    WorkerLogs.addAll(timeline, workers.stream().map(WorkerProcess::log).toList());
    sim.clearFaults();
    JsonNode stats = sim.stats();
    Map<String, RequestProducer.Placement> placements = producer.placements();
    Map<String, Integer> partitions = new HashMap<>();
    placements.forEach((id, p) -> partitions.put(id, p.partition()));
    List<JsonNode> simTasks = sim.tasks(read);
    DuplicateAudit duplicates =
        DuplicateAudit.of(
            simTasks,
            sent,
            verdict.published,
            partitions,
            Ownership.of(timeline.entries(), settings.requests()),
            timeline.entries());
    ChaosResult result =
        new ChaosResult(
            plan,
            requests,
            timeline,
            produced,
            allOutcomesAt,
            total,
            verdict,
            duplicates,
            stats,
            leftover,
            uncommitted,
            notProduced,
            exitCodes,
            workers.stream().map(w -> w.log().toString()).toList(),
            simTasks,
            placements);
    if (!verdict.missing.isEmpty()) {
      Map<String, String> where = new TreeMap<>();
      for (String id : verdict.missing) {
        RequestProducer.Placement p = placements.get(id);
        where.put(
            id, p == null ? "?" : settings.requests() + "-" + p.partition() + "@" + p.offset());
      }
      timeline.add(Timeline.Kind.NOTE, -1, "missing requests and where they are: " + where);
    }
    return result;
  }

  // ---- faults -----------------------------------------------------------------------------

  private void apply(Fault fault, SimAdmin sim) {
    if (fault instanceof Fault.KillWorker kill) {
      kill(kill);
    } else if (fault instanceof Fault.RestartBroker) {
      system.restartBroker(timeline);
    } else if (fault instanceof Fault.Outage o) {
      sim.faults("{\"outage_ms\":" + o.length().toMillis() + "}");
      timeline.add(Timeline.Kind.SIM_FAULT, -1, fault.describe());
    } else if (fault instanceof Fault.RateLimitStorm s) {
      sim.faults("{\"storm_ms\":" + s.length().toMillis() + "}");
      timeline.add(Timeline.Kind.SIM_FAULT, -1, fault.describe());
    } else if (fault instanceof Fault.PaymentRequired p) {
      sim.faults("{\"payment_ms\":" + p.length().toMillis() + ",\"payment_msg\":\"no budget\"}");
      timeline.add(Timeline.Kind.SIM_FAULT, -1, fault.describe());
    } else if (fault instanceof Fault.ServerErrors e) {
      sim.faults("{\"error_rate\":" + e.rate() + ",\"error_status\":" + e.status() + "}");
      timeline.add(Timeline.Kind.SIM_FAULT, -1, fault.describe());
    } else if (fault instanceof Fault.ClearFaults) {
      sim.clearFaults();
      timeline.add(Timeline.Kind.SIM_FAULT, -1, fault.describe());
    }
  }

  private void kill(Fault.KillWorker kill) {
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
  private void supervise() {
    for (int i = 0; i < workers.size(); i++) {
      WorkerProcess w = workers.get(i);
      synchronized (w) {
        if (w.exitedOnItsOwn()) {
          timeline.add(
              Timeline.Kind.WORKER_EXIT,
              i,
              w.instanceId() + " exited on its own with code " + w.exit() + "; see " + w.log());
          w.start("restart after it exited");
          timeline.add(Timeline.Kind.WORKER_START, i, "restarted " + w.instanceId());
        }
      }
    }
  }

  /** Waits (briefly) until no worker holds or queues work: nothing more should be published. */
  private void awaitIdle() {
    try {
      Awaitility.await("idle workers")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  workers.stream()
                      .allMatch(
                          w -> {
                            WorkerSample s = w.sample(timeline.now());
                            return s.answered() && s.inFlight() == 0 && s.queued() == 0;
                          }));
      timeline.add(Timeline.Kind.NOTE, -1, "every worker idle");
    } catch (ConditionTimeoutException e) {
      timeline.add(
          Timeline.Kind.NOTE, -1, "workers still busy after every outcome: " + workerStates());
    }
  }

  private void progress(
      RequestProducer producer, OutcomeTracker tracker, Set<String> ids, SimAdmin sim) {
    String simPart;
    try {
      JsonNode s = sim.stats();
      simPart =
          "sim: "
              + s.path("tasks_created").asLong()
              + " tasks created, "
              + s.path("duplicate_inputs_live").asLong()
              + " live duplicates";
    } catch (RuntimeException e) {
      simPart = "sim: no answer";
    }
    timeline.add(
        Timeline.Kind.NOTE,
        -1,
        String.format(
            "progress: %d/%d produced, %d/%d with an outcome (%d records, %d repeated ids); %s; %s",
            producer.acknowledged(),
            ids.size(),
            tracker.covered(ids),
            ids.size(),
            tracker.records(),
            tracker.repeated().size(),
            workerStates(),
            simPart));
  }

  private String workerStates() {
    List<String> states = new ArrayList<>();
    for (WorkerProcess w : workers) {
      WorkerSample s = w.sample(timeline.now());
      states.add(
          w.instanceId().substring(w.instanceId().lastIndexOf('-') + 1)
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

  // ---- set-up and final checks ------------------------------------------------------------

  private Map<String, String> workerEnvironment() {
    Map<String, String> env = new HashMap<>(ChaosSettings.defaultWorkerEnvironment());
    env.put("KAFKA_BOOTSTRAP_SERVERS", system.bootstrapServers());
    env.put("NIMBLE_BASE_URL", system.sim().baseUrl());
    env.put("NIMBLE_API_KEY", settings.apiKey());
    env.put("REQUESTS_TOPIC", settings.requests());
    env.put("RESULTS_TOPIC", settings.results());
    env.put("FAILURES_TOPIC", settings.failures());
    env.put("STATE_TOPIC", settings.state());
    env.put("CALLBACKS_TOPIC", settings.callbacks());
    env.put("WORKER_GROUP_ID", settings.group());
    env.putAll(settings.workerEnvironment());
    return env;
  }

  private Admin admin() {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers()));
  }

  private void createRequestsTopic(int partitions) {
    try (Admin admin = admin()) {
      admin
          .createTopics(
              List.of(new NewTopic(settings.requests(), Optional.of(partitions), Optional.empty())))
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("creating " + settings.requests(), e);
    }
  }

  /** Request ids whose latest state record is not a tombstone, with the task id it holds. */
  private Map<String, String> leftoverState(Duration timeout) {
    Map<String, String> latest = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        KafkaReads.readToEnd(system.bootstrapServers(), List.of(settings.state()), timeout)) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      if (r.value() == null) {
        latest.remove(key);
      } else {
        latest.put(key, new String(r.value(), StandardCharsets.UTF_8));
      }
    }
    return latest;
  }

  /** Requests-topic partitions whose committed offset is short of the end, by how much. */
  private Map<Integer, Long> uncommittedOffsets() {
    Map<Integer, Long> gaps = new TreeMap<>();
    try (Admin admin = admin();
        KafkaConsumer<byte[], byte[]> consumer =
            KafkaReads.readCommitted(system.bootstrapServers(), "chaos-offsets")) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(settings.group())
              .partitionsToOffsetAndMetadata()
              .get(60, TimeUnit.SECONDS);
      List<TopicPartition> parts =
          KafkaReads.partitions(consumer, List.of(settings.requests()), Duration.ofSeconds(30));
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
      for (TopicPartition tp : parts) {
        OffsetAndMetadata c = committed.get(tp);
        long gap = end.get(tp) - (c == null ? 0 : c.offset());
        if (gap > 0) {
          gaps.put(tp.partition(), gap);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("reading the group's committed offsets", e);
    }
    return gaps;
  }
}
