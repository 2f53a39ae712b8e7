package dev.nimblekafka.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** deploy/docker/Dockerfile, read as text: the image itself can only be built with an engine. */
class DockerfileTest {

  private static final String DOCKERFILE =
      Manifests.read(Manifests.root().resolve("deploy/docker/Dockerfile"));

  /** The instructions with the given keyword, continuation lines joined, comments left out. */
  private static List<String> instructions(String keyword) {
    String joined =
        DOCKERFILE
            .lines()
            .map(String::strip)
            .filter(l -> !l.startsWith("#"))
            .collect(Collectors.joining("\n"))
            .replace("\\\n", " ");
    return joined.lines().filter(l -> l.startsWith(keyword + " ")).toList();
  }

  @Test
  void buildsWithMavenAndRunsOnATemurin17Jre() {
    List<String> from = instructions("FROM");
    assertThat(from).hasSize(2);
    assertThat(DOCKERFILE).contains("ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17");
    assertThat(DOCKERFILE).contains("ARG RUNTIME_IMAGE=eclipse-temurin:17-jre");
    int goOffline = DOCKERFILE.indexOf("dependency:go-offline");
    int copySources = DOCKERFILE.indexOf("COPY src/");
    int pomCopy = DOCKERFILE.indexOf("COPY pom.xml");
    assertThat(pomCopy).isPositive().isLessThan(goOffline);
    assertThat(goOffline).as("dependencies are cached before the sources").isLessThan(copySources);
    assertThat(DOCKERFILE).contains("-DskipTests").contains("package");
  }

  @Test
  void runsTheJarAsANonRootUserWithAContainerAwareHeap() {
    List<String> user = instructions("USER");
    assertThat(user).hasSize(1);
    assertThat(user.get(0)).doesNotContain("root").doesNotMatch("USER 0(:.*)?");
    String entrypoint = instructions("ENTRYPOINT").get(0);
    assertThat(entrypoint)
        .startsWith("ENTRYPOINT [\"java\"")
        .contains("\"-XX:MaxRAMPercentage=75\"")
        .contains("\"-XX:+ExitOnOutOfMemoryError\"")
        .endsWith("\"-jar\", \"/app/nimble-kafka-worker.jar\"]");
    assertThat(instructions("CMD")).containsExactly("CMD [\"worker\"]");
    assertThat(instructions("EXPOSE")).containsExactly("EXPOSE 8080 8081");
    assertThat(DOCKERFILE).contains("/app/nimble-kafka-worker.jar");
  }

  @Test
  void carriesOciLabelsTheSbomAndTheLicence() {
    String labels = String.join(" ", instructions("LABEL"));
    for (String key :
        List.of("title", "description", "licenses", "version", "revision", "source")) {
      assertThat(labels).contains("org.opencontainers.image." + key + "=");
    }
    assertThat(labels).contains("org.opencontainers.image.licenses=\"Apache-2.0\"");
    assertThat(instructions("COPY"))
        .anyMatch(c -> c.contains("/build/target/bom.json") && c.endsWith("/app/bom.json"))
        .anyMatch(c -> c.contains("LICENSE") && c.endsWith("/app/LICENSE"));
    String ignore = Manifests.read(Manifests.root().resolve(".dockerignore"));
    assertThat(ignore.lines()).contains("!LICENSE");
  }
}
