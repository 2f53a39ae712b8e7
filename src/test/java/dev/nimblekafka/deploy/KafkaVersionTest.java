package dev.nimblekafka.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * The Kafka version is kept in one place, pom.xml's {@code kafka.version}: the client, the test
 * brokers and the local broker follow it; docker-compose.yml, which cannot read the pom, names the
 * same version, and no other file repeats it.
 */
class KafkaVersionTest {

  private static final Path ROOT = Manifests.root();

  private static String pomVersion() {
    Matcher m =
        Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>")
            .matcher(Manifests.read(ROOT.resolve("pom.xml")));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void theClientIsTheVersionOfThePom() {
    assertThat(AppInfoParser.getVersion()).isEqualTo(pomVersion());
  }

  @Test
  void theLocalBrokerTakesItsVersionFromThePom() {
    String localPom = Manifests.read(ROOT.resolve("deploy/local-kafka/pom.xml"));
    assertThat(localPom).doesNotContainPattern("<kafka\\.version>\\s*\\d");
    assertThat(localPom).contains("${kafka.version}");
    String script = Manifests.read(ROOT.resolve("deploy/local-kafka/kafka.sh"));
    assertThat(script).doesNotContainPattern("KAFKA_VERSION=\\d").contains("-Dkafka.version=");
  }

  @Test
  void dockerComposeRunsTheVersionOfThePom() {
    String compose = Manifests.read(ROOT.resolve("docker-compose.yml"));
    Matcher m = Pattern.compile("apache/kafka:([0-9][^}\\s\"]*)").matcher(compose);
    List<String> tags = new ArrayList<>();
    while (m.find()) {
      tags.add(m.group(1));
    }
    assertThat(tags).isNotEmpty().allMatch(pomVersion()::equals);
  }

  @Test
  void noOtherFileRepeatsTheVersion() throws IOException {
    String version = pomVersion();
    List<String> repeats = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("deploy", "docs", "src", ".ci")) {
      if (Files.isDirectory(ROOT.resolve(dir))) {
        try (Stream<Path> walk = Files.walk(ROOT.resolve(dir))) {
          walk.filter(Files::isRegularFile).forEach(files::add);
        }
      }
    }
    files.addAll(List.of(ROOT.resolve("README.md"), ROOT.resolve("Makefile")));
    for (Path file : files) {
      String name = file.getFileName().toString();
      // measured results record the version they ran with
      if (name.endsWith("-results.md")
          || !name.matches(".*\\.(md|java|sh|xml|ya?ml|properties)|Makefile|run")) {
        continue;
      }
      if (Files.readString(file).contains(version)) {
        repeats.add(ROOT.relativize(file).toString());
      }
    }
    assertThat(repeats).isEmpty();
  }
}
