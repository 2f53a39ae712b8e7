package dev.nimblekafka.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The hostile scenarios' part of the report file: one section per scenario, replaced when that
 * scenario runs again, kept when the full suite rewrites the rest of the file.
 */
final class HostileReport {
  static final String START = "<!-- hostile scenarios: written by --scenario runs -->";

  /** How much of a violation line the section shows. */
  private static final int SHOWN = 600;

  private HostileReport() {}

  /** {@code markdown} followed by the hostile scenarios' part of the file at {@code report}. */
  static String keepSections(String markdown, Path report) throws IOException {
    if (!Files.isRegularFile(report)) {
      return markdown;
    }
    String old = Files.readString(report, StandardCharsets.UTF_8);
    int at = old.indexOf(START);
    return at < 0 ? markdown : markdown + "\n" + old.substring(at);
  }

  /** Replaces (or adds) the scenario's section of the file at {@code report}. */
  static void write(Path report, HostileScenario s, ChaosResult r, Map<String, String> context)
      throws IOException {
    String old =
        Files.isRegularFile(report) ? Files.readString(report, StandardCharsets.UTF_8) : "";
    if (!old.contains(START)) {
      old =
          old
              + (old.isEmpty() || old.endsWith("\n") ? "" : "\n")
              + "\n"
              + START
              + "\n## Hostile scenarios\n\n"
              + "Each written by `make chaos CHAOS_ARGS=\"--scenario NAME\"` (all of them:"
              + " `make chaos-hostile`); what each does is described in"
              + " [chaos.md](chaos.md#hostile-scenarios). Besides the outcome checks above, an"
              + " unplanned worker death, a task paid twice or the scenario's own expectation"
              + " failing fails a scenario.\n";
    }
    String open = "<!-- hostile:" + s.name() + " -->";
    String close = "<!-- /hostile:" + s.name() + " -->";
    String section = open + "\n" + section(s, r, context) + close;
    int from = old.indexOf(open);
    int to = old.indexOf(close);
    String updated =
        from >= 0 && to > from
            ? old.substring(0, from) + section + old.substring(to + close.length())
            : old + (old.endsWith("\n") ? "" : "\n") + "\n" + section + "\n";
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(report, updated, StandardCharsets.UTF_8);
  }

  static String section(HostileScenario s, ChaosResult r, Map<String, String> context) {
    StringBuilder md = new StringBuilder();
    Verdict v = r.verdict();
    md.append("### `")
        .append(s.name())
        .append("`: ")
        .append(r.passed() ? "passed" : "FAILED")
        .append("\n\n");
    md.append("| | |\n|---|---|\n");
    for (String key :
        List.of(
            "date",
            "commit",
            "command",
            "wall time",
            "load average at start",
            "load average at end",
            "logs")) {
      if (context.containsKey(key)) {
        row(md, key, context.get(key));
      }
    }
    row(md, "seed", "`" + r.plan().seed() + "`");
    row(md, "verdict", "**" + (r.passed() ? "passed" : "FAILED") + "**");
    md.append('\n');
    md.append("| figure | value |\n|---|---|\n");
    r.figures().forEach((k, val) -> row(md, k, val));
    row(
        md,
        "request records produced",
        Integer.toString(r.requests().size() - r.notProduced().size()));
    row(md, "outcome records", Integer.toString(v.outcomeRecords));
    v.breakdown.forEach((k, n) -> row(md, "&nbsp;&nbsp;" + k, Integer.toString(n)));
    if (v.pageRecords > 0) {
      row(md, "crawl page records (not outcomes)", Integer.toString(v.pageRecords));
    }
    row(md, "records without an outcome", Integer.toString(v.missing.size()));
    row(md, "records with more than one outcome", Integer.toString(v.duplicated.size()));
    row(md, "outcomes of records never produced", Integer.toString(v.unexpected.size()));
    row(md, "wrong outcome (kind, URL or metadata)", Integer.toString(v.wrong.size()));
    row(md, "pending-task state left after the run", Integer.toString(r.leftoverState().size()));
    row(
        md,
        "request offsets not committed to the end",
        Long.toString(r.uncommitted().values().stream().mapToLong(Long::longValue).sum()));
    row(md, "worker exit codes after the final SIGTERM", r.exitCodes().toString());
    md.append('\n');
    List<String> violations = r.violations();
    if (!violations.isEmpty()) {
      md.append("Violations:\n\n");
      violations.forEach(
          line -> md.append("- ").append(shortened(line).replace("|", "\\|")).append('\n'));
      md.append('\n');
    }
    return md.toString();
  }

  /** A violation line cut to {@link #SHOWN} characters; the run folder has all of it. */
  private static String shortened(String line) {
    return line.length() <= SHOWN
        ? line
        : line.substring(0, SHOWN) + " ... (cut; see the run folder)";
  }

  private static void row(StringBuilder md, String key, String value) {
    md.append("| ")
        .append(key.replace("|", "\\|"))
        .append(" | ")
        .append(value.replace("|", "\\|"))
        .append(" |\n");
  }
}
