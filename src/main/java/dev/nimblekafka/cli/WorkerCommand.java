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
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (worker.status().loopEnded()) {
                    return; // the loop already died; the exit code says so
                  }
                  worker.close();
                  ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
                  // a drained worker exits 0, not 143
                  Runtime.getRuntime().halt(ExitCodes.OK);
                },
                "shutdown"));
    while (!worker.awaitStop(Duration.ofHours(1))) {
      // keep waiting; SIGTERM ends it through the shutdown hook
    }
    worker.close();
    return ExitCodes.FAILED; // the loop died; a drained worker exits 0 from the shutdown hook
  }
}
