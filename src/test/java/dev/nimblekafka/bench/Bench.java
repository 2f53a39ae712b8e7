package dev.nimblekafka.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code make bench}: runs the named scenarios, each variant against a fresh simulator JVM and a
 * fresh worker JVM on unique topics (or, for a baseline variant, Nimble's recommended loop against
 * a fresh simulator), and writes {@code bench-results/<stamp>.json}, {@code .md} and the throughput
 * chart {@code -throughput.png}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Benchmark the worker against the Nimble simulator through a real Kafka broker.",
      "Results: bench-results/<stamp>.json, .md and -throughput.png; logs: .local/bench/<stamp>/."
    })
public final class Bench implements Callable<Integer> {
  static final String MACHINE_NOTE =
      "The machine may be shared with other work while the benchmark runs: figures are noisy,"
          + " so compare ratios and medians, not single absolute numbers.";

  @Option(
      names = {"-s", "--scenarios"},
      split = ",",
      paramLabel = "NAME",
      description =
          "Scenarios to run, comma-separated (default: all in the default set; 'tenants': the"
              + " four tenant scenarios). See --list.")
  List<String> scenarios = new ArrayList<>();

  @Option(names = "--list", description = "List the scenarios and exit.")
  boolean list;

  @Option(
      names = "--scale",
      defaultValue = "1",
      description = "Multiply every scenario's N by this, e.g. 0.1 for a quick check (default: 1).")
  double scale;

  @Option(
      names = "--no-baseline",
      description =
          "Leave out the baseline rows of the paired scenarios (a quicker worker-only run).")
  boolean noBaseline;

  @Option(
      names = "--publish-docs",
      description =
          "At the end, copy the run's throughput chart to docs/bench-throughput.png (the README"
              + " shows it).")
  boolean publishDocs;

  @Option(
      names = "--bootstrap",
      description =
          "Kafka bootstrap servers (default: NKW_EXTERNAL_BOOTSTRAP, else 127.0.0.1:KAFKA_PORT"
              + " or 127.0.0.1:9092). If none answers, the local broker is started.")
  String bootstrap;

  @Option(
      names = "--jar",
      defaultValue = "target/nimble-kafka-worker.jar",
      description = "The product jar (default: ${DEFAULT-VALUE}).")
  Path jar;

  @Option(
      names = "--out",
      defaultValue = "bench-results",
      description = "Folder for the results (default: ${DEFAULT-VALUE}).")
  Path out;

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true"); // the chart is drawn without a display
    System.exit(new CommandLine(new Bench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Scenario> catalogue = Scenarios.all();
    if (list) {
      catalogue
          .values()
          .forEach(
              s ->
                  System.out.printf(
                      "%-22s %s N=%d%s%s%n",
                      s.name(),
                      s.about(),
                      s.requests(),
                      s.paired() ? " (paired with the baseline)" : "",
                      s.inDefault() ? "" : " (not in the default set)"));
      return 0;
    }
    List<Scenario> chosen = new ArrayList<>();
    if (scenarios.isEmpty()) {
      chosen.addAll(Scenarios.defaults());
    } else {
      List<String> names = new ArrayList<>();
      for (String name : scenarios) {
        names.addAll(name.strip().equals("tenants") ? Scenarios.TENANTS : List.of(name.strip()));
      }
      for (String name : names) {
        Scenario s = catalogue.get(name);
        if (s == null) {
          System.err.println("bench: no scenario named '" + name + "'; --list shows them");
          return 2;
        }
        chosen.add(s);
      }
    }
    Path root = Path.of("").toAbsolutePath();
    if (!Files.exists(jar)) {
      System.err.println("bench: " + jar + " is missing; run make build first");
      return 2;
    }
    String servers = bootstrap != null ? bootstrap : defaultBootstrap();
    String stamp =
        LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss"));
    Context ctx =
        new Context(
            root,
            jar.toAbsolutePath(),
            servers,
            stamp + "-" + UUID.randomUUID().toString().substring(0, 4),
            root.resolve(".local/bench").resolve(stamp));
    Files.createDirectories(ctx.logs());

    Map<String, Object> header = header(stamp, root);
    header.put("broker", Kafka.ensureBroker(servers, root));
    header.put("scale", scale);
    header.put("logs", root.relativize(ctx.logs()).toString());

    List<RunResult> runs = new ArrayList<>();
    long started = System.nanoTime();
    Path chart = out.resolve(Report.chartName(stamp));
    for (Scenario scenario : chosen) {
      Scenario scaled = noBaseline ? scenario.withoutBaseline() : scenario;
      if (scaled == null) {
        System.err.printf(
            "bench: %s is only the baseline: left out (--no-baseline)%n", scenario.name());
        continue;
      }
      scaled = scaled.scaled(scale);
      for (Scenario.Variant variant : scaled.variants()) {
        RunResult earlier = variant.baseline() ? sharedLoop(runs, scaled) : null;
        RunResult r;
        if (earlier != null) {
          r = RunResult.sharedCopy(earlier, scaled);
          r.put("run_s", 0.0, 1);
          System.err.printf(
              "bench: %s / %s: the loop run of %s, shared%n",
              scaled.name(), variant.name(), earlier.scenario.name());
        } else {
          System.err.printf(
              "bench: %s / %s (N=%d) ...%n",
              scaled.name(), variant.name(), variant.requests(scaled.requests()));
          long runStarted = System.nanoTime();
          r = runOne(ctx, scaled, variant);
          r.put("run_s", (System.nanoTime() - runStarted) / 1e9, 1); // start-up and tear-down too
          r.put("load_average_1m_at_end", loadAverage1m(), 2);
        }
        runs.add(r);
        Figures.relate(runs);
        System.err.printf(
            "bench: %s / %s: %s %s%n", scaled.name(), variant.name(), r.status, summary(r));
        header.put("elapsed_s", Math.round((System.nanoTime() - started) / 1e9));
        Report.write(out, stamp, header, runs); // after every run: a crash keeps what was done
        drawChart(chart, stamp, runs);
      }
    }
    System.out.println();
    System.out.print(Report.markdown(header, runs));
    System.out.println("Written: " + out.resolve(stamp + ".json") + " and .md");
    if (Files.exists(chart)) {
      System.out.println("Chart: " + chart);
      if (publishDocs) {
        Path docs = root.resolve("docs").resolve("bench-throughput.png");
        Files.copy(chart, docs, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("Copied to " + root.relativize(docs));
      }
    } else if (publishDocs) {
      System.err.println("bench: no throughput chart was drawn, so docs/ is left as it was");
    }
    return runs.stream().allMatch(r -> r.status == RunResult.Status.OK) ? 0 : 1;
  }

  /**
   * The loop run {@code scenario} may use as its baseline row ({@link Scenarios#SHARES_LOOP_WITH}):
   * the named scenario's own loop run in this benchmark, finished, on equal simulator settings and
   * N; null when there is none, and the loop runs again.
   */
  static RunResult sharedLoop(List<RunResult> runs, Scenario scenario) {
    String from = Scenarios.SHARES_LOOP_WITH.get(scenario.name());
    if (from == null) {
      return null;
    }
    for (RunResult r : runs) {
      if (r.variant.baseline()
          && !r.shared()
          && r.scenario.name().equals(from)
          && r.scenario.sim().equals(scenario.sim())
          && r.scenario.requests() == scenario.requests()
          && r.status == RunResult.Status.OK) {
        return r;
      }
    }
    return null;
  }

  /** Redraws the chart from the runs so far; a chart that cannot be drawn never stops the runs. */
  private static void drawChart(Path chart, String stamp, List<RunResult> runs) {
    List<Chart.Panel> panels = Chart.panels(runs);
    if (panels.isEmpty()) {
      return;
    }
    String title =
        Comparison.of(runs).isEmpty()
            ? "Outcomes per second (" + stamp + ")"
            : "Outcomes per second: worker and Nimble's recommended loop (" + stamp + ")";
    try {
      Chart.write(chart, title, panels);
    } catch (IOException | RuntimeException | Error e) {
      System.err.println("bench: the chart could not be drawn: " + e);
    }
  }

  private static RunResult runOne(Context ctx, Scenario scenario, Scenario.Variant variant) {
    try {
      if (variant.baseline()) {
        return new BaselineRun(ctx, scenario, variant).run();
      }
      return switch (scenario.kind()) {
        case THROUGHPUT -> new ThroughputRun(ctx, scenario, variant).run();
        case HEAP -> new HeapRun(ctx, scenario, variant).run();
        case CRAWL -> new CrawlRun(ctx, scenario, variant).run();
      };
    } catch (IOException | RuntimeException e) {
      RunResult r = new RunResult(scenario, variant);
      r.error(e.toString());
      e.printStackTrace();
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      RunResult r = new RunResult(scenario, variant);
      r.error("interrupted");
      return r;
    }
  }

  private static String summary(RunResult r) {
    List<String> parts = new ArrayList<>();
    for (String name :
        List.of(
            "slot_use",
            "makespan_s",
            "throughput_steady_per_s",
            "calls_per_task",
            "calls_per_page",
            "pages_per_s",
            "crawl_end_to_summary_read_ms",
            "finish_to_read_p50_ms",
            "worker_cpu_s",
            "heap_bytes_per_task",
            "run_s")) {
      if (r.figures.containsKey(name)) {
        parts.add(name + "=" + Report.format(r.figures.get(name)));
      }
    }
    if (!r.notes.isEmpty()) {
      parts.add("notes: " + String.join("; ", r.notes));
    }
    return String.join(" ", parts);
  }

  private static String defaultBootstrap() {
    // not KAFKA_BOOTSTRAP_SERVERS: exported in a shell it often names a work cluster
    String servers = System.getenv("NKW_EXTERNAL_BOOTSTRAP");
    if (servers != null && !servers.isBlank()) {
      return servers;
    }
    String port = System.getenv("KAFKA_PORT");
    return "127.0.0.1:" + (port == null || port.isBlank() ? "9092" : port);
  }

  private static Map<String, Object> header(String stamp, Path root) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("started_at", stamp);
    header.put("cores", Runtime.getRuntime().availableProcessors());
    header.put("memory_mb", totalMemoryMb());
    header.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    header.put("java", "Java " + System.getProperty("java.version"));
    header.put("git_commit", git(root, "rev-parse", "HEAD"));
    header.put("git_dirty", !git(root, "status", "--porcelain", "--untracked-files=no").isEmpty());
    header.put("machine_note", MACHINE_NOTE);
    header.put("load_average_1m_at_start", loadAverage1m());
    return header;
  }

  /** The machine's one-minute load average: above the core count, others were waiting for CPU. */
  private static double loadAverage1m() {
    String[] fields = read(Path.of("/proc/loadavg")).split(" ");
    try {
      return Double.parseDouble(fields[0]);
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  private static long totalMemoryMb() {
    for (String line : read(Path.of("/proc/meminfo")).split("\n")) {
      if (line.startsWith("MemTotal:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static String git(Path root, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
