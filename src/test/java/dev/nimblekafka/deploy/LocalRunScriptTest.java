package dev.nimblekafka.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/local/run.sh (`make run`) with a stand-in {@code java} on the PATH that records how it was
 * called and exits at once, as a worker that cannot start does.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalRunScriptTest {

  private static final Path RUN_SH = Manifests.root().resolve("deploy/local/run.sh");

  @TempDir Path dir;
  private Path calls;
  private final Map<String, String> env = new HashMap<>();

  private record Result(int exit, String stderr) {}

  @BeforeEach
  void standInJava() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    calls = dir.resolve("calls");
    Path java = bin.resolve("java");
    Files.writeString(
        java,
        "#!/usr/bin/env bash\n"
            + "echo \"$* bootstrap=$KAFKA_BOOTSTRAP_SERVERS\" >>'"
            + calls
            + "'\n"
            + "echo 'Cannot start: Address already in use' >&2\n"
            + "exit 2\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    env.put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
    env.put("RUN_LOGS", dir.resolve("logs").toString());
    env.put("HTTP_PORT", String.valueOf(freePort()));
    env.put("ADMIN_PORT", String.valueOf(freePort()));
    env.put("SIM_PORT", String.valueOf(freePort()));
    env.put("KAFKA_PORT", "19092");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private Result run() throws IOException, InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder("bash", RUN_SH.toString())
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(dir.resolve("stderr").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
    builder.environment().remove("NIMBLE_BASE_URL");
    builder.environment().remove("NKW_EXTERNAL_BOOTSTRAP");
    builder.environment().putAll(env);
    Process process = builder.start();
    boolean exited = process.waitFor(30, TimeUnit.SECONDS);
    if (!exited) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
    assertThat(exited).as("run.sh ended within 30 s").isTrue();
    return new Result(
        process.exitValue(), Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
  }

  private String calls() throws IOException {
    return Files.exists(calls) ? Files.readString(calls) : "";
  }

  @Test
  void aTakenWorkerPortStopsMakeRunBeforeAnythingStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      env.put("HTTP_PORT", String.valueOf(taken.getLocalPort()));
      Result result = run();
      assertThat(result.exit()).isNotZero();
      assertThat(result.stderr()).contains("port " + taken.getLocalPort()).contains("HTTP_PORT");
      assertThat(calls()).isEmpty();
    }
  }

  @Test
  void aTakenSimulatorPortStopsMakeRunBeforeAnythingStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      env.put("SIM_PORT", String.valueOf(taken.getLocalPort()));
      Result result = run();
      assertThat(result.exit()).isNotZero();
      assertThat(result.stderr()).contains("port " + taken.getLocalPort()).contains("SIM_PORT");
      assertThat(calls()).isEmpty();
    }
  }

  @Test
  void aWorkerThatExitsAtStartEndsTheWaitWithItsLog() throws Exception {
    env.put("NIMBLE_BASE_URL", "http://127.0.0.1:1");
    Result result = run();
    assertThat(result.exit()).isNotZero();
    assertThat(result.stderr())
        .contains("the worker exited")
        .contains("Cannot start: Address already in use");
    assertThat(calls()).contains("-jar target/nimble-kafka-worker.jar worker");
  }

  @Test
  void anExampleThatFailsOnPurposeDoesNotStopMakeRun() throws Exception {
    // a worker that is ready and runs for a few seconds; submit --wait exits 4 as it does when
    // some request failed (examples/requests.jsonl has an invalid one on purpose)
    Files.writeString(
        dir.resolve("bin/java"),
        "#!/usr/bin/env bash\n"
            + "case \"$*\" in\n"
            + "  *' worker') exec '"
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' dev.nimblekafka.deploy.ReadyStandIn \"$ADMIN_PORT\" 3 ;;\n"
            + "  *' submit '*) echo '6 results, 1 failure, 0 still pending'; exit 4 ;;\n"
            + "  *) exit 2 ;;\n"
            + "esac\n");
    env.put("NIMBLE_BASE_URL", "http://127.0.0.1:1");
    Result result = run();
    assertThat(result.exit()).as(result.stderr()).isZero();
    assertThat(Files.readString(dir.resolve("stdout")))
        .contains("6 results, 1 failure")
        .contains("The worker keeps running");
  }

  @Test
  void anExportedKafkaBootstrapServersIsNotUsedByMakeRun() throws Exception {
    env.put("KAFKA_BOOTSTRAP_SERVERS", "work-cluster:9092");
    run();
    assertThat(calls()).contains("bootstrap=127.0.0.1:19092").doesNotContain("work-cluster");
  }

  @Test
  void theDedicatedVariableNamesAnExternalBrokerForMakeRun() throws Exception {
    env.put("KAFKA_BOOTSTRAP_SERVERS", "work-cluster:9092");
    env.put("NKW_EXTERNAL_BOOTSTRAP", "shared-dev:9092");
    run();
    assertThat(calls()).contains("bootstrap=shared-dev:9092").doesNotContain("work-cluster");
  }
}
