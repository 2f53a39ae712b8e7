package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Load check: with zero task duration the simulator sustains thousands of calls per second and
 * holds 100,000 tasks. Tagged {@code long}: run with {@code -Dtest.excludedGroups=none
 * -Dtest=SimThroughputTest}.
 */
@Tag("long")
@Timeout(300)
class SimThroughputTest {
  private static final int TASKS = 100_000;
  private static final int IN_FLIGHT = 64;

  @Test
  void sustainsThousandsOfCallsPerSecondWithAHundredThousandTasks() throws Exception {
    try (NimbleSimulator sim =
        NimbleSimulator.start(
            SimConfig.builder().taskDuration(Duration.ZERO).requestsPerSecond(0).build())) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
      Runtime runtime = Runtime.getRuntime();
      System.gc();
      long heapBefore = runtime.totalMemory() - runtime.freeMemory();

      double submitRate =
          run(
              client,
              TASKS,
              i ->
                  HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/extract/async"))
                      .header("Authorization", "Bearer k")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"url\":\"https://example.com/item/"
                                  + i
                                  + "\",\"formats\":[\"html\"]}"))
                      .build(),
              body ->
                  ids.add(
                      body.substring(
                          body.indexOf("\"id\":\"") + 6, body.indexOf("\"id\":\"") + 42)));
      String[] all = ids.toArray(new String[0]);
      double pollRate =
          run(
              client,
              20_000,
              i ->
                  HttpRequest.newBuilder(
                          URI.create(sim.baseUrl() + "/v1/tasks/" + all[i % all.length]))
                      .header("Authorization", "Bearer k")
                      .build(),
              body -> {});
      double resultRate =
          run(
              client,
              20_000,
              i ->
                  HttpRequest.newBuilder(
                          URI.create(
                              sim.baseUrl() + "/v1/tasks/" + all[i % all.length] + "/results"))
                      .header("Authorization", "Bearer k")
                      .build(),
              body -> {});
      System.gc();
      long heapAfter = runtime.totalMemory() - runtime.freeMemory();

      SimStats stats = sim.stats();
      System.out.printf(
          "submit %.0f/s, status %.0f/s, results %.0f/s, %d tasks, ~%d bytes/task%n",
          submitRate, pollRate, resultRate, stats.tasksStored(), (heapAfter - heapBefore) / TASKS);
      assertThat(stats.tasksCreated()).isEqualTo(TASKS);
      assertThat(stats.tasksCompleted()).isEqualTo(TASKS);
      assertThat(submitRate).isGreaterThan(1000);
      assertThat(pollRate).isGreaterThan(1000);
    }
  }

  interface RequestFactory {
    HttpRequest make(int i);
  }

  interface BodyCheck {
    void accept(String body);
  }

  private static double run(HttpClient client, int count, RequestFactory requests, BodyCheck check)
      throws Exception {
    Semaphore slots = new Semaphore(IN_FLIGHT);
    AtomicInteger failures = new AtomicInteger();
    CompletableFuture<?>[] all = new CompletableFuture<?>[count];
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      slots.acquire();
      all[i] =
          client
              .sendAsync(requests.make(i), HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (r, e) -> {
                    slots.release();
                    if (e != null || r.statusCode() != 200) {
                      failures.incrementAndGet();
                    } else {
                      check.accept(r.body());
                    }
                  });
    }
    CompletableFuture.allOf(all).join();
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(failures.get()).isZero();
    return count / seconds;
  }
}
