package dev.nimblekafka.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster id of the local broker (deploy/local-kafka/cluster-id.sh, sourced by kafka.sh): the
 * storage tool reads an id that begins with '-' as an option, so such an id must never be made, and
 * one already on disk must be replaced before it is used.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalKafkaClusterIdTest {

  private static final Path LIBRARY = Manifests.root().resolve("deploy/local-kafka/cluster-id.sh");

  /** What Kafka's Uuid.fromString takes: 16 bytes in base64url, no padding, 22 characters. */
  private static final String UUID_TEXT = "[A-Za-z0-9_-]{21}[AQgw]";

  @TempDir Path dir;

  /** Runs a bash script with the library sourced; its standard output. */
  private static String bash(String script) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                "bash", "-c", "set -euo pipefail; source \"$0\"; " + script, LIBRARY.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(script).isZero();
    return out;
  }

  @Test
  void generatedClusterIdsNeverBeginWithADash() throws Exception {
    // one in 64 random ids begins with '-': 500 of them hold about 8
    List<String> ids = bash("for i in $(seq 500); do new_cluster_id; echo; done").lines().toList();
    assertThat(ids).hasSize(500).allMatch(id -> id.matches(UUID_TEXT), "a Kafka UUID");
    assertThat(ids).noneMatch(id -> id.startsWith("-"));
  }

  @Test
  void aCandidateBeginningWithADashIsDrawnAgain() throws Exception {
    Path queue = dir.resolve("candidates");
    Files.writeString(
        queue, "-Mw1Rr1NQm6VJlK0s7PyKg\nAAAAAAAAAAAAAAAAAAAAAA\nqMw1Rr1NQm6VJlK0s7PyKg\n");
    String id =
        bash(
            "q='"
                + queue
                + "'; cluster_id_candidate() { head -n 1 \"$q\"; tail -n +2 \"$q\" >\"$q.rest\";"
                + " mv \"$q.rest\" \"$q\"; }; new_cluster_id");
    assertThat(id.strip()).isEqualTo("qMw1Rr1NQm6VJlK0s7PyKg");
  }

  @Test
  void aClusterIdBeginningWithADashOnDiskIsReplaced() throws Exception {
    Path file = dir.resolve("cluster.id");
    Files.writeString(file, "-Mw1Rr1NQm6VJlK0s7PyKg");
    bash("ensure_cluster_id '" + file + "'");
    String id = Files.readString(file).strip();
    assertThat(id).matches(UUID_TEXT).doesNotStartWith("-");
  }

  @Test
  void aGoodClusterIdOnDiskIsKept() throws Exception {
    Path file = dir.resolve("cluster.id");
    Files.writeString(file, "qMw1Rr1NQm6VJlK0s7PyKg");
    bash("ensure_cluster_id '" + file + "'");
    assertThat(Files.readString(file).strip()).isEqualTo("qMw1Rr1NQm6VJlK0s7PyKg");
  }
}
