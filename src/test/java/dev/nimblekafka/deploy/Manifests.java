package dev.nimblekafka.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Loads the deployment files of the repository: the Kustomize output of {@code deploy/k8s} (from
 * {@code kustomize build} or {@code kubectl kustomize} when one is on the PATH, else from the files
 * themselves) and {@code docker-compose.yml}.
 */
final class Manifests {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Manifests() {}

  /** The repository root: Maven runs tests in the module's directory. */
  static Path root() {
    Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("pom.xml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no pom.xml above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  /** All YAML documents of a text, empty ones left out. */
  static List<JsonNode> documents(String yaml) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNextValue()) {
        JsonNode doc = it.nextValue();
        if (doc != null && !doc.isNull() && !doc.isMissingNode() && doc.size() > 0) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("invalid YAML", e);
    }
    return docs;
  }

  /** The command that renders a kustomization directory, if this machine has one. */
  static Optional<List<String>> kustomizeCommand() {
    if (Boolean.parseBoolean(System.getenv().getOrDefault("DEPLOY_TEST_NO_KUSTOMIZE", "false"))) {
      return Optional.empty();
    }
    if (onPath("kustomize")) {
      return Optional.of(List.of("kustomize", "build"));
    }
    if (onPath("kubectl")) {
      return Optional.of(List.of("kubectl", "kustomize"));
    }
    return Optional.empty();
  }

  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** Renders with the real tool when there is one, else from the files. */
  static List<JsonNode> render(Path kustomization) {
    Optional<List<String>> command = kustomizeCommand();
    return command.isPresent()
        ? renderWith(command.get(), kustomization)
        : renderFromFiles(kustomization);
  }

  static List<JsonNode> renderWith(List<String> command, Path kustomization) {
    List<String> argv = new ArrayList<>(command);
    argv.add(kustomization.toString());
    try {
      Path out = Files.createTempFile("kustomize", ".yaml");
      Path err = Files.createTempFile("kustomize", ".err");
      try {
        Process process =
            new ProcessBuilder(argv)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(String.join(" ", argv) + " timed out");
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              String.join(" ", argv) + " failed (" + process.exitValue() + "):\n" + read(err));
        }
        return documents(read(out));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The subset of Kustomize these manifests use, for machines without the tool: {@code resources}
   * (files and directories) and {@code patches} that delete a resource. Anything else in a
   * kustomization fails loudly rather than being ignored. Name and label transformers ({@code
   * labels}, {@code images}) are not applied; the checks do not depend on them.
   */
  static List<JsonNode> renderFromFiles(Path dir) {
    JsonNode k = documents(read(dir.resolve("kustomization.yaml"))).get(0);
    k.fieldNames()
        .forEachRemaining(
            field -> {
              if (!List.of("apiVersion", "kind", "resources", "patches", "labels", "images")
                  .contains(field)) {
                throw new IllegalStateException(
                    dir + "/kustomization.yaml: field '" + field + "' needs the real kustomize");
              }
            });
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode resource : k.path("resources")) {
      Path path = dir.resolve(resource.asText()).normalize();
      if (Files.isDirectory(path)) {
        out.addAll(renderFromFiles(path));
      } else {
        out.addAll(documents(read(path)));
      }
    }
    for (JsonNode patch : k.path("patches")) {
      for (JsonNode doc : documents(read(dir.resolve(patch.path("path").asText())))) {
        if (!"delete".equals(doc.path("$patch").asText())) {
          throw new IllegalStateException("only $patch: delete is supported without kustomize");
        }
        boolean removed =
            out.removeIf(
                r ->
                    r.path("kind").asText().equals(doc.path("kind").asText())
                        && name(r).equals(name(doc)));
        if (!removed) {
          throw new IllegalStateException("patch deletes nothing: " + doc);
        }
      }
    }
    return out;
  }

  static String name(JsonNode resource) {
    return resource.path("metadata").path("name").asText();
  }

  static List<JsonNode> ofKind(List<JsonNode> resources, String kind) {
    return resources.stream().filter(r -> kind.equals(r.path("kind").asText())).toList();
  }

  static JsonNode single(List<JsonNode> resources, String kind) {
    List<JsonNode> found = ofKind(resources, kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + found.size());
    }
    return found.get(0);
  }

  /**
   * docker-compose.yml as compose reads it: YAML 1.1 with anchors, aliases and {@code <<} merge
   * keys resolved (Jackson's YAML module does not resolve them; SnakeYAML, which it uses, does).
   */
  static JsonNode compose(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(200);
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Object tree = new Yaml(options).load(reader);
      return YAML.valueToTree(tree);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

  /** A drain period as the app's configuration may write it: 30s, 30, 500ms, 1m or PT30S. */
  static Duration duration(String text) {
    String t = text.trim();
    if (t.toUpperCase().startsWith("PT")) {
      return Duration.parse(t.toUpperCase());
    }
    Matcher m = DURATION.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: " + text);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
