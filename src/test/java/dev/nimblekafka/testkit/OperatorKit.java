package dev.nimblekafka.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator's kit as files: the PromQL of the alert rules, the Grafana dashboard and the
 * autoscalers, and the names of the series each reads.
 */
public final class OperatorKit {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan");

  /** What the dashboard's variables stand for when its queries are checked outside Grafana. */
  public static final Map<String, String> DASHBOARD_VARIABLES =
      Map.of(
          "$__rate_interval", "5m",
          "$namespace", ".*",
          "$pod", ".*",
          "$group", "nimble-worker",
          "$requests_topic", "nimble.requests");

  private OperatorKit() {}

  /** The repository root: Maven runs tests in the module's directory. */
  public static Path root() {
    Path dir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("pom.xml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no pom.xml above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  public static Path rulesFile() {
    return root().resolve("deploy/k8s/components/prometheus-rules/prometheusrule.yaml");
  }

  public static Path rulesTestFile() {
    return root().resolve("deploy/k8s/components/prometheus-rules/rules.test.yaml");
  }

  public static Path dashboardFile() {
    return root().resolve("deploy/k8s/components/grafana-dashboard/nimble-kafka-worker.json");
  }

  /** The PrometheusRule's {@code spec}: an ordinary Prometheus rule file ({@code groups:}). */
  public static JsonNode ruleGroups() throws IOException {
    return YAML.readTree(rulesFile().toFile()).path("spec");
  }

  /** Alert name → expression. */
  public static Map<String, String> alerts() throws IOException {
    Map<String, String> alerts = new LinkedHashMap<>();
    for (JsonNode group : ruleGroups().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        alerts.put(
            rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText());
      }
    }
    return alerts;
  }

  /** Every query of the dashboard: its panels' targets and the metrics its variables list. */
  public static List<String> dashboardExpressions() throws IOException {
    JsonNode dashboard = JSON.readTree(dashboardFile().toFile());
    List<String> exprs = new ArrayList<>();
    for (JsonNode targets : dashboard.findValues("targets")) {
      for (JsonNode target : targets) {
        exprs.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      JsonNode query = variable.path("query");
      String text = query.isObject() ? query.path("query").asText() : query.asText();
      Matcher m = Pattern.compile("label_values\\((.*),\\s*[a-z_]+\\)").matcher(text);
      if (m.matches()) {
        exprs.add(m.group(1));
      }
    }
    return exprs;
  }

  /** A dashboard query with its variables replaced, as plain PromQL. */
  public static String withoutVariables(String expr) {
    String out = expr;
    for (Map.Entry<String, String> e : DASHBOARD_VARIABLES.entrySet()) {
      out = out.replace(e.getKey(), e.getValue());
    }
    return out;
  }

  /** The queries of the KEDA prometheus triggers and the HPA's Pods metrics. */
  public static List<String> autoscalerExpressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    JsonNode scaled = YAML.readTree(root().resolve("deploy/k8s/base/scaledobject.yaml").toFile());
    for (JsonNode trigger : scaled.path("spec").path("triggers")) {
      if (trigger.path("type").asText().equals("prometheus")) {
        exprs.add(trigger.path("metadata").path("query").asText());
      }
    }
    JsonNode hpa = YAML.readTree(root().resolve("deploy/k8s/overlays/hpa/hpa.yaml").toFile());
    for (JsonNode metric : hpa.path("spec").path("metrics")) {
      if (metric.path("type").asText().equals("Pods")) {
        exprs.add(metric.path("pods").path("metric").path("name").asText());
      }
    }
    return exprs;
  }

  /**
   * The metric names a PromQL expression reads: its identifiers that are not functions,
   * aggregations, keywords, label names (in braces or grouping clauses), durations or dashboard
   * variables.
   */
  public static Set<String> metricNames(String expr) {
    String s =
        withoutVariables(expr)
            .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^\\]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String token = m.group();
      int before = m.start() - 1;
      if (before >= 0 && (Character.isDigit(s.charAt(before)) || s.charAt(before) == '.')) {
        continue; // the unit of a duration, or a number's exponent
      }
      if (KEYWORDS.contains(token) || s.substring(m.end()).stripLeading().startsWith("(")) {
        continue; // a keyword, a function or an aggregation
      }
      names.add(token);
    }
    return names;
  }

  /** The metric names of a Prometheus text exposition. */
  public static Set<String> exposedNames(String exposition) {
    Set<String> names = new TreeSet<>();
    Pattern name = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)");
    for (String line : exposition.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        Matcher m = name.matcher(line);
        if (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }

  /** The first column of the tables under "## Metrics reference" in docs/operations.md. */
  public static Set<String> referenceNames() throws IOException {
    String doc = Files.readString(root().resolve("docs/operations.md"));
    int start = doc.indexOf("## Metrics reference");
    if (start < 0) {
      throw new AssertionError("docs/operations.md has no '## Metrics reference'");
    }
    int end = doc.indexOf("\n## ", start + 1);
    String section = doc.substring(start, end < 0 ? doc.length() : end);
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z_:][a-z0-9_:]*)`").matcher(section);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }
}
