package dev.nimblekafka.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every YAML file under deploy/, read as it is written (no kustomize needed): Strimzi 1.0 serves
 * only the {@code v1} API of its custom resources; {@code v1beta2}, {@code v1beta1} and {@code
 * v1alpha1} are refused with "no matches for kind".
 */
class StrimziApiVersionTest {

  private static final Path DEPLOY = Manifests.root().resolve("deploy");

  private static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> files = Files.walk(DEPLOY)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }

  /**
   * Where a file names a Strimzi API: {@code apiVersion: <group>/<version>} of a resource (or a
   * resource embedded in a patch), and {@code group}/{@code version} of a Kustomize patch target.
   */
  private static void strimziApis(JsonNode node, String where, List<String> out) {
    if (node.isObject()) {
      String apiVersion = node.path("apiVersion").asText("");
      if (apiVersion.contains("strimzi.io/")) {
        out.add(where + ": " + apiVersion);
      }
      String group = node.path("group").asText("");
      if (group.endsWith("strimzi.io") && node.has("version")) {
        out.add(where + ": " + group + "/" + node.path("version").asText());
      }
      node.fields().forEachRemaining(f -> strimziApis(f.getValue(), where, out));
    } else if (node.isArray()) {
      node.forEach(n -> strimziApis(n, where, out));
    }
  }

  private static List<String> strimziApisUnderDeploy() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : yamlFiles()) {
      String where = DEPLOY.getParent().relativize(file).toString();
      for (JsonNode doc : Manifests.documents(Manifests.read(file))) {
        strimziApis(doc, where, found);
      }
    }
    return found;
  }

  @Test
  void strimziResourcesUseTheV1ApiThatStrimzi1Serves() throws IOException {
    List<String> apis = strimziApisUnderDeploy();
    assertThat(apis).as("the Strimzi component's resources are found").isNotEmpty();
    assertThat(apis)
        .as("Strimzi 1.0 serves only kafka.strimzi.io/v1 (and v1 of its other groups)")
        .allSatisfy(api -> assertThat(api).endsWith("strimzi.io/v1"));
  }

  @Test
  void kafkaUserAclsUseTheOperationsListOfV1() {
    JsonNode user =
        Manifests.documents(
                Manifests.read(DEPLOY.resolve("k8s/components/strimzi/kafka-user.yaml")))
            .get(0);
    JsonNode acls = user.path("spec").path("authorization").path("acls");
    assertThat(acls).isNotEmpty();
    for (JsonNode acl : acls) {
      assertThat(acl.has("operation")).as("v1 has no singular 'operation': " + acl).isFalse();
      assertThat(acl.path("operations").isArray()).as(acl.toString()).isTrue();
    }
  }

  @Test
  void theDocsNameTheStrimziVersionsThatServeV1() {
    String readme = Manifests.read(DEPLOY.resolve("README.md"));
    assertThat(readme).contains("kafka.strimzi.io/v1").contains("0.49");
  }

  /** The check itself: a resource or patch target of a retired version is caught. */
  @Test
  void aRetiredStrimziVersionIsCaught() throws IOException {
    List<String> found = new ArrayList<>();
    for (String yaml :
        List.of(
            "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\n",
            "patches:\n  - target: {group: kafka.strimzi.io, version: v1alpha1, kind: KafkaUser}\n",
            "apiVersion: core.strimzi.io/v1beta2\nkind: StrimziPodSet\n")) {
      strimziApis(Manifests.YAML.readTree(yaml), "x", found);
    }
    assertThat(found)
        .containsExactly(
            "x: kafka.strimzi.io/v1beta2",
            "x: kafka.strimzi.io/v1alpha1",
            "x: core.strimzi.io/v1beta2")
        .noneMatch(api -> api.endsWith("strimzi.io/v1"));
  }
}
