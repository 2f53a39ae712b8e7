package dev.nimblekafka.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The container image as pom.xml's Jib configuration describes it (`make image`), checked without
 * building it: the base pinned by digest, the entrypoint, the user, the ports, the labels, and the
 * name the Kustomize base deploys.
 */
class ContainerImageTest {

  private static final Path ROOT = Manifests.root();
  private static final Element POM = pom();
  private static final Map<String, String> PROPERTIES = properties();
  private static final Element JIB = plugin("jib-maven-plugin").orElseThrow();

  private static Element pom() {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = factory.newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
      return doc.getDocumentElement();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read pom.xml", e);
    }
  }

  private static List<Element> children(Node parent, String name) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && (name == null || e.getTagName().equals(name))) {
        out.add(e);
      }
    }
    return out;
  }

  private static Element child(Node parent, String... path) {
    Node node = parent;
    for (String name : path) {
      List<Element> found = children(node, name);
      assertThat(found).as(String.join("/", path)).hasSize(1);
      node = found.get(0);
    }
    return (Element) node;
  }

  private static Map<String, String> properties() {
    Map<String, String> props = new HashMap<>();
    for (Element e : children(child(POM, "properties"), null)) {
      props.put(e.getTagName(), e.getTextContent().strip());
    }
    props.put("project.version", child(POM, "version").getTextContent().strip());
    props.put("project.description", child(POM, "description").getTextContent().strip());
    return props;
  }

  /** A text with the pom's ${...} properties replaced, as Maven interpolates them. */
  private static String text(Element e) {
    Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(e.getTextContent().strip());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = PROPERTIES.getOrDefault(m.group(1), "${" + m.group(1) + "}");
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return m.appendTail(out).toString();
  }

  private static java.util.Optional<Element> plugin(String artifactId) {
    return children(child(POM, "build", "plugins"), "plugin").stream()
        .filter(p -> child(p, "artifactId").getTextContent().strip().equals(artifactId))
        .findFirst();
  }

  private static Element config(String... path) {
    return child(child(JIB, "configuration"), path);
  }

  private static List<String> list(Element parent) {
    return children(parent, null).stream().map(ContainerImageTest::text).toList();
  }

  private static JsonNode deployment() {
    return Manifests.single(
        Manifests.documents(Manifests.read(ROOT.resolve("deploy/k8s/base/deployment.yaml"))),
        "Deployment");
  }

  @Test
  void theBaseIsTheTemurin17JrePinnedByDigest() {
    String base = text(config("from", "image"));
    assertThat(base).matches("eclipse-temurin:17-jre@sha256:[0-9a-f]{64}");
    String dockerfile = Manifests.read(ROOT.resolve("deploy/docker/Dockerfile"));
    assertThat(dockerfile)
        .as("the Dockerfile, for docker compose, runs on the same base")
        .contains("ARG RUNTIME_IMAGE=" + base + "\n");
  }

  @Test
  void theEntrypointRunsTheCommandLineAsAnUnprivilegedUser() {
    String mainClass =
        text(
            child(
                plugin("maven-jar-plugin").orElseThrow(),
                "configuration",
                "archive",
                "manifest",
                "mainClass"));
    assertThat(ROOT.resolve("src/main/java/" + mainClass.replace('.', '/') + ".java")).exists();
    assertThat(text(config("container", "mainClass"))).isEqualTo(mainClass);
    assertThat(list(config("container", "entrypoint")))
        .containsExactly(
            "java",
            "-XX:MaxRAMPercentage=75",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.io.tmpdir=/tmp",
            "-cp",
            "@/app/jib-classpath-file",
            mainClass);
    assertThat(text(config("container", "appRoot"))).isEqualTo("/app");
    assertThat(list(config("container", "args"))).containsExactly("worker");

    String user = text(config("container", "user"));
    assertThat(user).matches("\\d+:\\d+");
    String[] ids = user.split(":");
    assertThat(Integer.parseInt(ids[0])).as("not root").isPositive();
    JsonNode security =
        deployment().path("spec").path("template").path("spec").path("securityContext");
    assertThat(security.path("runAsUser").asText()).isEqualTo(ids[0]);
    assertThat(security.path("runAsGroup").asText()).isEqualTo(ids[1]);
  }

  @Test
  void theImageExposesThePortsTheDeploymentUses() {
    assertThat(list(config("container", "ports"))).containsExactly("8080", "8081");
    Map<String, String> env = new LinkedHashMap<>();
    children(config("container", "environment"), null)
        .forEach(e -> env.put(e.getTagName(), text(e)));
    assertThat(env)
        .containsExactly(Map.entry("HTTP_PORT", "8080"), Map.entry("ADMIN_PORT", "8081"));
    List<String> containerPorts = new ArrayList<>();
    deployment()
        .path("spec")
        .path("template")
        .path("spec")
        .path("containers")
        .get(0)
        .path("ports")
        .forEach(p -> containerPorts.add(p.path("containerPort").asText()));
    assertThat(containerPorts).containsExactlyInAnyOrder("8080", "8081");
  }

  @Test
  void theImageCarriesOciLabelsTheSbomAndTheLicence() {
    Map<String, String> labels = new LinkedHashMap<>();
    children(config("container", "labels"), null).forEach(e -> labels.put(e.getTagName(), text(e)));
    for (String key :
        List.of("title", "description", "licenses", "version", "revision", "source", "base.name")) {
      assertThat(labels.get("org.opencontainers.image." + key)).as(key).isNotBlank();
    }
    assertThat(labels)
        .containsEntry("org.opencontainers.image.licenses", "Apache-2.0")
        .containsEntry("org.opencontainers.image.version", PROPERTIES.get("project.version"));
    List<String> extras = new ArrayList<>();
    for (Element path : children(config("extraDirectories", "paths"), "path")) {
      assertThat(text(child(path, "into"))).isEqualTo("/app");
      extras.add(text(child(path, "includes")));
    }
    assertThat(extras).containsExactlyInAnyOrder("bom.json", "LICENSE");
    assertThat(ROOT.resolve("LICENSE")).exists();
  }

  @Test
  void theKustomizeBaseDeploysTheImageJibBuilds() {
    String name = text(config("to", "image")).replaceFirst(":[^:/]+$", "");
    assertThat(name).isEqualTo("nimble-kafka-worker");
    JsonNode container =
        deployment().path("spec").path("template").path("spec").path("containers").get(0);
    assertThat(container.path("image").asText()).isEqualTo(name);
    JsonNode kustomization =
        Manifests.documents(Manifests.read(ROOT.resolve("deploy/k8s/base/kustomization.yaml")))
            .get(0);
    assertThat(kustomization.path("images").get(0).path("name").asText()).isEqualTo(name);
  }

  @Test
  void makeImageBuildsATarballWithJibAndNoDockerEngine() throws Exception {
    String makefile = Files.readString(ROOT.resolve("Makefile"));
    int start = makefile.indexOf("\nimage:");
    String recipe = makefile.substring(start, makefile.indexOf("\n\n", start));
    assertThat(recipe)
        .contains("jib:buildTar")
        .doesNotContain("docker build")
        .doesNotContain("docker info");
  }
}
