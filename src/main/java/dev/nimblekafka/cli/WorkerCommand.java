package dev.nimblekafka.cli;

import ch.qos.logback.classic.LoggerContext;
import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.config.WorkerConfig;
import dev.nimblekafka.worker.Worker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;

@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Consume extraction requests from Kafka, run them on Nimble, publish exactly one outcome each.",
      "",
      "Configured by environment variables (see README): KAFKA_BOOTSTRAP_SERVERS, NIMBLE_API_KEY,",
      "NIMBLE_BASE_URL, REQUESTS_TOPIC, RESULTS_TOPIC, FAILURES_TOPIC, STATE_TOPIC, WORKER_GROUP_ID,",
      "MAX_PENDING_TASKS, ... and any Kafka client setting as KAFKA_<NAME>.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  KAFKA_BOOTSTRAP_SERVERS=localhost:9092 NIMBLE_API_KEY=... \\",
      "    java -jar nimble-kafka-worker.jar worker"
    })
final class WorkerCommand implements Callable<Integer> {

  @Mixin ConfigOption configOption;

  @Override
  public Integer call() throws Exception {
    WorkerConfig config = ConfigLoader.load(configOption.source(false));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Worker worker;
    try {
      worker = new Worker(config, registry, Clock.systemUTC());
    } catch (IllegalStateException | java.io.IOException e) {
      System.err.println("Cannot start: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    worker.start();
    AtomicBoolean drained = new AtomicBoolean();
    Runnable drain =
        () -> {
          if (!worker.status().loopEnded() && drained.compareAndSet(false, true)) {
            worker.close();
          }
        };
    // SIGTERM (Kubernetes stopping the pod) drains, then exits 0 through System.exit, so every
    // other shutdown hook still runs: an OpenTelemetry agent's flush, Logback's.
    Signal.handle(
        new Signal("TERM"),
        signal ->
            new Thread(
                    () -> {
                      boolean ended = worker.status().loopEnded();
                      drain.run();
                      System.exit(ended ? ExitCodes.FAILED : ExitCodes.OK);
                    },
                    "drain")
                .start());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  drain.run();
                  ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
                },
                "shutdown"));
    while (!worker.awaitStop(Duration.ofHours(1))) {
      // keep waiting; SIGTERM ends it through the shutdown hook
    }
    worker.close();
    return exitCode(drained.get());
  }

  /**
   * The exit code once the loop has stopped: 0 when a SIGTERM drained it (the drain's own exit
   * races this one, and both must say the same), 1 when the loop died by itself.
   */
  static int exitCode(boolean drained) {
    return drained ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
