package dev.nimblekafka.deploy;

import static dev.nimblekafka.deploy.KubernetesManifestsTest.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** docker-compose.yml: the local cluster of a broker, the topics, the simulator and two workers. */
class DockerComposeTest {

  private static final Path ROOT = Manifests.root();
  private static JsonNode services;

  @BeforeAll
  static void load() {
    services = Manifests.compose(ROOT.resolve("docker-compose.yml")).path("services");
  }

  @Test
  void hasAKraftBrokerWithListenersForContainersAndTheHost() {
    JsonNode kafka = service("kafka");
    assertThat(kafka.path("image").asText()).contains("apache/kafka");
    JsonNode env = kafka.path("environment");
    assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).contains("broker").contains("controller");
    String advertised = env.path("KAFKA_ADVERTISED_LISTENERS").asText();
    assertThat(advertised).contains("localhost:9092").contains("//kafka:");
    assertThat(hostPorts(kafka)).containsEntry(9092, 9092);
    // transactions on a single broker
    assertThat(env.path("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").asText()).isEqualTo("1");
    assertThat(env.path("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").asText()).isEqualTo("1");
    assertThat(kafka.path("healthcheck").path("test").toString()).contains("9092");
  }

  @Test
  void topicsAreCreatedOnceWithACompactedStateTopicAsWideAsTheRequests() {
    JsonNode topics = service("kafka-topics");
    assertThat(topics.path("image").asText()).isEqualTo(service("kafka").path("image").asText());
    assertThat(condition(topics, "kafka")).isEqualTo("service_healthy");
    String script = topics.path("command").toString() + topics.path("entrypoint").toString();
    assertThat(script).contains("/opt/kafka/bin/kafka-topics.sh").contains("--if-not-exists");
    Map<String, String> created = new TreeMap<>();
    Matcher m =
        Pattern.compile("--topic (\\S+) --partitions (\\S+)([^\\n\\\\]*)")
            .matcher(topics.path("command").get(0).asText());
    while (m.find()) {
      created.put(m.group(1), m.group(2) + m.group(3));
    }
    assertThat(created.keySet())
        .contains("nimble.requests", "nimble.results", "nimble.failures", "nimble.worker.state");
    String requestsPartitions = created.get("nimble.requests").split(" ")[0];
    assertThat(created.get("nimble.worker.state"))
        .startsWith(requestsPartitions)
        .contains("cleanup.policy=compact");
  }

  @Test
  void simulatorServesTheNimbleApiOnPort8090() {
    JsonNode sim = service("simulator");
    assertThat(texts(sim.path("command"))).containsExactly("sim", "--port", "8090");
    assertThat(hostPorts(sim)).containsValue(8090);
    assertThat(sim.path("healthcheck").path("test").toString()).contains("8090/sim/stats");
    assertThat(sim.path("environment").path("NIMBLE_API_KEY").asText()).isNotEmpty();
  }

  @Test
  void twoWorkersFromTheDockerfileTalkToTheBrokerAndTheSimulator() {
    List<String> workers = new ArrayList<>();
    services
        .fieldNames()
        .forEachRemaining(
            name -> {
              if ("worker".equals(services.path(name).path("command").path(0).asText())) {
                workers.add(name);
              }
            });
    assertThat(workers).hasSize(2);

    String apiKey = service("simulator").path("environment").path("NIMBLE_API_KEY").asText();
    String advertised =
        service("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText();
    Set<Integer> published = new HashSet<>();
    Set<String> instanceIds = new HashSet<>();
    for (String name : workers) {
      JsonNode worker = service(name);
      JsonNode env = worker.path("environment");
      assertThat(worker.path("build").path("dockerfile").asText())
          .isEqualTo("deploy/docker/Dockerfile");
      assertThat(Files.exists(ROOT.resolve(worker.path("build").path("dockerfile").asText())))
          .isTrue();

      Map<Integer, Integer> ports = hostPorts(worker);
      assertThat(ports.values()).as("the admin port only").containsExactly(8081);
      published.addAll(ports.keySet());
      assertThat(env.path("HTTP_PORT").asText("8080")).isEqualTo("8080");
      assertThat(env.path("ADMIN_PORT").asText("8081")).isEqualTo("8081");

      String bootstrap = env.path("KAFKA_BOOTSTRAP_SERVERS").asText();
      assertThat(bootstrap).startsWith("kafka:");
      assertThat(advertised).contains("//" + bootstrap);
      assertThat(env.path("NIMBLE_BASE_URL").asText()).isEqualTo("http://simulator:8090");
      assertThat(env.path("NIMBLE_API_KEY").asText()).isEqualTo(apiKey);
      assertThat(env.path("CALLBACK_BASE_URL").asText()).isEqualTo("http://" + name + ":8080");
      assertThat(env.path("REQUESTS_TOPIC").asText()).isEqualTo("nimble.requests");
      assertThat(env.path("STATE_TOPIC").asText()).isEqualTo("nimble.worker.state");
      instanceIds.add(env.path("WORKER_INSTANCE_ID").asText());

      assertThat(condition(worker, "kafka")).isEqualTo("service_healthy");
      assertThat(condition(worker, "kafka-topics")).isEqualTo("service_completed_successfully");
      assertThat(worker.path("healthcheck").path("test").toString()).contains("8081/health/ready");
      assertThat(Manifests.duration(worker.path("stop_grace_period").asText("10s")))
          .isGreaterThan(Manifests.duration(env.path("SHUTDOWN_GRACE_PERIOD").asText("30s")));
    }
    assertThat(published).as("distinct host ports").hasSize(2);
    assertThat(instanceIds).as("unique WORKER_INSTANCE_ID").hasSize(2).doesNotContain("");
  }

  @Test
  void theCallbackSecretMustComeFromTheEnvironmentWithNoDefault() {
    for (String name : List.of("worker-1", "worker-2")) {
      String secret = service(name).path("environment").path("CALLBACK_SECRET").asText();
      assertThat(secret)
          .as("%s's CALLBACK_SECRET: required from the environment, with how to make one", name)
          .matches("\\$\\{CALLBACK_SECRET:\\?[^}]*16[^}]*}");
    }
  }

  @Test
  void theCommentsStateTheDefaultQueueAhead() throws Exception {
    for (Path file :
        List.of(
            ROOT.resolve("docker-compose.yml"), ROOT.resolve("deploy/k8s/base/configmap.yaml"))) {
      String text = Files.readString(file);
      assertThat(text).as(file.toString()).doesNotContain("50%").doesNotContain("default 50");
    }
  }

  // ---------------------------------------------------------------- helpers

  private static JsonNode service(String name) {
    JsonNode service = services.path(name);
    assertThat(service.isObject()).as("service " + name).isTrue();
    return service;
  }

  private static String condition(JsonNode service, String dependency) {
    return service.path("depends_on").path(dependency).path("condition").asText();
  }

  private static List<String> texts(JsonNode array) {
    return stream(array).map(JsonNode::asText).toList();
  }

  /** Published host port to container port, from the short ("8081:8080") or long syntax. */
  private static Map<Integer, Integer> hostPorts(JsonNode service) {
    Map<Integer, Integer> out = new TreeMap<>();
    for (JsonNode port : service.path("ports")) {
      if (port.isObject()) {
        out.put(port.path("published").asInt(), port.path("target").asInt());
      } else {
        String[] parts = port.asText().split("/")[0].split(":");
        int target = Integer.parseInt(parts[parts.length - 1]);
        int published = parts.length > 1 ? Integer.parseInt(parts[parts.length - 2]) : target;
        out.put(published, target);
      }
    }
    return out;
  }
}
