package dev.nimblekafka.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Writes {@code <stamp>.json} (every figure and setting) and {@code <stamp>.md} (the tables). */
final class Report {
  /** A column of a Markdown table: a header and how to show one run in it. */
  record Column(String header, Function<RunResult, String> cell) {
    static Column figure(String header, String name) {
      return new Column(header, r -> format(r.figures.get(name)));
    }

    /** A fraction shown as a percentage, e.g. 0.0123 as "1.23%". */
    static Column percent(String header, String name) {
      return new Column(header, r -> formatPercent(r.figures.get(name)));
    }

    static Column pair(String header, String first, String second) {
      return new Column(
          header, r -> format(r.figures.get(first)) + " / " + format(r.figures.get(second)));
    }
  }

  /** Runs that push requests through (worker or baseline loop). Add a column here to show more. */
  static final List<Column> THROUGHPUT =
      List.of(
          new Column("scenario", r -> r.scenario.name()),
          new Column("variant", r -> r.variant.name()),
          Column.figure("N", "requests"),
          Column.figure("slot use", "slot_use"),
          Column.pair("makespan / lower bound s", "makespan_s", "makespan_lower_bound_s"),
          Column.figure("outcomes/s (steady)", "throughput_steady_per_s"),
          Column.figure("limit/s", "limit_per_s"),
          Column.figure("calls/task", "calls_per_task"),
          Column.pair(
              "finish→published p50/p99 ms",
              "finish_to_published_p50_ms",
              "finish_to_published_p99_ms"),
          Column.pair("finish→read p50/p99 ms", "finish_to_read_p50_ms", "finish_to_read_p99_ms"),
          Column.figure("failures", "failures"),
          Column.figure("dup outcomes", "duplicate_outcomes"),
          Column.figure("dup submissions (live)", "duplicate_inputs_live"),
          Column.figure("429s", "http_429"),
          Column.percent("429 share", "http_429_share"),
          Column.figure("pods", "pods"),
          Column.figure("worker CPU s", "worker_cpu_s"),
          Column.figure("outcomes/CPU-s", "outcomes_per_worker_cpu_s"),
          Column.figure("peak heap MB", "worker_heap_peak_mb"),
          Column.figure("sim running peak", "sim_running_peak"),
          Column.figure("other busy cores", "other_busy_cores"),
          new Column("targets", Report::targets),
          new Column("status", r -> r.status.name().toLowerCase(Locale.ROOT)));

  /** Runs that hold many tasks pending and weigh the heap. */
  static final List<Column> HEAP =
      List.of(
          new Column("scenario", r -> r.scenario.name()),
          new Column("variant", r -> r.variant.name()),
          Column.figure("pending", "pending_tasks"),
          Column.figure("heap, 0 pending MB", "heap_idle_mb"),
          Column.figure("heap, pending MB", "heap_loaded_mb"),
          Column.figure("bytes/task", "heap_bytes_per_task"),
          Column.figure("projected 100k MB", "heap_projected_100k_mb"),
          Column.figure("submitted/s", "submissions_per_s"),
          Column.figure("calls/task", "calls_per_task"),
          Column.figure("429s", "http_429"),
          Column.figure("worker CPU s", "worker_cpu_s"),
          new Column("targets", Report::targets),
          new Column("status", r -> r.status.name().toLowerCase(Locale.ROOT)));

  /** One crawl request of N pages: page records, Nimble calls per page, the summary's delay. */
  static final List<Column> CRAWL =
      List.of(
          new Column("scenario", r -> r.scenario.name()),
          new Column("variant", r -> r.variant.name()),
          Column.figure("pages", "pages"),
          Column.figure("dup page records", "duplicate_page_records"),
          Column.figure("summaries", "summaries"),
          Column.figure("calls/page", "calls_per_page"),
          Column.figure("pages/s", "pages_per_s"),
          Column.figure("limit/s", "limit_per_s"),
          Column.percent("slot use", "slot_use"),
          Column.figure("crawl end→summary ms", "crawl_end_to_summary_read_ms"),
          Column.figure("crawls created", "crawls_created"),
          Column.figure("page tasks created", "crawl_pages_created"),
          Column.figure("429s", "http_429"),
          Column.figure("worker CPU s", "worker_cpu_s"),
          new Column("targets", Report::targets),
          new Column("status", r -> r.status.name().toLowerCase(Locale.ROOT)));

  private Report() {}

  /** "met", "–" without targets, else what was missed. */
  static String targets(RunResult r) {
    List<Scenario.Target> targets =
        r.scenario.targets().stream().filter(t -> t.appliesTo(r.variant)).toList();
    if (targets.isEmpty()) {
      return "–";
    }
    List<String> missed = targets.stream().map(t -> t.missed(r)).filter(m -> m != null).toList();
    return missed.isEmpty() ? "met" : "missed: " + String.join(", ", missed);
  }

  static String markdown(Map<String, Object> header, List<RunResult> runs) {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark ").append(header.get("started_at")).append("\n\n");
    md.append("Machine: ")
        .append(header.get("cores"))
        .append(" cores, ")
        .append(header.get("java"))
        .append(", commit ")
        .append(header.get("git_commit"))
        .append(". ")
        .append(header.get("machine_note"))
        .append("\n\n");
    List<RunResult> moving =
        runs.stream().filter(r -> r.scenario.kind() == Scenario.Kind.THROUGHPUT).toList();
    List<RunResult> heap =
        runs.stream().filter(r -> r.scenario.kind() == Scenario.Kind.HEAP).toList();
    List<RunResult> crawls =
        runs.stream().filter(r -> r.scenario.kind() == Scenario.Kind.CRAWL).toList();
    if (!moving.isEmpty()) {
      table(md, THROUGHPUT, moving);
    }
    if (!heap.isEmpty()) {
      table(md, HEAP, heap);
    }
    if (!crawls.isEmpty()) {
      table(md, CRAWL, crawls);
    }
    List<RunResult> tenants =
        moving.stream().filter(r -> r.figures.containsKey("by_tenant_priority")).toList();
    if (!tenants.isEmpty()) {
      tenants(md, tenants);
    }
    List<RunResult> related =
        moving.stream().filter(r -> r.figures.containsKey("throughput_steady_ratio")).toList();
    if (!related.isEmpty()) {
      md.append("## Ratios between runs of a scenario\n\n")
          .append(
              "The same N on the same simulator settings in the same benchmark; steady and overall")
          .append(" throughput of the run ÷ the reference run's.\n\n")
          .append("| scenario | run | reference | steady ÷ reference | overall ÷ reference |\n")
          .append("| --- | --- | --- | --- | --- |\n");
      for (RunResult r : related) {
        md.append("| ")
            .append(r.scenario.name())
            .append(" | ")
            .append(r.variant.name())
            .append(" | ")
            .append(r.settings.get("ratio_reference"))
            .append(" | ")
            .append(format(r.figures.get("throughput_steady_ratio")))
            .append(" | ")
            .append(format(r.figures.get("throughput_overall_ratio")))
            .append(" |\n");
      }
      md.append('\n');
    }
    List<Comparison> comparisons = Comparison.of(runs);
    if (!comparisons.isEmpty()) {
      md.append("## Worker ÷ baseline\n\n")
          .append("Each paired scenario runs the worker, then Nimble's recommended loop (batches")
          .append(" of 100 submissions 10 s apart, every unfinished task checked every 5 s), on")
          .append(" a fresh simulator with the same settings and the same N. Ratio = worker ÷")
          .append(" baseline; \"better\" says which way the figure is better. The baseline's CPU")
          .append(" is the driver JVM's, where the loop runs; its heap is not measured.\n\n");
      comparisons.forEach(c -> md.append(c.markdown()));
    }
    if (!Chart.panels(runs).isEmpty()) {
      md.append("![Outcomes per second over time](")
          .append(chartName(String.valueOf(header.get("started_at"))))
          .append(")\n\n");
    }
    for (RunResult r : runs) {
      if (!r.notes.isEmpty()) {
        md.append("- ")
            .append(r.scenario.name())
            .append(" / ")
            .append(r.variant.name())
            .append(": ");
        md.append(String.join("; ", r.notes)).append("\n");
      }
    }
    md.append("\nSettings, every figure and the logs' location: the JSON file of the same name.\n");
    return md.toString();
  }

  /**
   * Runs with a workload: outcomes and produce → outcome latency per tenant and priority, the
   * watched group's p99 ÷ its reference run's, and each tenant's share while all had work.
   */
  private static void tenants(StringBuilder md, List<RunResult> runs) {
    md.append("## Tenants and priorities\n\n")
        .append("Latency from when the driver produced a request to when its first outcome was")
        .append(" read. \"p99 ÷ reference\": the watched group's p99 ÷ its p99 in the reference")
        .append(" run; \"share\": a tenant's part of the outcomes while every tenant had work.\n\n")
        .append("| scenario | variant | tenant/priority | requests | outcomes |")
        .append(" produce→outcome p50/p99/max ms | p99 ÷ reference | share |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (RunResult r : runs) {
      if (!(r.figures.get("by_tenant_priority") instanceof Map<?, ?> groups)) {
        continue;
      }
      for (Map.Entry<?, ?> e : groups.entrySet()) {
        Map<?, ?> g = (Map<?, ?>) e.getValue();
        String group = String.valueOf(e.getKey());
        String tenant = group.substring(0, group.indexOf('/'));
        boolean watched = group.equals(r.figures.get("watched_group"));
        md.append("| ")
            .append(r.scenario.name())
            .append(" | ")
            .append(r.variant.name())
            .append(" | ")
            .append(group)
            .append(watched ? " (watched)" : "")
            .append(" | ")
            .append(format(g.get("requests")))
            .append(" | ")
            .append(format(g.get("outcomes")))
            .append(" | ")
            .append(format(g.get("produce_to_outcome_p50_ms")))
            .append(" / ")
            .append(format(g.get("produce_to_outcome_p99_ms")))
            .append(" / ")
            .append(format(g.get("produce_to_outcome_max_ms")))
            .append(" | ")
            .append(watched ? format(r.figures.get("watched_p99_ratio")) : "")
            .append(" | ")
            .append(format(r.figures.get("contended_share_" + tenant)))
            .append(" |\n");
      }
    }
    md.append('\n');
  }

  private static void table(StringBuilder md, List<Column> columns, List<RunResult> runs) {
    md.append('|');
    columns.forEach(c -> md.append(' ').append(c.header()).append(" |"));
    md.append("\n|");
    columns.forEach(c -> md.append(" --- |"));
    md.append('\n');
    for (RunResult r : runs) {
      md.append('|');
      columns.forEach(c -> md.append(' ').append(c.cell().apply(r)).append(" |"));
      md.append('\n');
    }
    md.append('\n');
  }

  static void write(Path dir, String stamp, Map<String, Object> header, List<RunResult> runs)
      throws IOException {
    Files.createDirectories(dir);
    ObjectNode root = Http.JSON.createObjectNode();
    header.forEach((k, v) -> root.set(k, Http.JSON.valueToTree(v)));
    ArrayNode array = root.putArray("runs");
    for (RunResult r : runs) {
      ObjectNode run = array.addObject();
      run.put("scenario", r.scenario.name());
      run.put("variant", r.variant.name());
      run.put("kind", r.scenario.kind().name().toLowerCase(Locale.ROOT));
      run.put("about", r.scenario.about());
      run.put("status", r.status.name().toLowerCase(Locale.ROOT));
      run.set(
          "targets",
          Http.JSON.valueToTree(
              r.scenario.targets().stream()
                  .filter(t -> t.appliesTo(r.variant))
                  .map(Object::toString)
                  .toList()));
      run.put("pods", r.variant.fleet().pods());
      run.put("targets_result", targets(r));
      run.set("settings", Http.JSON.valueToTree(r.settings));
      run.set("figures", Http.JSON.valueToTree(r.figures));
      run.set("notes", Http.JSON.valueToTree(r.notes));
      run.put("logs", r.logs);
      if (!r.arrivalOffsetsMillis.isEmpty()) {
        run.set("outcomes_per_second", Http.JSON.valueToTree(r.outcomesPerSecond()));
      }
    }
    ArrayNode comparisons = root.putArray("comparisons");
    Comparison.of(runs).forEach(c -> comparisons.add(c.json()));
    Http.JSON
        .copy()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve(stamp + ".json").toFile(), root);
    Files.writeString(dir.resolve(stamp + ".md"), markdown(header, runs));
  }

  /** The chart's file name next to {@code <stamp>.md}. */
  static String chartName(String stamp) {
    return stamp + "-throughput.png";
  }

  /** A fraction as a percentage with two decimals ("0.41%"); "–" when absent. */
  static String formatPercent(Object value) {
    if (!(value instanceof Number n)) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f%%", n.doubleValue() * 100);
  }

  static String format(Object value) {
    if (value == null) {
      return "–";
    }
    if (value instanceof Double d) {
      double abs = Math.abs(d);
      if (abs >= 100) {
        return String.format(Locale.ROOT, "%.0f", d);
      }
      if (abs >= 10) {
        return String.format(Locale.ROOT, "%.1f", d);
      }
      return String.format(Locale.ROOT, "%.2f", d);
    }
    return String.valueOf(value);
  }
}
