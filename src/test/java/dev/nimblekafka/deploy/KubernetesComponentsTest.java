package dev.nimblekafka.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.callback.CallbackEndpoint;
import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.config.WorkerConfig;
import dev.nimblekafka.testkit.LogCapture;
import dev.nimblekafka.testkit.OperatorKit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Kustomize components of deploy/k8s/components: each one on its own over the base, and all of
 * them together in overlays/strimzi, rendered with kustomize when the machine has it; their
 * contents checked against the base and the worker's own configuration either way.
 */
class KubernetesComponentsTest {
  private static final Path K8S = Manifests.root().resolve("deploy/k8s");
  private static final Path COMPONENTS = K8S.resolve("components");
  private static final Path STRIMZI_OVERLAY = K8S.resolve("overlays/strimzi");
  private static final List<JsonNode> BASE = Manifests.renderFromFiles(K8S);

  private static List<String> componentNames() throws IOException {
    try (Stream<Path> dirs = Files.list(COMPONENTS)) {
      return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
    }
  }

  /** A component's own resources, read from the files its kustomization lists. */
  private static List<JsonNode> resources(String component) {
    Path dir = COMPONENTS.resolve(component);
    JsonNode k = Manifests.documents(Manifests.read(dir.resolve("kustomization.yaml"))).get(0);
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode resource : k.path("resources")) {
      out.addAll(Manifests.documents(Manifests.read(dir.resolve(resource.asText()))));
    }
    return out;
  }

  private static JsonNode patch(String component, String file) {
    return Manifests.documents(Manifests.read(COMPONENTS.resolve(component).resolve(file))).get(0);
  }

  @Test
  void everyComponentIsAComponentDocumentedAndUsedByTheExampleOverlay() throws IOException {
    List<String> names = componentNames();
    assertThat(names)
        .containsExactlyInAnyOrder(
            "callback-ingress",
            "grafana-dashboard",
            "keda-kafka-auth",
            "network-policy",
            "podmonitor",
            "prometheus-rules",
            "strimzi");
    String readme = Manifests.read(Manifests.root().resolve("deploy/README.md"));
    JsonNode overlay =
        Manifests.documents(Manifests.read(STRIMZI_OVERLAY.resolve("kustomization.yaml"))).get(0);
    Set<String> used = new TreeSet<>();
    overlay.path("components").forEach(c -> used.add(Path.of(c.asText()).getFileName().toString()));
    for (String name : names) {
      JsonNode k =
          Manifests.documents(
                  Manifests.read(COMPONENTS.resolve(name).resolve("kustomization.yaml")))
              .get(0);
      assertThat(k.path("kind").asText()).as(name).isEqualTo("Component");
      assertThat(k.path("apiVersion").asText())
          .as(name)
          .isEqualTo("kustomize.config.k8s.io/v1alpha1");
      assertThat(readme)
          .as("deploy/README.md explains components/" + name)
          .contains("`" + name + "`");
      assertThat(used).as("overlays/strimzi uses " + name).contains(name);
    }
  }

  @Test
  void eachComponentRendersOverTheBaseAndAllTogetherInTheExampleOverlay() throws IOException {
    // kustomize takes the base and the component by relative path only
    Path dir = Manifests.root().resolve("target/k8s-components");
    Optional<List<String>> kustomize = Manifests.kustomizeCommand();
    assumeTrue(kustomize.isPresent(), "no kustomize or kubectl on the PATH");
    Map<String, Set<String>> adds =
        Map.of(
            "callback-ingress", Set.of("Ingress"),
            "grafana-dashboard", Set.of("ConfigMap"),
            "keda-kafka-auth", Set.of("TriggerAuthentication"),
            "network-policy", Set.of("NetworkPolicy"),
            "podmonitor", Set.of("PodMonitor"),
            "prometheus-rules", Set.of("PrometheusRule"),
            "strimzi", Set.of("KafkaTopic", "KafkaUser"));
    for (String name : componentNames()) {
      Path k = dir.resolve(name).resolve("kustomization.yaml");
      Files.createDirectories(k.getParent());
      Files.writeString(
          k,
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - "
              + k.getParent().relativize(K8S.resolve("base"))
              + "\ncomponents:\n  - "
              + k.getParent().relativize(COMPONENTS.resolve(name))
              + "\n");
      List<JsonNode> rendered = Manifests.renderWith(kustomize.get(), k.getParent());
      Set<String> kinds = kinds(rendered);
      assertThat(kinds).as(name).containsAll(kinds(BASE)).containsAll(adds.get(name));
    }
    List<JsonNode> all = Manifests.renderWith(kustomize.get(), STRIMZI_OVERLAY);
    assertThat(kinds(all))
        .containsAll(adds.values().stream().flatMap(Set::stream).toList())
        .containsAll(kinds(BASE));
    // the kafka trigger reads the same cluster, as the same user, as the worker
    JsonNode config =
        Manifests.ofKind(all, "ConfigMap").stream()
            .filter(c -> Manifests.name(c).equals("nimble-kafka-worker-config"))
            .findFirst()
            .orElseThrow()
            .path("data");
    JsonNode trigger =
        KubernetesManifestsTest.stream(
                Manifests.single(all, "ScaledObject").path("spec").path("triggers"))
            .filter(t -> "kafka".equals(t.path("type").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(trigger.path("metadata").path("bootstrapServers").asText())
        .isEqualTo(config.path("KAFKA_BOOTSTRAP_SERVERS").asText());
    assertThat(trigger.path("authenticationRef").path("name").asText())
        .isEqualTo(Manifests.name(Manifests.single(all, "TriggerAuthentication")));
    assertThat(workerEnvironment(all)).containsKey("KAFKA_SASL_JAAS_CONFIG");
  }

  private static Set<String> kinds(List<JsonNode> resources) {
    return resources.stream().map(r -> r.path("kind").asText()).collect(Collectors.toSet());
  }

  @Test
  void thePodMonitorScrapesTheWorkersMetricsPort() {
    JsonNode monitor = Manifests.single(resources("podmonitor"), "PodMonitor").path("spec");
    JsonNode pod = Manifests.single(BASE, "Deployment").path("spec").path("template");
    pod.path("metadata").path("labels").properties().forEach(e -> {});
    monitor
        .path("selector")
        .path("matchLabels")
        .properties()
        .forEach(
            e ->
                assertThat(pod.path("metadata").path("labels").path(e.getKey()).asText())
                    .isEqualTo(e.getValue().asText()));
    JsonNode endpoint = monitor.path("podMetricsEndpoints").get(0);
    assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
    assertThat(endpoint.path("port").asText()).isEqualTo("admin");
    assertThat(portNames(pod)).contains(endpoint.path("port").asText());
    assertThat(monitor.path("jobLabel").asText()).isEqualTo("app.kubernetes.io/name");
  }

  @Test
  void theIngressExposesOnlyTheCallbackPath() {
    JsonNode ingress = Manifests.single(resources("callback-ingress"), "Ingress").path("spec");
    List<JsonNode> paths = new ArrayList<>();
    ingress.path("rules").forEach(r -> r.path("http").path("paths").forEach(paths::add));
    assertThat(ingress.has("defaultBackend")).isFalse();
    assertThat(paths).hasSize(1);
    JsonNode path = paths.get(0);
    assertThat(path.path("path").asText()).isEqualTo(CallbackEndpoint.PATH);
    assertThat(path.path("pathType").asText()).isEqualTo("Prefix");
    JsonNode service = path.path("backend").path("service");
    assertThat(service.path("name").asText())
        .isEqualTo(Manifests.name(Manifests.single(BASE, "Service")));
    assertThat(service.path("port").path("name").asText()).isEqualTo("http");
  }

  @Test
  void theNetworkPolicyLetsTheIngressReachOnlyTheCallbackPortAndMonitoringTheAdminPort() {
    JsonNode policy = Manifests.single(resources("network-policy"), "NetworkPolicy").path("spec");
    JsonNode labels =
        Manifests.single(BASE, "Deployment")
            .path("spec")
            .path("template")
            .path("metadata")
            .path("labels");
    policy
        .path("podSelector")
        .path("matchLabels")
        .properties()
        .forEach(
            e -> assertThat(labels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
    assertThat(policy.path("policyTypes").toString()).contains("Ingress").contains("Egress");
    Map<String, Set<String>> portsByNamespace = new TreeMap<>();
    policy
        .path("ingress")
        .forEach(
            rule ->
                rule.path("from")
                    .forEach(
                        from -> {
                          String namespace =
                              from.path("namespaceSelector")
                                  .path("matchLabels")
                                  .path("kubernetes.io/metadata.name")
                                  .asText();
                          rule.path("ports")
                              .forEach(
                                  p ->
                                      portsByNamespace
                                          .computeIfAbsent(namespace, n -> new TreeSet<>())
                                          .add(p.path("port").asText()));
                        }));
    assertThat(portsByNamespace)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("ingress-nginx", Set.of("http"), "monitoring", Set.of("admin")));
    Set<String> egressPorts = new TreeSet<>();
    policy
        .path("egress")
        .forEach(r -> r.path("ports").forEach(p -> egressPorts.add(p.path("port").asText())));
    assertThat(egressPorts).contains("53", "443", "9092", "9093");
  }

  @Test
  void strimziTopicsAreTheWorkersFiveWithTheStateTopicCompactedAndAsWide() {
    JsonNode data = Manifests.single(BASE, "ConfigMap").path("data");
    int partitions =
        Integer.parseInt(
            Manifests.single(BASE, "ConfigMap")
                .path("metadata")
                .path("annotations")
                .path("nimble-kafka-worker/requests-topic-partitions")
                .asText());
    Map<String, JsonNode> topics = new TreeMap<>();
    for (JsonNode topic : Manifests.ofKind(resources("strimzi"), "KafkaTopic")) {
      topics.put(topic.path("spec").path("topicName").asText(), topic.path("spec"));
      assertThat(topic.path("metadata").path("labels").has("strimzi.io/cluster")).isTrue();
    }
    WorkerConfig defaults =
        ConfigLoader.load(Map.of("NIMBLE_API_KEY", "k"), Optional.empty()); // the code's topics
    assertThat(topics.keySet())
        .containsExactlyInAnyOrder(
            data.path("REQUESTS_TOPIC").asText(),
            data.path("RESULTS_TOPIC").asText(),
            data.path("FAILURES_TOPIC").asText(),
            data.path("STATE_TOPIC").asText(),
            defaults.topics().callbacks(),
            defaults.ledger().topic());
    JsonNode requests = topics.get(defaults.topics().requests());
    JsonNode state = topics.get(defaults.topics().state());
    assertThat(requests.path("partitions").asInt()).isEqualTo(partitions);
    assertThat(state.path("partitions").asInt()).isEqualTo(partitions);
    assertThat(state.path("config").path("cleanup.policy").asText()).isEqualTo("compact");
    JsonNode usage = topics.get(defaults.ledger().topic());
    assertThat(usage.path("partitions").asInt()).isEqualTo(partitions);
    assertThat(usage.path("config").path("cleanup.policy").asText()).isEqualTo("compact");
    assertThat(
            topics.get(defaults.topics().callbacks()).path("config").path("retention.ms").asLong())
        .isEqualTo(3_600_000L);
    for (String outcomes : List.of(defaults.topics().results(), defaults.topics().failures())) {
      assertThat(topics.get(outcomes).path("config").path("max.message.bytes").asLong())
          .as(outcomes + " holds a result of MAX_RESULT_BYTES")
          .isGreaterThanOrEqualTo(defaults.tasks().maxResultBytes());
    }
  }

  @Test
  void theKafkaUserHasExactlyTheAclsTheWorkerNeeds() {
    JsonNode data = Manifests.single(BASE, "ConfigMap").path("data");
    JsonNode user = Manifests.single(resources("strimzi"), "KafkaUser").path("spec");
    assertThat(user.path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
    Map<String, Set<String>> acls = new TreeMap<>();
    for (JsonNode acl : user.path("authorization").path("acls")) {
      JsonNode r = acl.path("resource");
      String key =
          r.path("type").asText()
              + ":"
              + r.path("name").asText()
              + ":"
              + r.path("patternType").asText("literal");
      Set<String> ops = new TreeSet<>();
      acl.path("operations").forEach(o -> ops.add(o.asText()));
      assertThat(acls.put(key, ops)).as("one entry per resource: " + key).isNull();
    }
    String group = data.path("WORKER_GROUP_ID").asText();
    WorkerConfig config =
        ConfigLoader.load(
            Map.of("NIMBLE_API_KEY", "k", "WORKER_GROUP_ID", group, "WORKER_INSTANCE_ID", "pod-0"),
            Optional.empty());
    String transactionalId = config.kafka().transactionalId();
    String prefix = group + "-";
    assertThat(transactionalId).startsWith(prefix);
    assertThat(acls)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "topic:" + data.path("REQUESTS_TOPIC").asText() + ":literal",
                Set.of("Read", "Describe", "DescribeConfigs"),
                "topic:" + data.path("RESULTS_TOPIC").asText() + ":literal",
                Set.of("Write", "Describe", "DescribeConfigs"),
                "topic:" + data.path("FAILURES_TOPIC").asText() + ":literal",
                Set.of("Write", "Describe", "DescribeConfigs"),
                "topic:" + data.path("STATE_TOPIC").asText() + ":literal",
                Set.of("Read", "Write", "Describe", "DescribeConfigs"),
                "topic:" + config.topics().callbacks() + ":literal",
                Set.of("Read", "Write", "Describe"),
                "topic:" + config.ledger().topic() + ":literal",
                Set.of("Read", "Write", "Describe"),
                "group:" + group + ":literal",
                Set.of("Read", "Describe"),
                "transactionalId:" + prefix + ":prefix",
                Set.of("Write", "Describe")));
  }

  @Test
  void theStrimziWiringIsAValidWorkerConfigurationWithTheCredentialFromTheSecret()
      throws Exception {
    // the base's environment with the component's patches applied, as Kustomize merges them
    Map<String, String> env = new HashMap<>();
    Manifests.single(BASE, "ConfigMap")
        .path("data")
        .properties()
        .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    JsonNode configPatch = patch("strimzi", "configmap-patch.yaml");
    configPatch.path("data").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    JsonNode podPatch = patch("strimzi", "deployment-patch.yaml").path("spec").path("template");
    JsonNode container = podPatch.path("spec").path("containers").get(0);
    JsonNode jaas =
        KubernetesManifestsTest.stream(container.path("env"))
            .filter(e -> "KAFKA_SASL_JAAS_CONFIG".equals(e.path("name").asText()))
            .findFirst()
            .orElseThrow()
            .path("valueFrom")
            .path("secretKeyRef");
    JsonNode user = Manifests.single(resources("strimzi"), "KafkaUser");
    assertThat(jaas.path("name").asText()).isEqualTo(Manifests.name(user));
    assertThat(jaas.path("key").asText()).isEqualTo("sasl.jaas.config");
    assertThat(configPatch.path("data").toString())
        .as("no credential in the ConfigMap")
        .doesNotContainIgnoringCase("jaas")
        .doesNotContainIgnoringCase("password");
    env.put(
        "KAFKA_SASL_JAAS_CONFIG",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + Manifests.name(user)
            + "\" password=\"from-the-secret\";");
    env.put("NIMBLE_API_KEY", "k");
    env.put("WORKER_INSTANCE_ID", "pod-0");

    WorkerConfig config;
    try (LogCapture logs = LogCapture.start(Map.of("dev.nimblekafka.config", Level.WARN))) {
      config = ConfigLoader.load(env, Optional.empty());
      assertThat(logs.lines()).as("no unknown or misspelt setting").isEmpty();
    }
    Map<String, String> client = config.kafka().clientProperties();
    assertThat(client)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.truststore.type", "PEM")
        .containsKey("sasl.jaas.config");
    assertThat(config.kafka().createTopics()).isFalse();
    assertThat(String.valueOf(config)).doesNotContain("from-the-secret");

    // the truststore the ConfigMap names is the cluster CA the pod mounts
    String truststore = client.get("ssl.truststore.location");
    JsonNode mount = container.path("volumeMounts").get(0);
    assertThat(truststore).startsWith(mount.path("mountPath").asText() + "/");
    JsonNode volume = podPatch.path("spec").path("volumes").get(0);
    assertThat(volume.path("name").asText()).isEqualTo(mount.path("name").asText());
    assertThat(truststore)
        .endsWith("/" + volume.path("secret").path("items").get(0).path("path").asText());
    String caSecret = volume.path("secret").path("secretName").asText();
    assertThat(caSecret).endsWith("-cluster-ca-cert");

    // KEDA reads the same user's password and the same CA
    JsonNode auth =
        Manifests.single(resources("keda-kafka-auth"), "TriggerAuthentication").path("spec");
    Map<String, String> secrets = new TreeMap<>();
    auth.path("secretTargetRef")
        .forEach(r -> secrets.put(r.path("parameter").asText(), r.path("name").asText()));
    assertThat(secrets)
        .containsEntry("password", Manifests.name(user))
        .containsEntry("ca", caSecret);
  }

  @Test
  void theDashboardIsAGrafanaSidecarConfigMapOfTheJsonFile() throws IOException {
    JsonNode k =
        Manifests.documents(
                Manifests.read(COMPONENTS.resolve("grafana-dashboard/kustomization.yaml")))
            .get(0);
    JsonNode generator = k.path("configMapGenerator").get(0);
    assertThat(generator.path("options").path("labels").path("grafana_dashboard").asText())
        .isEqualTo("1");
    assertThat(generator.path("options").path("disableNameSuffixHash").asBoolean()).isTrue();
    assertThat(generator.path("files").get(0).asText())
        .isEqualTo(OperatorKit.dashboardFile().getFileName().toString());
    JsonNode dashboard = Manifests.YAML.readTree(OperatorKit.dashboardFile().toFile());
    assertThat(dashboard.path("uid").asText()).isEqualTo("nimble-kafka-worker");
    List<String> titles = new ArrayList<>();
    dashboard.path("panels").forEach(p -> titles.add(p.path("title").asText()));
    assertThat(titles)
        .contains(
            "Outcomes per second by topic and code",
            "Pending, in flight, queued",
            "Pause reasons",
            "Nimble calls per second by outcome",
            "Nimble call latency",
            "Commit time",
            "Consumer lag",
            "Heap",
            "GC");
  }

  private static Set<String> portNames(JsonNode podTemplate) {
    Set<String> names = new TreeSet<>();
    podTemplate
        .path("spec")
        .path("containers")
        .forEach(c -> c.path("ports").forEach(p -> names.add(p.path("name").asText())));
    return names;
  }

  /** The worker container's environment of a rendering: its ConfigMap and its env entries. */
  private static Map<String, String> workerEnvironment(List<JsonNode> rendered) {
    Map<String, String> env = new TreeMap<>();
    JsonNode container =
        Manifests.single(rendered, "Deployment")
            .path("spec")
            .path("template")
            .path("spec")
            .path("containers")
            .get(0);
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    return env;
  }
}
