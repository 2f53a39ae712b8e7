package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nimblekafka.testkit.OperatorKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The exit codes are in every command's help and the README; the launcher the help names ships. */
class CommandLineHelpTest {
  private static final Path LAUNCHER =
      OperatorKit.root().resolve("src/main/dist/nimble-kafka-worker");

  @Test
  @Timeout(120)
  void everyCommandsHelpListsTheExitCodes(@TempDir Path dir) throws Exception {
    for (String command : List.of("worker", "submit", "status", "tail", "replay")) {
      CliProcess.Run help = CliProcess.run(Map.of(), dir, command, "--help");
      assertThat(help.exit()).as(command).isZero();
      assertThat(help.out()).as(command + " --help").contains("Exit codes:");
      for (int code : ExitCodes.MEANINGS.keySet()) {
        assertThat(help.out()).as(command + " --help").containsPattern("(?m)^\\s+" + code + "\\s");
      }
    }
  }

  @Test
  void theReadmeListsTheExitCodesAsTheCommandsDefineThem() throws Exception {
    String readme = Files.readString(OperatorKit.root().resolve("README.md"));
    Matcher row = Pattern.compile("(?m)^\\| `(\\d)` \\| (.+) \\|$").matcher(readme);
    Map<Integer, String> rows = new TreeMap<>();
    while (row.find()) {
      rows.put(Integer.parseInt(row.group(1)), row.group(2));
    }
    assertThat(rows.keySet()).isEqualTo(new TreeMap<>(ExitCodes.MEANINGS).keySet());
  }

  @Test
  @Timeout(60)
  void theLauncherRunsTheJarBesideItWithTheArguments(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path lib = Files.createDirectories(dir.resolve("lib/nimble-kafka-worker"));
    Files.copy(LAUNCHER, bin.resolve("nimble-kafka-worker"));
    Files.writeString(lib.resolve("nimble-kafka-worker.jar"), "");
    Path java = dir.resolve("fake-java");
    Files.writeString(java, "#!/bin/sh\necho \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));

    ProcessBuilder builder =
        new ProcessBuilder(
                "sh", bin.resolve("nimble-kafka-worker").toString(), "submit", "-", "--wait")
            .redirectErrorStream(true);
    builder.environment().put("JAVA", java.toString());
    builder.environment().put("JAVA_OPTS", "-Xmx64m");
    Process process = builder.start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(process.getInputStream().readAllBytes()).strip();

    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out)
        .isEqualTo(
            "-Xmx64m -jar "
                + lib.toRealPath()
                    .resolve("nimble-kafka-worker.jar")
                    .toString()
                    .replace("/lib/nimble-kafka-worker/", "/bin/../lib/nimble-kafka-worker/")
                + " submit - --wait");
  }

  @Test
  void theLauncherTheHelpFootersNameShips() {
    assertThat(LAUNCHER).isRegularFile().isExecutable();
  }
}
