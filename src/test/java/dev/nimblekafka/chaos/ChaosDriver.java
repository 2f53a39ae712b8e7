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
    long theSeed = seed != null ? seed : System.nanoTime();
    log.info(
        "chaos seed {} (run again with: make chaos CHAOS_ARGS=\"--seed {}\")", theSeed, theSeed);
    if (!Files.isRegularFile(jar)) {
      log.error("{} is missing; run make build first", jar);
      return 2;
    }
    Instant started = Instant.now();
    Path dir =
        runDir != null
            ? runDir
            : Path.of(
                ".local/chaos",
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                        .withZone(ZoneOffset.UTC)
                        .format(started)
                    + "-"
                    + theSeed);
    Files.createDirectories(dir);
    Path root = Path.of("").toAbsolutePath();
    dir = dir.toAbsolutePath();

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

    Map<String, String> context = new LinkedHashMap<>();
    context.put(
        "date",
        DateTimeFormatter.ISO_INSTANT.format(
            started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    context.put("commit", Machine.commit(root));
    context.put("machine", Machine.describe());
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    List<String> again = new ArrayList<>(args);
    if (seed == null) {
      again.addAll(0, List.of("--seed", Long.toString(theSeed)));
    }
    context.put(
        "command",
        "`make chaos"
            + (args.isEmpty() ? "" : " CHAOS_ARGS=\"" + String.join(" ", args) + "\"")
            + "` (the same schedule again: `make chaos CHAOS_ARGS=\""
            + String.join(" ", again)
            + "\"`)");
    context.put("wall time", "-");
    context.put("load average at start", Machine.loadAverage());
    context.put("load average at end", "-");

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
      sim[0] =
          new SimProcess(
              jar,
              API_KEY,
              List.of("--plan", "150", "--duration", "uniform:300ms..1500ms", "--qps", "600"),
              dir.resolve("sim.log"));
      log.info("simulator on {}", sim[0].admin().baseUrl());
      Map<String, String> workerEnv = new LinkedHashMap<>();
      workerEnv.put("NIMBLE_QPS", "150");
      workerEnv.put("LOG_LEVEL", workerLogLevel);
      ChaosSettings settings =
          new ChaosSettings("chaos", API_KEY, workerEnv, dir, Duration.ofMinutes(2), settle);
      SimAdmin admin = sim[0].admin();
      List<String> workerCommand = new ArrayList<>(SimProcess.javaCommand("256m"));
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
          };
      run[0] = new ChaosRun(plan, system, settings);
      result = run[0].run();
    } catch (RuntimeException e) {
      log.error("the chaos run could not be carried out (seed {}); logs in {}", theSeed, dir, e);
      return 2;
    } finally {
      if (sim[0] != null) {
        sim[0].close();
      }
      try {
        broker.down();
      } catch (RuntimeException e) {
        log.warn("stopping the run's broker: {}", e.getMessage());
      }
      finished.set(true);
    }
    context.put("load average at end", Machine.loadAverage());
    context.put(
        "wall time",
        Text.duration(Duration.ofNanos(System.nanoTime() - t0))
            + " from broker start to verdict (the build not included)");
    context.put("logs", "`" + root.relativize(dir) + "/` (not committed)");

    String markdown = ChaosReport.markdown(result, context);
    Files.writeString(dir.resolve("chaos-results.md"), markdown, StandardCharsets.UTF_8);
    if (report != null) {
      Files.createDirectories(report.toAbsolutePath().getParent());
      Files.writeString(report, markdown, StandardCharsets.UTF_8);
    }
    Evidence.write(result, dir);
    if (result.passed()) {
      deleteTree(broker.dir().resolve("data"));
    }
    System.out.println();
    System.out.print(ChaosReport.summary(result));
    System.out.println(
        "  report: "
            + (report == null ? dir.resolve("chaos-results.md") : report)
            + "; logs: "
            + dir);
    if (!result.notProduced().isEmpty()) {
      return 2;
    }
    return result.passed() ? 0 : 1;
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
