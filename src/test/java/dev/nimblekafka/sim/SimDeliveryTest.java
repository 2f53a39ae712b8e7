package dev.nimblekafka.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Callbacks and storage delivery. */
@Timeout(30)
class SimDeliveryTest {
  @TempDir Path storage;

  private NimbleSimulator start() throws Exception {
    return NimbleSimulator.start(
        SimConfig.builder()
            .taskDuration(Duration.ofMillis(20))
            .storageDir(storage)
            .callbackTimeout(Duration.ofSeconds(2))
            .build());
  }

  @Test
  void callbacksCarryTheTaskWithoutResultDataWhenItCompletesOrFails() throws Exception {
    try (NimbleSimulator sim = start();
        CallbackReceiver receiver = new CallbackReceiver()) {
      SimHttp http = new SimHttp(sim);
      String done =
          http.submitJson(
              "{\"url\":\"https://a.example\",\"callback_url\":\"" + receiver.url("/cb") + "\"}");
      String failed =
          http.submitJson(
              "{\"url\":\"https://b.example\",\"tag\":\"sim:fail\",\"callback_url\":\""
                  + receiver.url("/cb")
                  + "\"}");

      await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 2);

      for (JsonNode payload : receiver.received()) {
        assertThat(payload.get("status").asText()).isEqualTo("success");
        JsonNode task = payload.get("task");
        assertThat(task.get("api_type").asText()).isEqualTo("extract");
        assertThat(task.get("status_url").asText())
            .endsWith("/v1/tasks/" + task.get("id").asText());
        assertThat(task.get("download_url").asText()).endsWith("/results");
        assertThat(payload.has("data")).isFalse();
        assertThat(task.has("data")).isFalse();
        String expected = task.get("id").asText().equals(done) ? "completed" : "failed";
        assertThat(task.get("state").asText()).isEqualTo(expected);
      }
      assertThat(receiver.received().stream().map(p -> p.at("/task/id").asText()))
          .containsExactlyInAnyOrder(done, failed);
      await().atMost(Duration.ofSeconds(5)).until(() -> sim.stats().callbacksSent() == 2);
      assertThat(sim.stats().callbacksFailed()).isZero();
    }
  }

  @Test
  void batchAndAgentCallbacksComeFromSharedInputsAndParams() throws Exception {
    try (NimbleSimulator sim = start();
        CallbackReceiver receiver = new CallbackReceiver()) {
      SimHttp http = new SimHttp(sim);
      String batch =
          "{\"shared_inputs\":{\"callback_url\":\""
              + receiver.url("/batch")
              + "\"},\"inputs\":[{\"url\":\"https://a.example\"},{\"url\":\"https://b.example\"},"
              + "{\"url\":\"https://c.example\"}]}";
      assertThat(http.post("/v1/extract/batch", batch).status()).isEqualTo(200);
      String agent =
          "{\"agent\":\"amazon_pdp\",\"params\":{\"asin\":\"X1\",\"callback_url\":\""
              + receiver.url("/agent")
              + "\"}}";
      assertThat(http.post("/v1/agents/async", agent).status()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 4);
      Set<String> types =
          receiver.received().stream()
              .map(p -> p.at("/task/api_type").asText())
              .collect(Collectors.toSet());
      assertThat(types).containsExactlyInAnyOrder("extract", "agent");
    }
  }

  @Test
  void callbacksThatCannotBeDeliveredAreCountedAsFailed() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (NimbleSimulator sim = start();
        CallbackReceiver receiver = new CallbackReceiver()) {
      receiver.answer(500);
      SimHttp http = new SimHttp(sim);
      http.submitJson(
          "{\"url\":\"https://a.example\",\"callback_url\":\"http://127.0.0.1:"
              + closedPort
              + "/\"}");
      http.submitJson(
          "{\"url\":\"https://b.example\",\"callback_url\":\"" + receiver.url("/500") + "\"}");

      await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().callbacksFailed() == 2);
      assertThat(sim.stats().callbacksSent()).isZero();
    }
  }

  @Test
  void resultsAreStoredAsPlainJsonUnderTheBucketFolder() throws Exception {
    try (NimbleSimulator sim = start()) {
      SimHttp http = new SimHttp(sim);
      String id =
          http.submitJson(
              "{\"url\":\"https://a.example\",\"storage_type\":\"s3\",\"storage_url\":\"s3://my-bucket/results/\"}");

      await().atMost(Duration.ofSeconds(5)).until(() -> http.state(id).equals("completed"));

      JsonNode task = http.task(id);
      assertThat(task.get("output_url").asText())
          .isEqualTo("s3://my-bucket/results/" + id + ".json");
      Path file = storage.resolve("my-bucket/results/" + id + ".json");
      JsonNode stored = SimHttp.MAPPER.readTree(Files.readAllBytes(file));
      assertThat(stored.get("task_id").asText()).isEqualTo(id);
      assertThat(stored.at("/data/html").isTextual()).isTrue();
      assertThat(stored.get("data"))
          .isEqualTo(http.get("/v1/tasks/" + id + "/results").json().get("data"));
      assertThat(sim.stats().storageWrites()).isEqualTo(1);
    }
  }

  @Test
  void compressedResultsAreGzippedAndCustomNamesReplaceTheTaskId() throws Exception {
    try (NimbleSimulator sim = start()) {
      SimHttp http = new SimHttp(sim);
      String gz =
          http.submitJson(
              "{\"url\":\"https://a.example\",\"storage_type\":\"gs\",\"storage_url\":\"gs://bucket/p/\","
                  + "\"storage_compress\":true}");
      String named =
          http.submitJson(
              "{\"url\":\"https://b.example\",\"storage_type\":\"s3\",\"storage_url\":\"s3://bucket/q\","
                  + "\"storage_object_name\":\"my-object\"}");
      SimHttp.Resp agent =
          http.post(
              "/v1/agents/async",
              "{\"agent\":\"target_pdp\",\"params\":{\"tcin\":\"7\",\"storage_type\":\"s3\","
                  + "\"storage_url\":\"s3://agents/out/\",\"storage_compress\":true,"
                  + "\"storage_object_name\":\"tcin-7\"}}");
      String agentId = agent.json().at("/task/id").asText();

      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  http.state(gz).equals("completed")
                      && http.state(named).equals("completed")
                      && http.state(agentId).equals("completed"));

      assertThat(http.task(gz).get("output_url").asText())
          .isEqualTo("gs://bucket/p/" + gz + ".json.gz");
      try (InputStream in =
          new GZIPInputStream(
              Files.newInputStream(storage.resolve("bucket/p/" + gz + ".json.gz")))) {
        assertThat(SimHttp.MAPPER.readTree(in).get("task_id").asText()).isEqualTo(gz);
      }
      assertThat(http.task(named).get("output_url").asText())
          .isEqualTo("s3://bucket/q/my-object.json");
      assertThat(storage.resolve("bucket/q/my-object.json")).exists();
      assertThat(http.task(agentId).get("output_url").asText())
          .isEqualTo("s3://agents/out/tcin-7.json.gz");
      try (InputStream in =
          new GZIPInputStream(Files.newInputStream(storage.resolve("agents/out/tcin-7.json.gz")))) {
        assertThat(SimHttp.MAPPER.readTree(in).at("/metadata/agent").asText())
            .isEqualTo("target_pdp");
      }
    }
  }

  @Test
  void aStorageObjectNameThatLeavesTheBucketFailsTheTask() throws Exception {
    try (NimbleSimulator sim = start()) {
      SimHttp http = new SimHttp(sim);
      String id =
          http.submitJson(
              "{\"url\":\"https://a.example\",\"storage_type\":\"s3\",\"storage_url\":\"s3://b/\","
                  + "\"storage_object_name\":\"../../outside\"}");

      await().atMost(Duration.ofSeconds(5)).until(() -> http.state(id).equals("failed"));

      assertThat(http.task(id).get("error_type").asText()).isEqualTo("storage_error");
      assertThat(storage.getParent().resolve("outside.json")).doesNotExist();
    }
  }

  @Test
  void resultBodiesCanBeMadeLarge() throws Exception {
    try (NimbleSimulator sim =
        NimbleSimulator.start(
            SimConfig.builder()
                .taskDuration(Duration.ZERO)
                .resultSizeBytes(2 * 1024 * 1024)
                .build())) {
      SimHttp http = new SimHttp(sim);
      String id = http.submit("https://big.example");
      String agent =
          http.post(
                  "/v1/agents/async", "{\"agent\":\"amazon_serp\",\"params\":{\"keyword\":\"tv\"}}")
              .json()
              .at("/task/id")
              .asText();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> http.state(id).equals("completed") && http.state(agent).equals("completed"));

      SimHttp.Resp big = http.get("/v1/tasks/" + id + "/results");
      SimHttp.Resp bigAgent = http.get("/v1/tasks/" + agent + "/results");

      assertThat(big.body().length()).isBetween(2 * 1024 * 1024, 2 * 1024 * 1024 + 64);
      assertThat(big.json().get("task_id").asText()).isEqualTo(id);
      assertThat(bigAgent.body().length()).isBetween(2 * 1024 * 1024 - 64, 2 * 1024 * 1024 + 64);
      assertThat(bigAgent.json().at("/data/parsing").isArray()).isTrue();
    }
  }
}
