package dev.nimblekafka.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Kustomize base ({@code deploy/k8s}) and its HPA overlay, as they would be applied. */
class KubernetesManifestsTest {

  private static final Path K8S = Manifests.root().resolve("deploy/k8s");
  private static final Path OVERLAY = K8S.resolve("overlays/hpa");
  private static final String PARTITIONS_ANNOTATION =
      "nimble-kafka-worker/requests-topic-partitions";
  private static final String CONCURRENCY_ANNOTATION = "nimble-kafka-worker/plan-concurrency";
  private static final String QPS_ANNOTATION = "nimble-kafka-worker/plan-qps";

  /** The app's MAX_PENDING_TASKS when the ConfigMap does not set it. */
  private static final String DEFAULT_MAX_PENDING = "1000";

  /** The app's drain period when SHUTDOWN_GRACE_PERIOD is not set. */
  private static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

  private static List<JsonNode> base;
  private static List<JsonNode> overlay;

  @BeforeAll
  static void render() {
    base = Manifests.render(K8S);
    overlay = Manifests.render(OVERLAY);
    System.out.println(
        "deploy/k8s rendered with "
            + Manifests.kustomizeCommand().map(c -> String.join(" ", c)).orElse("the file reader"));
  }

  @Test
  void baseHasTheWorkloadItsConfigurationAndKedaAutoscaling() {
    assertThat(kinds(base))
        .containsExactlyInAnyOrder(
            "ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "ScaledObject");
    assertThat(Manifests.ofKind(base, "Secret"))
        .as("the Secret holds placeholders and must never be applied from the base")
        .isEmpty();
  }

  @Test
  void probesAndScrapesUseTheAdminPortAndTheServiceTargetsTheCallbackPort() {
    JsonNode container = workerContainer(base);
    int callbackPort = containerPort(container, new TextNode("http"));
    int adminPort = containerPort(container, new TextNode("admin"));
    assertThat(callbackPort).isEqualTo(8080);
    assertThat(adminPort).isEqualTo(8081);
    assertThat(config(base).path("data").path("HTTP_PORT").asText("8080"))
        .isEqualTo(String.valueOf(callbackPort));
    assertThat(config(base).path("data").path("ADMIN_PORT").asText("8081"))
        .isEqualTo(String.valueOf(adminPort));

    JsonNode liveness = container.path("livenessProbe").path("httpGet");
    JsonNode readiness = container.path("readinessProbe").path("httpGet");
    assertThat(liveness.path("path").asText()).isEqualTo("/health/live");
    assertThat(readiness.path("path").asText()).isEqualTo("/health/ready");
    assertThat(containerPort(container, liveness.path("port"))).isEqualTo(adminPort);
    assertThat(containerPort(container, readiness.path("port"))).isEqualTo(adminPort);
    if (container.has("startupProbe")) {
      JsonNode startup = container.path("startupProbe").path("httpGet");
      assertThat(startup.path("path").asText()).isEqualTo("/health/live");
      assertThat(containerPort(container, startup.path("port"))).isEqualTo(adminPort);
    }

    JsonNode service = Manifests.single(base, "Service");
    assertThat(service.path("spec").path("ports")).hasSize(1);
    JsonNode port = service.path("spec").path("ports").get(0);
    assertThat(port.path("name").asText()).isEqualTo("http");
    assertThat(port.path("port").asInt()).isEqualTo(8080);
    assertThat(containerPort(container, port.path("targetPort"))).isEqualTo(callbackPort);
    assertThat(matches(service.path("spec").path("selector"), podLabels(base))).isTrue();

    JsonNode annotations = podTemplate(base).path("metadata").path("annotations");
    assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
    assertThat(annotations.path("prometheus.io/port").asText())
        .isEqualTo(String.valueOf(adminPort));
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
  }

  @Test
  void terminationGraceOutlastsTheDrainAndThePreStopPause() {
    JsonNode drainSetting = config(base).path("data").path("SHUTDOWN_GRACE_PERIOD");
    Duration drain =
        drainSetting.isMissingNode() ? DEFAULT_DRAIN : Manifests.duration(drainSetting.asText());
    long preStop = 0;
    JsonNode command =
        workerContainer(base).path("lifecycle").path("preStop").path("exec").path("command");
    if (command.size() == 2 && command.get(0).asText().endsWith("sleep")) {
      preStop = Long.parseLong(command.get(1).asText());
    }
    long grace = podTemplate(base).path("spec").path("terminationGracePeriodSeconds").asLong(30);
    assertThat(grace).isGreaterThan(drain.toSeconds() + preStop);
  }

  @Test
  void podsAreNamedUniquelyAndGetConfigAndSecretsFromTheirSources() {
    JsonNode container = workerContainer(base);
    JsonNode instanceId = env(container, "WORKER_INSTANCE_ID");
    assertThat(instanceId.path("valueFrom").path("fieldRef").path("fieldPath").asText())
        .isEqualTo("metadata.name");

    assertThat(container.path("envFrom").findValuesAsText("name"))
        .contains(Manifests.name(config(base)));

    JsonNode secret =
        Manifests.documents(Manifests.read(K8S.resolve("base/secret.example.yaml"))).get(0);
    for (String key : List.of("NIMBLE_API_KEY", "CALLBACK_SECRET")) {
      JsonNode ref = env(container, key).path("valueFrom").path("secretKeyRef");
      assertThat(ref.path("name").asText()).isEqualTo(Manifests.name(secret));
      assertThat(ref.path("key").asText()).isEqualTo(key);
      assertThat(secret.path("stringData").path(key).asText()).startsWith("REPLACE_ME");
    }
  }

  @Test
  void podsRunAsNonRootOnAReadOnlyRootWithAWritableTmp() {
    JsonNode pod = podTemplate(base).path("spec");
    JsonNode container = workerContainer(base);
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean())
        .isTrue();
    assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true))
        .isFalse();
    String tmpVolume =
        stream(container.path("volumeMounts"))
            .filter(m -> "/tmp".equals(m.path("mountPath").asText()))
            .map(m -> m.path("name").asText())
            .findFirst()
            .orElseThrow(() -> new AssertionError("no volume on /tmp"));
    assertThat(
            stream(pod.path("volumes"))
                .anyMatch(v -> tmpVolume.equals(v.path("name").asText()) && v.has("emptyDir")))
        .isTrue();
    assertThat(container.path("resources").path("requests").has("memory")).isTrue();
    assertThat(container.path("resources").path("limits").has("memory")).isTrue();
    assertThat(
            pod.path("affinity")
                .path("podAntiAffinity")
                .findValuesAsText("topologyKey")
                .contains("kubernetes.io/hostname"))
        .isTrue();
    JsonNode antiAffinityLabels =
        pod.path("affinity").path("podAntiAffinity").findValue("matchLabels");
    assertThat(antiAffinityLabels != null && matches(antiAffinityLabels, podLabels(base)))
        .as("anti-affinity selects the worker's own pods")
        .isTrue();
  }

  @Test
  void disruptionBudgetCoversThePods() {
    JsonNode pdb = Manifests.single(base, "PodDisruptionBudget");
    assertThat(matches(pdb.path("spec").path("selector").path("matchLabels"), podLabels(base)))
        .isTrue();
    assertThat(pdb.path("spec").has("maxUnavailable") || pdb.path("spec").has("minAvailable"))
        .isTrue();
  }

  @Test
  void kedaScalesOnTheWorkersLagAndPendingTasksUpToThePartitionCount() {
    JsonNode scaled = Manifests.single(base, "ScaledObject").path("spec");
    JsonNode data = config(base).path("data");
    assertThat(scaled.path("scaleTargetRef").path("name").asText())
        .isEqualTo(Manifests.name(Manifests.single(base, "Deployment")));
    int min = scaled.path("minReplicaCount").asInt(0);
    int max = scaled.path("maxReplicaCount").asInt(100);
    assertThat(min).isGreaterThanOrEqualTo(1);
    assertThat(max).isBetween(min, partitions(base));

    JsonNode kafka = trigger(scaled, "kafka");
    assertThat(kafka.path("bootstrapServers").asText())
        .isEqualTo(data.path("KAFKA_BOOTSTRAP_SERVERS").asText());
    assertThat(kafka.path("consumerGroup").asText())
        .isEqualTo(data.path("WORKER_GROUP_ID").asText());
    assertThat(kafka.path("topic").asText()).isEqualTo(data.path("REQUESTS_TOPIC").asText());
    assertThat(Integer.parseInt(kafka.path("lagThreshold").asText())).isPositive();

    JsonNode prometheus = trigger(scaled, "prometheus");
    assertThat(prometheus.path("query").asText().replace(" ", ""))
        .isEqualTo("sum(nimble_worker_tasks_pending)");
    assertThat(prometheus.path("serverAddress").asText()).startsWith("http");
    assertThat(Double.parseDouble(prometheus.path("threshold").asText())).isPositive();

    String file = Manifests.read(K8S.resolve("base/scaledobject.yaml"));
    String beforeMax = file.substring(0, file.indexOf("maxReplicaCount:"));
    String comment = beforeMax.substring(beforeMax.lastIndexOf("minReplicaCount:"));
    assertThat(comment).as("the cap on replicas says why").contains("# ").contains("partition");
  }

  @Test
  void kedaFallsBackToAFixedCountWhenATriggerFailsInsteadOfReadingZero() {
    JsonNode scaled = Manifests.single(base, "ScaledObject").path("spec");
    JsonNode fallback = scaled.path("fallback");
    assertThat(fallback.path("failureThreshold").asInt()).isPositive();
    assertThat(fallback.path("replicas").asInt())
        .isBetween(scaled.path("minReplicaCount").asInt(), scaled.path("maxReplicaCount").asInt());
    assertThat(trigger(scaled, "prometheus").path("ignoreNullValues").asText())
        .as("an empty pending-tasks query is an error (then the fallback), not 0")
        .isEqualTo("false");
    assertThat(trigger(scaled, "kafka").path("offsetResetPolicy").asText())
        .as("the worker reads a group without commits from the earliest offset")
        .isEqualTo("earliest");
    assertThat(scaled.has("cooldownPeriod"))
        .as("cooldownPeriod applies only to scaling to zero, which minReplicaCount >= 1 rules out")
        .isFalse();
  }

  @Test
  void theConfigMapSetsTheKeysLimitsOnceForTheWholeFleet() {
    JsonNode data = config(base).path("data");
    JsonNode annotations = config(base).path("metadata").path("annotations");
    assertThat(data.path("NIMBLE_PLAN_TASKS").asText())
        .as("NIMBLE_PLAN_TASKS is the plan's concurrency, shared by the pods")
        .isEqualTo(annotations.path(CONCURRENCY_ANNOTATION).asText());
    assertThat(data.path("NIMBLE_QPS").asText())
        .as("NIMBLE_QPS is the key's calls per second, shared by the pods")
        .isEqualTo(annotations.path(QPS_ANNOTATION).asText());
    assertThat(Integer.parseInt(annotations.path(CONCURRENCY_ANNOTATION).asText())).isPositive();
    assertThat(Integer.parseInt(annotations.path(QPS_ANNOTATION).asText())).isPositive();

    JsonNode scaled = Manifests.single(base, "ScaledObject").path("spec");
    JsonNode hpa = Manifests.single(overlay, "HorizontalPodAutoscaler").path("spec");
    assertThat(scaled.path("maxReplicaCount").asInt()).isLessThanOrEqualTo(partitions(base));
    assertThat(hpa.path("maxReplicas").asInt()).isLessThanOrEqualTo(partitions(overlay));

    int maxPending = Integer.parseInt(data.path("MAX_PENDING_TASKS").asText(DEFAULT_MAX_PENDING));
    double threshold = Double.parseDouble(trigger(scaled, "prometheus").path("threshold").asText());
    assertThat(threshold)
        .as("pods are added before a pod reaches MAX_PENDING_TASKS, its memory bound")
        .isLessThan(maxPending);
    JsonNode pendingMetric =
        stream(hpa.path("metrics"))
            .filter(m -> "Pods".equals(m.path("type").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(
            Double.parseDouble(
                pendingMetric.path("pods").path("target").path("averageValue").asText()))
        .isLessThan(maxPending);
  }

  @Test
  void serviceLinksDoNotLeakIntoTheWorkersSettings() {
    assertThat(podTemplate(base).path("spec").path("enableServiceLinks").asBoolean(true))
        .as("a Service named kafka would inject KAFKA_PORT=tcp://...")
        .isFalse();
  }

  @Test
  void hpaCommentSaysWhatHappensWithoutAMetricsAdapter() {
    String file = Manifests.read(OVERLAY.resolve("hpa.yaml"));
    assertThat(file).contains("never scales down").doesNotContain("and scales on CPU");
  }

  @Test
  void hpaOverlayReplacesTheScaledObjectWithAnHpaCappedAtThePartitionCount() {
    assertThat(Manifests.ofKind(overlay, "ScaledObject")).isEmpty();
    assertThat(kinds(overlay))
        .containsExactlyInAnyOrder(
            "ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler");
    JsonNode hpa = Manifests.single(overlay, "HorizontalPodAutoscaler");
    assertThat(hpa.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
    JsonNode spec = hpa.path("spec");
    assertThat(spec.path("scaleTargetRef").path("kind").asText()).isEqualTo("Deployment");
    assertThat(spec.path("scaleTargetRef").path("name").asText())
        .isEqualTo(Manifests.name(Manifests.single(overlay, "Deployment")));
    assertThat(spec.path("maxReplicas").asInt())
        .isBetween(spec.path("minReplicas").asInt(1), partitions(overlay));
    Set<String> metricTypes =
        stream(spec.path("metrics")).map(m -> m.path("type").asText()).collect(Collectors.toSet());
    assertThat(metricTypes).contains("Resource");
    assertThat(metricTypes).containsAnyOf("Pods", "External");
    assertThat(
            stream(spec.path("metrics"))
                .anyMatch(m -> "cpu".equals(m.path("resource").path("name").asText())))
        .isTrue();
  }

  @Test
  void fileReaderAgreesWithKustomize() {
    assumeTrue(Manifests.kustomizeCommand().isPresent(), "no kustomize or kubectl on the PATH");
    assertThat(ids(Manifests.renderFromFiles(K8S))).isEqualTo(ids(base));
    assertThat(ids(Manifests.renderFromFiles(OVERLAY))).isEqualTo(ids(overlay));
  }

  // ---------------------------------------------------------------- helpers

  private static List<String> kinds(List<JsonNode> resources) {
    return resources.stream().map(r -> r.path("kind").asText()).toList();
  }

  private static Set<String> ids(List<JsonNode> resources) {
    return resources.stream()
        .map(r -> r.path("kind").asText() + "/" + Manifests.name(r))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static JsonNode config(List<JsonNode> resources) {
    return Manifests.single(resources, "ConfigMap");
  }

  private static int partitions(List<JsonNode> resources) {
    JsonNode value = config(resources).path("metadata").path("annotations");
    assertThat(value.has(PARTITIONS_ANNOTATION))
        .as("the ConfigMap states the requests topic's partition count")
        .isTrue();
    return Integer.parseInt(value.path(PARTITIONS_ANNOTATION).asText());
  }

  private static JsonNode podTemplate(List<JsonNode> resources) {
    return Manifests.single(resources, "Deployment").path("spec").path("template");
  }

  private static JsonNode podLabels(List<JsonNode> resources) {
    return podTemplate(resources).path("metadata").path("labels");
  }

  private static JsonNode workerContainer(List<JsonNode> resources) {
    JsonNode containers = podTemplate(resources).path("spec").path("containers");
    assertThat(containers.size()).isEqualTo(1);
    return containers.get(0);
  }

  private static JsonNode env(JsonNode container, String name) {
    return stream(container.path("env"))
        .filter(e -> name.equals(e.path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no env " + name));
  }

  /** A port given by number or by the name of one of the container's ports. */
  private static int containerPort(JsonNode container, JsonNode port) {
    if (port.has("containerPort")) {
      return port.path("containerPort").asInt();
    }
    if (port.isInt() || port.asText().matches("\\d+")) {
      return Integer.parseInt(port.asText());
    }
    return stream(container.path("ports"))
        .filter(p -> port.asText().equals(p.path("name").asText()))
        .map(p -> p.path("containerPort").asInt())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + port.asText()));
  }

  private static boolean matches(JsonNode selector, JsonNode labels) {
    if (selector.size() == 0) {
      return false;
    }
    List<String> misses = new ArrayList<>();
    for (var e : selector.properties()) {
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText())) {
        misses.add(e.getKey());
      }
    }
    return misses.isEmpty();
  }

  private static JsonNode trigger(JsonNode scaledObjectSpec, String type) {
    return stream(scaledObjectSpec.path("triggers"))
        .filter(t -> type.equals(t.path("type").asText()))
        .map(t -> t.path("metadata"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " trigger"));
  }

  static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false);
  }
}
