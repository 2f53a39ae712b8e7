package dev.nimblekafka.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The class names the docs give in code spans exist: a type in src/, a class of the JDK or of a
 * library the build uses, a resource kind under deploy/, or an alert of the PrometheusRule. Schema
 * names of Nimble's OpenAPI, which the contracts cite, are listed here.
 */
class ClassNamesInDocsTest {

  private static final Path ROOT = root();

  /**
   * Names of Nimble's OpenAPI schemas, Kafka ACL resource types and Kafka requests the docs quote.
   */
  private static final Set<String> ELSEWHERE =
      Set.of(
          "AgentPayload",
          "AsyncOptions",
          "ExtractPayload",
          "SerpPayload",
          "SerpRunAsyncParams",
          "CrawlRunParams",
          "CrawlTerminateResponse",
          "TransactionalId",
          "DescribeGroups",
          "OffsetFetch");

  /** Where a simple name found in the docs may live outside src/. */
  private static final List<String> LIBRARY_PACKAGES =
      List.of(
          "java.lang.",
          "java.util.",
          "java.util.concurrent.",
          "com.fasterxml.jackson.databind.node.",
          "org.apache.kafka.clients.consumer.",
          "org.apache.kafka.clients.producer.");

  private static final Pattern CLASS_SPAN =
      Pattern.compile("`([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)(?:\\.java)?`");
  private static final Pattern PATH_SPAN =
      Pattern.compile(
          "`((?:src/(?:main|test)/java/dev/nimblekafka/)?[a-z]+(?:/[a-z]+)*/[A-Z]\\w*)(?:\\.java)?(?::[0-9,-]+)?`");
  private static final Pattern TYPE_DECLARATION =
      Pattern.compile("\\b(?:class|record|interface|enum)\\s+([A-Z]\\w*)");

  private static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("pom.xml"))) {
      dir = dir.getParent();
    }
    return dir;
  }

  private static List<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static Set<String> known() throws IOException {
    Set<String> names = new TreeSet<>(ELSEWHERE);
    for (Path source : files(ROOT.resolve("src"), ".java")) {
      Matcher m = TYPE_DECLARATION.matcher(Files.readString(source));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    Pattern kind = Pattern.compile("(?m)^\\s*(?:kind|- alert):\\s*([A-Z]\\w*)\\s*$");
    for (Path yaml : files(ROOT.resolve("deploy"), ".yaml")) {
      Matcher m = kind.matcher(Files.readString(yaml));
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  private static boolean onClasspath(String simpleName) {
    for (String pkg : LIBRARY_PACKAGES) {
      try {
        Class.forName(pkg + simpleName, false, ClassNamesInDocsTest.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException e) {
        // try the next package
      }
    }
    return false;
  }

  @Test
  void everyClassTheDocsNameExists() throws IOException {
    Set<String> known = known();
    List<String> unknown = new ArrayList<>();
    for (Path doc : files(ROOT.resolve("docs"), ".md")) {
      Matcher m = CLASS_SPAN.matcher(Files.readString(doc));
      while (m.find()) {
        String name = m.group(1);
        if (!known.contains(name) && !onClasspath(name)) {
          unknown.add(ROOT.relativize(doc) + ": " + name);
        }
      }
    }
    assertThat(unknown).isEmpty();
  }

  @Test
  void everySourceFileTheDocsNameExists() throws IOException {
    List<String> missing = new ArrayList<>();
    List<Path> docs = new ArrayList<>(files(ROOT.resolve("docs"), ".md"));
    docs.add(ROOT.resolve("README.md"));
    for (Path doc : docs) {
      Matcher m = PATH_SPAN.matcher(Files.readString(doc));
      while (m.find()) {
        String path = m.group(1);
        boolean exists =
            path.startsWith("src/")
                ? Files.exists(ROOT.resolve(path + ".java"))
                : Files.exists(ROOT.resolve("src/main/java/dev/nimblekafka/" + path + ".java"))
                    || Files.exists(
                        ROOT.resolve("src/test/java/dev/nimblekafka/" + path + ".java"));
        if (!exists) {
          missing.add(ROOT.relativize(doc) + ": " + path);
        }
      }
    }
    assertThat(missing).isEmpty();
  }
}
