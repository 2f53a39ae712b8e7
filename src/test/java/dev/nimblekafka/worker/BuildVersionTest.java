package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BuildVersionTest {

  /**
   * The tests load the classes from a directory, with no jar manifest, as the container image does
   * (its classes and libraries are layers, not one jar).
   */
  @Test
  void theVersionIsKnownWithoutAJarManifest() throws Exception {
    assertThat(BuildVersion.class.getPackage().getImplementationVersion()).isNull();
    Matcher m =
        Pattern.compile(
                "<artifactId>nimble-kafka-worker</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(m.find()).isTrue();
    assertThat(BuildVersion.get()).isEqualTo(m.group(1));
  }
}
