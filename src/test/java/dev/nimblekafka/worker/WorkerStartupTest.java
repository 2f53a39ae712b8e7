package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.sim.NimbleSimulator;
import dev.nimblekafka.sim.SimConfig;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.LogCapture;
import dev.nimblekafka.testkit.RealKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@RealKafka
class WorkerStartupTest {

  private static Set<Thread> threads() {
    return new HashSet<>(Thread.getAllStackTraces().keySet());
  }

  private static List<String> newThreads(Set<Thread> before) {
    return threads().stream()
        .filter(t -> !before.contains(t) && t.isAlive())
        .map(Thread::getName)
        .filter(name -> !name.startsWith("ForkJoinPool.commonPool")) // the JVM's
        .filter(name -> !name.startsWith("awaitility") && !name.startsWith("nimble-sim")) // test's
        .sorted()
        .collect(Collectors.toList());
  }

  @Test
  @Timeout(90)
  void aWorkerThatCannotBindItsPortReleasesEverythingItOpened(KafkaBroker broker) throws Exception {
    try (NimbleSimulator sim =
            NimbleSimulator.start(
                SimConfig.builder().port(0).apiKey(WorkerHarness.API_KEY).build());
        WorkerHarness harness = new WorkerHarness(broker, sim, 1, Map.of());
        ServerSocket taken = new ServerSocket(0)) {
      Map<String, String> env = harness.environment("taken");
      int adminPort = WorkerHarness.freePort();
      env.put("ADMIN_PORT", Integer.toString(adminPort));
      env.put("HTTP_PORT", Integer.toString(taken.getLocalPort()));
      env.put("CALLBACK_BASE_URL", "http://127.0.0.1:" + taken.getLocalPort());
      env.put("CALLBACK_SECRET", "callback-secret-0123456789");
      Set<Thread> before = threads();
      assertThatThrownBy(
              () ->
                  new Worker(
                      ConfigLoader.load(env, Optional.empty()),
                      new SimpleMeterRegistry(),
                      Clock.systemUTC()))
          .isInstanceOf(IOException.class);
      try (ServerSocket again = new ServerSocket(adminPort)) {
        assertThat(again.getLocalPort())
            .as("the admin port, bound before the failure")
            .isEqualTo(adminPort);
      }
      // the JDK's HTTP client (Java 17 has no close) ends its thread once it is unreachable
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                System.gc();
                assertThat(newThreads(before)).as("threads left behind").isEmpty();
              });
    }
  }

  @Test
  @Timeout(90)
  void theNimbleBaseUrlIsNeverLoggedWithItsUserInfo(KafkaBroker broker) throws Exception {
    try (NimbleSimulator sim =
            NimbleSimulator.start(
                SimConfig.builder().port(0).apiKey(WorkerHarness.API_KEY).build());
        WorkerHarness harness = new WorkerHarness(broker, sim, 1, Map.of());
        LogCapture logs = LogCapture.start(Map.of("dev.nimblekafka", Level.INFO))) {
      String url = sim.baseUrl().replace("http://", "http://operator:hunter2-pass@");
      Worker worker = harness.startWorker("userinfo", Map.of("NIMBLE_BASE_URL", url));
      assertThat(logs.lines()).anyMatch(line -> line.contains("Starting worker"));
      assertThat(logs.lines()).noneMatch(line -> line.contains("hunter2-pass"));
      assertThat(worker.status().loopEnded()).isFalse();
    }
  }
}
