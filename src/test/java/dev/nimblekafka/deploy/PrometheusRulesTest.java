package dev.nimblekafka.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.testkit.OperatorKit;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The alert rules and every query of the dashboard and the autoscalers, checked by Prometheus's own
 * promtool: {@code promtool check rules} parses them, {@code promtool test rules} runs the cases of
 * rules.test.yaml. promtool comes with Debian's {@code prometheus} package; .ci/run installs it
 * when missing, and under CI (CI=true) its absence fails this test.
 */
class PrometheusRulesTest {
  private static final Path WORK = OperatorKit.root().resolve("target/promtool");
  private static Optional<String> promtool;

  @BeforeAll
  static void findPromtool() {
    promtool = Manifests.onPath("promtool") ? Optional.of("promtool") : Optional.empty();
    if (promtool.isEmpty() && System.getenv("CI") != null) {
      throw new AssertionError(
          "promtool is not on the PATH (Debian: apt-get install prometheus); CI must run it");
    }
  }

  @Test
  @Timeout(120)
  void theAlertRulesParseAndPassTheirUnitTests() throws Exception {
    assumeTrue(promtool.isPresent(), "promtool is not on the PATH (Debian package prometheus)");
    Files.createDirectories(WORK);
    Path rules = WORK.resolve("rules.yaml");
    Manifests.YAML.writeValue(rules.toFile(), OperatorKit.ruleGroups());
    Files.copy(
        OperatorKit.rulesTestFile(),
        WORK.resolve("rules.test.yaml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    String check = run("check", "rules", rules.toString());
    Matcher found = Pattern.compile("SUCCESS: (\\d+) rules found").matcher(check);
    assertThat(found.find()).as(check).isTrue();
    assertThat(Integer.parseInt(found.group(1))).isEqualTo(OperatorKit.alerts().size());

    String test = run("test", "rules", WORK.resolve("rules.test.yaml").toString());
    assertThat(test).contains("SUCCESS");
  }

  @Test
  @Timeout(120)
  void everyDashboardAndAutoscalerQueryParses() throws Exception {
    assumeTrue(promtool.isPresent(), "promtool is not on the PATH (Debian package prometheus)");
    Files.createDirectories(WORK);
    List<String> exprs = new ArrayList<>();
    OperatorKit.dashboardExpressions().forEach(e -> exprs.add(OperatorKit.withoutVariables(e)));
    exprs.addAll(OperatorKit.autoscalerExpressions());
    // each query as a recording rule: promtool parses it with Prometheus's own parser
    ObjectNode file = Manifests.YAML.createObjectNode();
    ObjectNode group = file.putArray("groups").addObject().put("name", "queries");
    ArrayNode list = group.putArray("rules");
    for (int i = 0; i < exprs.size(); i++) {
      list.addObject().put("record", "query:" + i).put("expr", exprs.get(i));
    }
    Path queries = WORK.resolve("queries.yaml");
    Manifests.YAML.writeValue(queries.toFile(), file);
    String check = run("check", "rules", queries.toString());
    assertThat(check).contains("SUCCESS: " + exprs.size() + " rules found");
  }

  @Test
  void everyAlertHasASeverityASummaryAndARowInTheOperationsGuide() throws Exception {
    String guide = Manifests.read(OperatorKit.root().resolve("docs/operations.md"));
    for (JsonNode group : OperatorKit.ruleGroups().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String alert = rule.path("alert").asText();
        assertThat(rule.path("labels").path("severity").asText())
            .as(alert)
            .isIn("critical", "warning", "info");
        assertThat(rule.path("annotations").path("summary").asText()).as(alert).isNotBlank();
        assertThat(guide).as("docs/operations.md names " + alert).contains("| `" + alert + "` |");
      }
    }
  }

  private static String run(String... args) throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add(promtool.orElseThrow());
    argv.addAll(List.of(args));
    Path out = Files.createTempFile(WORK, "promtool", ".out");
    try {
      Process process =
          new ProcessBuilder(argv)
              .directory(WORK.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", argv) + " timed out");
      }
      String output = Files.readString(out);
      assertThat(process.exitValue()).as(String.join(" ", argv) + "\n" + output).isZero();
      return output;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
