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
import java.util.concurrent.TimeUnit;
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
    context.put("commit", commit(root));
    context.put("machine", machine());
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
    context.put("load average at start", loadAverage());
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
    context.put("load average at end", loadAverage());
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
    writeEvidence(result, dir);
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

  /** The ids of every missing or duplicated request, one per line, for grepping the logs. */
  private static void writeEvidence(ChaosResult r, Path dir) throws IOException {
    Files.write(dir.resolve("missing.txt"), r.verdict().missing, StandardCharsets.UTF_8);
    List<String> duplicated = new ArrayList<>();
    r.verdict()
        .duplicated
        .forEach(
            (id, list) ->
                duplicated.add(
                    id + "\t" + String.join("\t", list.stream().map(Outcome::where).toList())));
    Files.write(dir.resolve("duplicated.txt"), duplicated, StandardCharsets.UTF_8);
    List<String> orphans = new ArrayList<>();
    for (DuplicateAudit.Orphan o : r.duplicates().orphans) {
      orphans.add(
          o.requestId()
              + "\t"
              + o.taskId()
              + "\t"
              + o.created()
              + "\t"
              + o.state()
              + "\tpartition "
              + o.partition()
              + "\towner worker-"
              + (o.owner() + 1)
              + "\t"
              + (o.cause() == null
                  ? "-"
                  : Text.offset(o.cause().offset()) + " " + o.cause().text()));
    }
    Files.write(dir.resolve("orphan-tasks.tsv"), orphans, StandardCharsets.UTF_8);
    List<String> tasks = new ArrayList<>();
    r.simTasks().forEach(t -> tasks.add(t.toString()));
    Files.write(dir.resolve("sim-tasks.jsonl"), tasks, StandardCharsets.UTF_8);
    List<String> placed = new ArrayList<>();
    for (ChaosRequests.Request q : r.requests()) {
      RequestProducer.Placement p = r.placements().get(q.id());
      placed.add(
          q.id()
              + "\t"
              + q.kind().name().toLowerCase()
              + "\t"
              + (p == null ? "-\t-" : p.partition() + "\t" + p.offset()));
    }
    Files.write(dir.resolve("requests.tsv"), placed, StandardCharsets.UTF_8);
  }

  private static String commit(Path root) {
    String head = git(root, "rev-parse", "HEAD");
    if (head == null) {
      return "unknown (not a git checkout)";
    }
    String dirty =
        git(
            root,
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
            ".",
            ":!docs/chaos-results.md");
    return "`" + head + "`" + (dirty == null || dirty.isBlank() ? "" : " with uncommitted changes");
  }

  private static String git(Path root, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String machine() {
    String cpu = "unknown CPU";
    long memoryKb = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).strip();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memoryKb = Long.parseLong(line.replaceAll("\\D+", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the core count is still known
    }
    return Runtime.getRuntime().availableProcessors()
        + " cores ("
        + cpu
        + ")"
        + (memoryKb > 0 ? ", " + memoryKb / 1024 / 1024 + " GiB RAM" : "")
        + ", Java "
        + System.getProperty("java.version");
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
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
