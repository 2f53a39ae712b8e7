package dev.nimblekafka.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code make chaos}: a broker of its own, the simulator and worker JVMs from the built jar, 10,000
 * requests while a seeded schedule kills workers, restarts the broker and makes the simulator fail;
 * then the exactly-once check. Exit 0: every guarantee held; 1: a violation; 2: the run could not
 * be carried out.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Chaos suite: worker JVMs under SIGKILLs, a broker restart and Nimble faults.")
public final class ChaosDriver implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ChaosDriver.class);
  private static final String API_KEY = "sk-chaos-7d2e51";

  @Spec CommandSpec spec;

  @Option(names = "--seed", description = "Seed of the request mix and the fault schedule.")
  Long seed;

  @Option(
      names = "--scenario",
      description =
          "Run a hostile scenario instead of the full suite: reused-ids,"
              + " rebalance-delayed-creates, commits-failing, broker-frozen, large-requests,"
              + " forbidden-one, retry-after-hour, crawl, or all-hostile for every one in turn."
              + " Each"
              + " has its own requests, workers and schedule (--requests, --workers,"
              + " --produce-seconds, --no-broker-restart and --settle do not apply); its section"
              + " of the report is replaced.")
  String scenario;

  @Option(
      names = "--requests",
      defaultValue = "10000",
      description = "Requests to produce (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--workers",
      defaultValue = "3",
      description = "Worker JVMs (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--produce-seconds",
      defaultValue = "150",
      description =
          "Seconds over which the requests are produced; faults last 30 s longer"
              + " (default: ${DEFAULT-VALUE}).")
  int produceSeconds;

  @Option(names = "--no-broker-restart", description = "Leave the broker alone.")
  boolean noBrokerRestart;

  @Option(
      names = "--settle",
      defaultValue = "PT4M",
      description =
          "How long, after the last fault, the requests may take to all have their outcome;"
              + " ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration settle;

  @Option(
      names = "--worker-log-level",
      defaultValue = "INFO",
      description =
          "LOG_LEVEL of the workers; DEBUG logs every request (default: ${DEFAULT-VALUE}).")
  String workerLogLevel;

  @Option(
      names = "--report",
      defaultValue = "docs/chaos-results.md",
      description =
          "Where to write the Markdown report, also kept in the run folder"
              + " (default: ${DEFAULT-VALUE}).")
  Path report;

  @Option(
      names = "--run-dir",
      description = "Folder for logs and the broker's data (default: .local/chaos/<time>-<seed>).")
  Path runDir;

  @Option(
      names = "--jar",
      defaultValue = "target/nimble-kafka-worker.jar",
      description = "The jar the simulator and workers run from (default: ${DEFAULT-VALUE}).")
  Path jar;

  public static void main(String[] args) {
    // the driver's own clients complain loudly while the broker restarts, as they should
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.kafka"))
        .setLevel(ch.qos.logback.classic.Level.ERROR);
    System.exit(new CommandLine(new ChaosDriver()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(jar)) {
      log.error("{} is missing; run make build first", jar);
      return 2;
    }
    if (scenario != null) {
      return hostile();
    }
    long theSeed = seed != null ? seed : System.nanoTime();
    log.info(
        "chaos seed {} (run again with: make chaos CHAOS_ARGS=\"--seed {}\")", theSeed, theSeed);
    Instant started = Instant.now();
    Path dir = runDir(started, Long.toString(theSeed));

    ChaosPlan.Shape full = ChaosPlan.Shape.full();
    Duration produceOver = Duration.ofSeconds(produceSeconds);
    ChaosPlan.Shape shape =
        new ChaosPlan.Shape(
            requests,
            workers,
            full.partitions(),
            produceOver,
            full.faultsFrom(),
            produceOver.plusSeconds(30),
            full.killEveryMin(),
            full.killEveryMax(),
            full.restartAfterMin(),
            full.restartAfterMax(),
            !noBrokerRestart,
            full.brokerRestartAllowance(),
            full.outage(),
            full.storm(),
            full.payment(),
            full.errorRate(),
            full.errorStatusEvery());
    ChaosPlan plan = ChaosPlan.draw(theSeed, shape);
    log.info("plan ({} faults):", plan.faults().size());
    plan.faults().forEach(f -> log.info("  {} {}", Text.offset(f.at()), f.describe()));

    List<String> args = spec.commandLine().getParseResult().originalArgs();
    List<String> again = new ArrayList<>(args);
    if (seed == null) {
      again.addAll(0, List.of("--seed", Long.toString(theSeed)));
    }
    Map<String, String> context =
        context(
            started,
            "`make chaos"
                + (args.isEmpty() ? "" : " CHAOS_ARGS=\"" + String.join(" ", args) + "\"")
                + "` (the same schedule again: `make chaos CHAOS_ARGS=\""
                + String.join(" ", again)
                + "\"`)");
    Map<String, String> workerEnv = new LinkedHashMap<>();
    workerEnv.put("NIMBLE_QPS", "150");
    workerEnv.put("LOG_LEVEL", workerLogLevel);
    Launch launch =
        new Launch(
            List.of("--plan", "150", "--duration", "uniform:300ms..1500ms", "--qps", "600"),
            SimProcess.javaCommand("256m"),
            workerEnv,
            settle,
            null);
    ChaosResult result = launch(plan, launch, dir, context, theSeed);
    if (result == null) {
      return 2;
    }
    String markdown = ChaosReport.markdown(result, context);
    Files.writeString(dir.resolve("chaos-results.md"), markdown, StandardCharsets.UTF_8);
    if (report != null) {
      Files.createDirectories(report.toAbsolutePath().getParent());
      Files.writeString(
          report, HostileReport.keepSections(markdown, report), StandardCharsets.UTF_8);
    }
    return finish(result, dir, report == null ? dir.resolve("chaos-results.md") : report);
  }

  /** Runs the named scenario, or every one of them, one after the other. */
  private int hostile() throws Exception {
    Map<String, HostileScenario> all = HostileScenarios.all();
    List<HostileScenario> chosen = new ArrayList<>();
    if (HostileScenarios.ALL.equals(scenario)) {
      chosen.addAll(all.values());
    } else if (all.containsKey(scenario)) {
      chosen.add(all.get(scenario));
    } else {
      log.error(
          "--scenario must be one of {} or {} but was '{}'",
          all.keySet(),
          HostileScenarios.ALL,
          scenario);
      return 2;
    }
    int worst = 0;
    List<String> lines = new ArrayList<>();
    for (HostileScenario s : chosen) {
      long theSeed = seed != null ? seed : System.nanoTime();
      log.info("scenario {} (seed {}): {}", s.name(), theSeed, s.what());
      Instant started = Instant.now();
      Path dir = runDir(started, s.name() + "-" + theSeed);
      List<String> workerCommand = new ArrayList<>(SimProcess.javaCommand(s.workerHeap()));
      workerCommand.add("-XX:+ExitOnOutOfMemoryError"); // as the image runs it
      Map<String, String> env = new LinkedHashMap<>(s.workerEnvironment());
      env.put("LOG_LEVEL", workerLogLevel);
      Launch launch = new Launch(s.simOptions(), workerCommand, env, s.settle(), s);
      ChaosPlan plan =
          s.plan(theSeed, s.requests(ChaosSettings.PREFIX, new java.util.Random(theSeed)).size());
      Map<String, String> context =
          context(
              started,
              "`make chaos CHAOS_ARGS=\"--scenario "
                  + s.name()
                  + "\"` (this seed again: add `--seed "
                  + theSeed
                  + "`)");
      context.put("scenario", "`" + s.name() + "`");
      ChaosResult result = launch(plan, launch, dir, context, theSeed);
      if (result == null) {
        worst = Math.max(worst, 2);
        lines.add(s.name() + ": could not be carried out; logs in " + dir);
        continue;
      }
      String markdown = ChaosReport.markdown(result, context);
      Files.writeString(dir.resolve("chaos-results.md"), markdown, StandardCharsets.UTF_8);
      if (report != null) {
        HostileReport.write(report, s, result, context);
      }
      int code = finish(result, dir, dir.resolve("chaos-results.md"));
      worst = Math.max(worst, code);
      lines.add(s.name() + ": " + (code == 0 ? "passed" : code == 1 ? "FAILED" : "void"));
    }
    if (chosen.size() > 1) {
      System.out.println();
      lines.forEach(line -> System.out.println("  " + line));
    }
    return worst;
  }

  /** How the broker, simulator and workers of one run are set up. */
  private record Launch(
      List<String> simOptions,
      List<String> javaCommand,
      Map<String, String> workerEnvironment,
      Duration settle,
      HostileScenario scenario) {}

  /**
   * Starts the run's broker and simulator, runs the plan with the workers and stops them again;
   * fills in the context's times. Null when the run could not be carried out.
   */
  private ChaosResult launch(
      ChaosPlan plan, Launch launch, Path dir, Map<String, String> context, long theSeed) {
    Path root = Path.of("").toAbsolutePath();
    LocalBroker broker = new LocalBroker(root, dir.resolve("kafka"), dir.resolve("broker.log"));
    SimProcess[] sim = {null};
    ChaosRun[] run = {null};
    java.util.concurrent.atomic.AtomicBoolean finished =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread cleanup =
        new Thread(
            () -> {
              if (finished.get()) {
                return;
              }
              System.err.println(
                  "chaos: stopping; killing the run's workers, simulator and broker");
              if (run[0] != null) {
                run[0].abort();
              }
              if (sim[0] != null) {
                sim[0].close();
              }
              thawQuietly(broker);
              broker.down();
            },
            "chaos-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    ChaosResult result;
    long t0 = System.nanoTime();
    try {
      log.info(
          "starting a broker of the run's own on {} (data in {})",
          broker.bootstrapServers(),
          broker.dir());
      broker.up();
      sim[0] = new SimProcess(jar, API_KEY, launch.simOptions(), dir.resolve("sim.log"));
      log.info("simulator on {}", sim[0].admin().baseUrl());
      ChaosSettings settings =
          new ChaosSettings(
              ChaosSettings.PREFIX,
              API_KEY,
              launch.workerEnvironment(),
              dir,
              Duration.ofMinutes(2),
              launch.settle());
      SimAdmin admin = sim[0].admin();
      List<String> workerCommand = new ArrayList<>(launch.javaCommand());
      workerCommand.addAll(List.of("-jar", jar.toString(), "worker"));
      ChaosSystem system =
          new ChaosSystem() {
            @Override
            public String bootstrapServers() {
              return broker.bootstrapServers();
            }

            @Override
            public SimAdmin sim() {
              return admin;
            }

            @Override
            public List<String> workerCommand() {
              return workerCommand;
            }

            @Override
            public void restartBroker(Timeline timeline) {
              timeline.add(Timeline.Kind.BROKER_DOWN, -1, "broker: SIGTERM (controlled shutdown)");
              broker.down();
              timeline.add(Timeline.Kind.NOTE, -1, "broker stopped; starting it again");
              broker.up();
              timeline.add(Timeline.Kind.BROKER_UP, -1, "broker answers again");
            }

            @Override
            public void signalBroker(String signal) {
              broker.signal(signal);
            }
          };
      run[0] = new ChaosRun(plan, system, settings, launch.scenario());
      result = run[0].run();
    } catch (RuntimeException e) {
      log.error("the chaos run could not be carried out (seed {}); logs in {}", theSeed, dir, e);
      return null;
    } finally {
      if (sim[0] != null) {
        sim[0].close();
      }
      try {
        thawQuietly(broker);
        broker.down();
      } catch (RuntimeException e) {
        log.warn("stopping the run's broker: {}", e.getMessage());
      }
      finished.set(true);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down
      }
    }
    context.put("load average at end", Machine.loadAverage());
    context.put(
        "wall time",
        Text.duration(Duration.ofNanos(System.nanoTime() - t0))
            + " from broker start to verdict (the build not included)");
    context.put("logs", "`" + root.relativize(dir) + "/` (not committed)");
    if (result.passed()) {
      try {
        deleteTree(broker.dir().resolve("data"));
      } catch (IOException e) {
        log.warn("deleting the broker's data: {}", e.getMessage());
      }
    }
    return result;
  }

  /** A frozen broker does not stop on SIGTERM: it is sent SIGCONT first. */
  private static void thawQuietly(LocalBroker broker) {
    try {
      broker.signal("CONT");
    } catch (RuntimeException e) {
      // not running, or not frozen
    }
  }

  /** Writes the evidence, prints the summary; the exit code. */
  private static int finish(ChaosResult result, Path dir, Path written) throws IOException {
    Evidence.write(result, dir);
    System.out.println();
    System.out.print(ChaosReport.summary(result));
    System.out.println("  report: " + written + "; logs: " + dir);
    if (!result.notProduced().isEmpty()) {
      return 2;
    }
    return result.passed() ? 0 : 1;
  }

  private Path runDir(Instant started, String name) throws IOException {
    Path dir =
        runDir != null
            ? runDir
            : Path.of(
                ".local/chaos",
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(started)
                    + "-"
                    + name);
    Files.createDirectories(dir);
    return dir.toAbsolutePath();
  }

  private static Map<String, String> context(Instant started, String command) {
    Map<String, String> context = new LinkedHashMap<>();
    context.put(
        "date",
        DateTimeFormatter.ISO_INSTANT.format(
            started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    context.put("commit", Machine.commit(Path.of("").toAbsolutePath()));
    context.put("machine", Machine.describe());
    context.put("command", command);
    context.put("wall time", "-");
    context.put("load average at start", Machine.loadAverage());
    context.put("load average at end", "-");
    return context;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
