package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One chaos run: workers started, requests produced at an even pace while the plan's faults happen
 * on time, then every outcome read back with read_committed and checked, and the simulator's tasks
 * audited for duplicate submissions.
 */
final class ChaosRun {
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  private final ChaosPlan plan;
  private final ChaosSystem system;
  private final ChaosSettings settings;
  private final ScheduledExecutorService scheduler =
      Executors.newScheduledThreadPool(
          4, // a fault held back for page records blocks one while it waits
          r -> {
            Thread t = new Thread(r, "chaos-faults");
            t.setDaemon(true);
            return t;
          });
  private final HostileScenario scenario;
  private final ResumeWatch resume = new ResumeWatch();
  private final Object publishingGate = new Object();
  private WorkerFleet fleet;
  private Timeline timeline;

  /** The default run: requests drawn from the plan's seed, the outcome checks only. */
  ChaosRun(ChaosPlan plan, ChaosSystem system, ChaosSettings settings) {
    this(plan, system, settings, null);
  }

  /**
   * A run of {@code scenario} (null: the default run): its requests, and its judgement on top of
   * the outcome checks (unplanned worker deaths, tasks paid twice, its own expectations).
   */
  ChaosRun(ChaosPlan plan, ChaosSystem system, ChaosSettings settings, HostileScenario scenario) {
    this.plan = plan;
    this.system = system;
    this.settings = settings;
    this.scenario = scenario;
  }

  /** Kills every worker JVM at once (the driver is being stopped). */
  void abort() {
    scheduler.shutdownNow();
    if (fleet != null) {
      fleet.killAll();
    }
  }

  ChaosResult run() {
    ChaosPlan.Shape shape = plan.shape();
    List<ChaosRequests.Request> requests =
        scenario != null
            ? scenario.requests(settings.prefix(), new Random(plan.seed()))
            : ChaosRequests.generate(settings.prefix(), shape.requests(), new Random(plan.seed()));
    Set<String> ids = requests.stream().map(ChaosRequests.Request::ref).collect(Collectors.toSet());
    KafkaChecks.createTopic(system.bootstrapServers(), settings.requests(), shape.partitions());
    fleet =
        new WorkerFleet(
            shape.workers(),
            settings.prefix(),
            system.workerCommand(),
            workerEnvironment(),
            settings.logDir(),
            scheduler);
    try {
      fleet.start(
          settings.readyTimeout(),
          plan.faults().stream()
              .filter(Fault.JoinWorker.class::isInstance)
              .map(f -> ((Fault.JoinWorker) f).worker())
              .collect(Collectors.toSet()));
      timeline = new Timeline();
      fleet.recordOn(timeline);
      timeline.add(
          Timeline.Kind.NOTE,
          -1,
          shape.workers()
              + " workers ready; producing "
              + shape.requests()
              + " requests over "
              + Text.duration(shape.produceOver()));
      timeline.add(
          Timeline.Kind.NOTE,
          -1,
          (scenario == null ? "" : "scenario " + scenario.name() + ": ")
              + shape.workers()
              + " worker slots; producing "
              + requests.size()
              + " request records over "
              + Text.duration(shape.produceOver()));
      return drive(requests, ids);
    } finally {
      scheduler.shutdownNow();
      fleet.killAll();
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
      List<ChaosRequests.Request> first = requests.stream().filter(r -> r.wave() == 0).toList();
      List<ChaosRequests.Request> again = requests.stream().filter(r -> r.wave() > 0).toList();
      producer.start(first, shape.produceOver());
      CountDownLatch faultsDone = new CountDownLatch(plan.faults().size());
      for (Fault fault : plan.faults()) {
        scheduler.schedule(
            () -> {
              try {
                apply(fault, sim, tracker);
              } catch (RuntimeException e) {
                timeline.add(Timeline.Kind.NOTE, -1, "could not " + fault.describe() + ": " + e);
              } finally {
                faultsDone.countDown();
              }
            },
            fault.at().toMillis(),
            TimeUnit.MILLISECONDS);
      }
      scheduler.scheduleWithFixedDelay(fleet::supervise, 1, 1, TimeUnit.SECONDS);
      scheduler.scheduleWithFixedDelay(
          () -> progress(producer, tracker, ids, sim),
          PROGRESS_EVERY.toMillis(),
          PROGRESS_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);

      Awaitility.await("all requests produced")
          .atMost(shape.produceOver().plus(Duration.ofMinutes(5)))
          .pollInterval(Duration.ofMillis(250))
          .until(producer::finished);
      if (!again.isEmpty()) {
        produceAgain(first, again, producer, tracker);
      }
      Duration produced = timeline.now();
      Map<String, String> notProduced = producer.failures();
      Awaitility.await("the fault schedule")
          .atMost(shape.faultsUntil().plus(Duration.ofMinutes(3)))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> faultsDone.getCount() == 0 && fleet.pendingRestarts() == 0);

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
        fleet.awaitIdle();
      } catch (ConditionTimeoutException e) {
        timeline.add(
            Timeline.Kind.NOTE,
            -1,
            "stalled: "
                + (expected.size() - tracker.covered(expected))
                + " requests without an outcome "
                + Text.duration(settings.settle())
                + " after the faults; worker states: "
                + fleet.states());
      }
      scheduler.shutdownNow();
      progress(producer, tracker, ids, sim);

      List<Integer> exitCodes = fleet.terminate(Duration.ofSeconds(40));
      timeline.add(Timeline.Kind.NOTE, -1, "workers stopped with SIGTERM, exit codes " + exitCodes);
      Duration total = timeline.now();
      return audit(requests, produced, allOutcomesAt, total, notProduced, exitCodes, sim, producer);
    }
  }

  /**
   * Produces the records whose ids earlier records have, once those earlier records all have their
   * outcome (at most the settle time): a request id used again after its outcome.
   */
  private void produceAgain(
      List<ChaosRequests.Request> first,
      List<ChaosRequests.Request> again,
      RequestProducer producer,
      OutcomeTracker tracker) {
    Set<String> reused = again.stream().map(ChaosRequests.Request::id).collect(Collectors.toSet());
    Set<String> before =
        first.stream()
            .filter(r -> reused.contains(r.id()))
            .map(ChaosRequests.Request::ref)
            .collect(Collectors.toSet());
    try {
      Awaitility.await("an outcome for the records whose ids are used again")
          .atMost(settings.settle())
          .pollInterval(Duration.ofMillis(250))
          .until(() -> tracker.covered(before) == before.size());
      timeline.add(
          Timeline.Kind.NOTE,
          -1,
          "the "
              + before.size()
              + " records whose ids are used again have their outcome; producing "
              + again.size()
              + " records with those ids");
    } catch (ConditionTimeoutException e) {
      timeline.add(
          Timeline.Kind.NOTE,
          -1,
          (before.size() - tracker.covered(before))
              + " records whose ids are used again still have no outcome; producing the "
              + again.size()
              + " records with those ids anyway");
    }
    producer.start(again, plan.shape().produceOver());
    Awaitility.await("the records with ids used again produced")
        .atMost(plan.shape().produceOver().plus(Duration.ofMinutes(5)))
        .pollInterval(Duration.ofMillis(250))
        .until(producer::finished);
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
            system.bootstrapServers(),
            List.of(settings.results(), settings.failures()),
            read,
            Outcome::of);
    List<ChaosRequests.Request> sent =
        requests.stream().filter(r -> !notProduced.containsKey(r.ref())).toList();
    Verdict verdict = Verdict.of(sent, outcomes, settings.results());
    Map<String, String> leftover =
        KafkaChecks.leftoverState(system.bootstrapServers(), settings.state(), read);
    Map<Integer, Long> uncommitted =
        KafkaChecks.uncommittedOffsets(
            system.bootstrapServers(), settings.group(), settings.requests());
    WorkerLogs.addAll(timeline, fleet.logs());
    sim.clearFaults();
    JsonNode stats = sim.stats();
    if (scenario == null) {
      verdict.ledger(
          LedgerCheck.read(
              system.bootstrapServers(),
              settings.usage(),
              read,
              stats,
              ChaosRequests.hostsByTenant(sent)));
    }
    Map<String, RequestProducer.Placement> placements = producer.placements();
    Map<String, Integer> partitions = new HashMap<>();
    placements.forEach((id, p) -> partitions.put(id, p.partition()));
    List<JsonNode> simTasks = sim.tasks(read);
    DuplicateAudit duplicates =
        DuplicateAudit.of(
            simTasks,
            sent,
            verdict.publishedTasks(),
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
            fleet.logs().stream().map(Path::toString).toList(),
            simTasks,
            placements,
            List.of(),
            Map.of());
    if (scenario != null) {
      result = HostileJudge.judge(result, scenario, fleet.deaths(), resume);
    }
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

  private void apply(Fault fault, SimAdmin sim, OutcomeTracker tracker) {
    if (fault instanceof Fault.WhilePublishing gated) {
      synchronized (publishingGate) { // one after another: each counts pages after the last
        awaitPages(gated, tracker);
        apply(gated.fault(), sim, tracker);
      }
    } else if (fault instanceof Fault.KillWorker kill) {
      fleet.kill(kill);
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
    } else if (fault instanceof Fault.Simulator change) {
      sim.faults(change.json());
      timeline.add(Timeline.Kind.SIM_FAULT, -1, fault.describe());
    } else if (fault instanceof Fault.JoinWorker join) {
      fleet.join(join);
    } else if (fault instanceof Fault.StopWorker stop) {
      fleet.stop(stop);
    } else if (fault instanceof Fault.ResultsLimit limit) {
      KafkaChecks.setTopicConfig(
          system.bootstrapServers(),
          settings.results(),
          "max.message.bytes",
          limit.bytes() > 0 ? Integer.toString(limit.bytes()) : null);
      timeline.add(Timeline.Kind.NOTE, -1, fault.describe());
    } else if (fault instanceof Fault.SignalBroker signal) {
      system.signalBroker(signal.signal());
      timeline.add(
          "STOP".equals(signal.signal()) ? Timeline.Kind.BROKER_DOWN : Timeline.Kind.BROKER_UP,
          -1,
          fault.describe());
    } else if (fault instanceof Fault.ExpectResume expect) {
      resume.start(expect, sim, timeline, scheduler);
    }
  }

  /**
   * Waits until the fault's page records have been read, at most {@link
   * Fault.WhilePublishing#WAIT}.
   */
  private void awaitPages(Fault.WhilePublishing gated, OutcomeTracker tracker) {
    long from = tracker.pages();
    try {
      Awaitility.await("page records before: " + gated.describe())
          .atMost(Fault.WhilePublishing.WAIT)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> tracker.pages() >= from + gated.pages());
      timeline.add(
          Timeline.Kind.NOTE,
          -1,
          (tracker.pages() - from) + " page records published since " + Text.offset(gated.at()));
    } catch (ConditionTimeoutException e) {
      timeline.add(
          Timeline.Kind.NOTE,
          -1,
          "only "
              + (tracker.pages() - from)
              + " page records published in "
              + Text.duration(Fault.WhilePublishing.WAIT)
              + " since "
              + Text.offset(gated.at())
              + "; the fault strikes anyway");
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
              + " live duplicates"
              + (s.path("crawls_created").asLong() == 0
                  ? ""
                  : ", crawl pages "
                      + s.path("crawl_pages_completed").asLong()
                      + "/"
                      + s.path("crawl_pages_created").asLong()
                      + " completed");
    } catch (RuntimeException e) {
      simPart = "sim: no answer";
    }
    timeline.add(
        Timeline.Kind.NOTE,
        -1,
        String.format(
            "progress: %d/%d produced, %d/%d with an outcome (%d records, %d repeated ids, %d"
                + " page records); %s; %s",
            producer.acknowledged(),
            ids.size(),
            tracker.covered(ids),
            ids.size(),
            tracker.records(),
            tracker.repeated().size(),
            tracker.pages(),
            fleet.states(),
            simPart));
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
    env.put("USAGE_TOPIC", settings.usage());
    env.put("WORKER_GROUP_ID", settings.group());
    env.putAll(settings.workerEnvironment());
    env.values().removeIf(String::isEmpty); // an empty value unsets a default
    return env;
  }
}
