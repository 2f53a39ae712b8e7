package dev.nimblekafka.sim;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim}: runs the Nimble simulator until stopped (Ctrl-C or SIGTERM). */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run a local stand-in for Nimble's web-extraction API (v1 and v2, one port).",
      "Prints 'Nimble simulator listening on port <N> (<url>)' once it accepts calls."
    },
    footer = {
      "",
      "Durations: 0, 250ms, 1.5s, 2m, 24h, 1d (or ISO-8601 such as PT2S).",
      "Task durations (--duration): 2s | fixed:2s | uniform:1s..3s | lognormal:2s,0.5"
          + " (median, sigma; capped at 100x the median).",
      "Sizes: 0, 512, 64KB, 2MB (1024-based).",
      "A task whose tag (agents: params.tag) is 'sim:fail' always fails.",
      "A create whose url contains 'sim:forbid' (or whose tag is 'sim:forbid') is answered 403.",
      "",
      "Admin endpoints (no API key): GET /sim/health, GET /sim/stats, POST /sim/reset,",
      "GET|POST|DELETE /sim/faults, e.g. curl -d '{\"storm_seconds\":5}' <url>/sim/faults",
      "Fault fields: latency_ms, error_rate, error_status, drop_rate, lost_response_rate,",
      "slow_body_ms, storm_seconds|storm_ms, storm_retry_after, outage_seconds|outage_ms,",
      "payment_seconds|payment_ms, payment_msg."
    })
public final class SimCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8090",
      description = "Port to bind; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--api-key",
      description =
          "The only key accepted as 'Authorization: Bearer <key>' (default: the NIMBLE_API_KEY"
              + " environment variable; with neither, any non-empty key).")
  String apiKey;

  @Option(
      names = "--public-url",
      description = "Base URL written in status_url/download_url (default: the listening address).")
  String publicUrl;

  @Option(
      names = "--account-name",
      defaultValue = "sim-account",
      description = "account_name of every task (default: ${DEFAULT-VALUE}).")
  String accountName;

  @Option(
      names = "--plan",
      defaultValue = "pro",
      description =
          "Max concurrent running tasks: starter (10), growth (50), pro (100) or a number (default: ${DEFAULT-VALUE}).")
  String plan;

  @Option(
      names = "--duration",
      defaultValue = "1s",
      description = "How long a task runs once it has a slot (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(
      names = "--failure-rate",
      defaultValue = "0",
      description = "Share of tasks that fail, 0..1 (default: ${DEFAULT-VALUE}).")
  double failureRate;

  @Option(
      names = "--states",
      defaultValue = "nimble-docs",
      description =
          "Task-state names: nimble-docs (pending/running/completed/failed), sdk (pending/success/error), v2 (pending/queued/in_progress/success/error) (default: ${DEFAULT-VALUE}).")
  String states;

  @Option(
      names = "--qps",
      defaultValue = "83",
      description = "API calls per second per key; 0 for no limit (default: ${DEFAULT-VALUE}).")
  int qps;

  @Option(
      names = "--pending-expiry",
      defaultValue = "24h",
      description = "Tasks never started are gone after this (default: ${DEFAULT-VALUE}).")
  String pendingExpiry;

  @Option(
      names = "--retention",
      defaultValue = "48h",
      description =
          "Finished tasks and results are gone this long after finishing (default: ${DEFAULT-VALUE}).")
  String retention;

  @Option(
      names = "--result-size",
      defaultValue = "0",
      description =
          "Pad result bodies to about this size, e.g. 2MB; 0 for natural size (default: ${DEFAULT-VALUE}).")
  String resultSize;

  @Option(
      names = "--storage-dir",
      description = "Folder standing for storage buckets (default: a new temporary folder).")
  Path storageDir;

  @Option(
      names = "--callback-timeout",
      defaultValue = "5s",
      description = "Timeout of each callback POST (default: ${DEFAULT-VALUE}).")
  String callbackTimeout;

  @Option(
      names = "--http-threads",
      defaultValue = "8",
      description = "Threads handling API calls (default: ${DEFAULT-VALUE}).")
  int httpThreads;

  @Option(
      names = "--latency",
      defaultValue = "0",
      description = "Fault: delay added to every API call (default: ${DEFAULT-VALUE}).")
  String latency;

  @Option(
      names = "--error-rate",
      defaultValue = "0",
      description =
          "Fault: share of API calls answered with --error-status (default: ${DEFAULT-VALUE}).")
  double errorRate;

  @Option(
      names = "--error-status",
      defaultValue = "500",
      description = "Fault: 500 (Nimble's body), 502 or 503 (default: ${DEFAULT-VALUE}).")
  int errorStatus;

  @Option(
      names = "--drop-rate",
      defaultValue = "0",
      description =
          "Fault: share of API calls whose connection is closed before handling (default: ${DEFAULT-VALUE}).")
  double dropRate;

  @Option(
      names = "--lost-response-rate",
      defaultValue = "0",
      description =
          "Fault: share of API calls handled, then closed without a response (default: ${DEFAULT-VALUE}).")
  double lostResponseRate;

  @Option(
      names = "--slow-body",
      defaultValue = "0",
      description =
          "Fault: write every API response body over this long (default: ${DEFAULT-VALUE}).")
  String slowBody;

  @Option(
      names = "--storm",
      defaultValue = "0",
      description =
          "Fault: answer every API call 429 for this long from the start (default: ${DEFAULT-VALUE}).")
  String storm;

  @Option(
      names = "--storm-retry-after",
      defaultValue = "0",
      description =
          "The Retry-After of a storm's 429 (whole seconds); 0: the time the storm has left"
              + " (default: ${DEFAULT-VALUE}).")
  String stormRetryAfter;

  @Option(
      names = "--outage",
      defaultValue = "0",
      description =
          "Fault: drop every API call's connection for this long from the start (default: ${DEFAULT-VALUE}).")
  String outage;

  @Option(
      names = "--payment",
      defaultValue = "0",
      description =
          "Fault: answer task-creating calls 402 for this long from the start (default: ${DEFAULT-VALUE}).")
  String payment;

  @Option(
      names = "--payment-msg",
      defaultValue = "no budget",
      description =
          "The 402 msg: no budget, limit reached, trial expired, trial quota finished (default: ${DEFAULT-VALUE}).")
  String paymentMessage;

  private final CountDownLatch stopped = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    SimConfig config;
    try {
      config = toConfig(System.getenv());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    NimbleSimulator sim = NimbleSimulator.start(config);
    Thread hook = new Thread(this::stop, "nimble-sim-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Nimble simulator listening on port " + sim.port() + " (" + sim.baseUrl() + ")");
    out.flush();
    try {
      stopped.await();
    } finally {
      sim.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down
      }
    }
    return 0;
  }

  /** Ends a running {@link #call()}. */
  void stop() {
    stopped.countDown();
  }

  /** The configuration the options describe; {@code env} supplies {@code NIMBLE_API_KEY}. */
  SimConfig toConfig(Map<String, String> env) {
    String key = apiKey != null ? apiKey : env.get("NIMBLE_API_KEY");
    return SimConfig.builder()
        .host(host)
        .port(port)
        .apiKey(key == null || key.isBlank() ? null : key)
        .publicUrl(publicUrl)
        .accountName(accountName)
        .plan(plan)
        .taskDuration(named("--duration", () -> DurationDistribution.parse(duration)))
        .failureRate(failureRate)
        .states(named("--states", () -> StateVocabulary.parse(states)))
        .requestsPerSecond(qps)
        .pendingExpiry(duration("--pending-expiry", pendingExpiry))
        .retention(duration("--retention", retention))
        .resultSizeBytes(named("--result-size", () -> Units.size(resultSize)))
        .storageDir(storageDir)
        .callbackTimeout(duration("--callback-timeout", callbackTimeout))
        .httpThreads(httpThreads)
        .faults(
            named(
                "fault options",
                () ->
                    FaultSettings.NONE
                        .withLatency(duration("--latency", latency))
                        .withServerErrors(errorRate, errorStatus)
                        .withDropRate(dropRate)
                        .withLostResponseRate(lostResponseRate)
                        .withSlowBody(duration("--slow-body", slowBody))
                        .withStorm(duration("--storm", storm))
                        .withStormRetryAfter(duration("--storm-retry-after", stormRetryAfter))
                        .withOutage(duration("--outage", outage))
                        .withPayment(duration("--payment", payment), paymentMessage)))
        .build();
  }

  private static Duration duration(String option, String value) {
    return named(option, () -> Units.duration(value));
  }

  private static <T> T named(String option, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }
}
