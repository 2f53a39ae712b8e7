package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The result of a run as text: a console summary and a Markdown report. */
final class ChaosReport {
  private ChaosReport() {}

  /** The few lines that say whether the guarantees held. */
  static String summary(ChaosResult r) {
    StringBuilder out = new StringBuilder();
    Verdict v = r.verdict();
    out.append(r.passed() ? "PASSED" : "FAILED")
        .append(" (seed ")
        .append(r.plan().seed())
        .append("): ")
        .append(r.requests().size() - r.notProduced().size())
        .append(" requests, ")
        .append(v.outcomeRecords)
        .append(" outcome records, ")
        .append(v.missing.size())
        .append(" missing, ")
        .append(v.duplicated.size())
        .append(" duplicated, ")
        .append(v.unexpected.size() + v.wrong.size())
        .append(" wrong\n");
    for (String line : r.violations()) {
      out.append("  VIOLATION ").append(line).append('\n');
    }
    if (!r.notProduced().isEmpty()) {
      out.append("  RUN VOID: the broker never acknowledged ")
          .append(r.notProduced().size())
          .append(" requests: ")
          .append(Text.sample(r.notProduced().keySet(), 10))
          .append('\n');
    }
    out.append("  duplicate submissions counted by the simulator (duplicate_inputs_live): ")
        .append(r.simStats().path("duplicate_inputs_live").asLong())
        .append("; orphan tasks found: ")
        .append(r.duplicates().orphans.size())
        .append(" by cause ")
        .append(r.duplicates().byCause())
        .append("; tasks created for requests already finished: ")
        .append(r.duplicates().afterCompletion.size())
        .append('\n');
    LedgerCheck ledger = v.ledger();
    if (ledger != null) {
      List<String> figures = new ArrayList<>();
      for (String tenant : ledger.tenants()) {
        figures.add(tenant + " " + ledger.ledgerOf(tenant) + " / " + ledger.simulatorOf(tenant));
      }
      out.append("  tasks succeeded by tenant, usage ledger / simulator: ")
          .append(String.join(", ", figures))
          .append('\n');
    }
    for (String line : killLines(r)) {
      out.append("  ").append(line).append('\n');
    }
    return out.toString();
  }

  private static List<String> killLines(ChaosResult r) {
    List<String> lines = new ArrayList<>();
    int n = 0;
    for (Timeline.Entry e : r.timeline().entries()) {
      if (e.kind() == Timeline.Kind.KILL) {
        n++;
        WorkerSample s = e.sample();
        lines.add(
            "kill %d at %s of worker-%d: in flight %s, queued %s%s -> %d orphan task(s)"
                .formatted(
                    n,
                    Text.offset(e.offset()),
                    e.worker() + 1,
                    value(s.inFlight()),
                    value(s.queued()),
                    s.atRisk() >= 0 ? ", at risk " + s.atRisk() : "",
                    r.duplicates().blamedOn(e)));
      }
    }
    return lines;
  }

  /** What goes into the run's folder and, for the full suite, {@code docs/chaos-results.md}. */
  static String markdown(ChaosResult r, Map<String, String> context) {
    StringBuilder md = new StringBuilder();
    Verdict v = r.verdict();
    ChaosPlan.Shape shape = r.plan().shape();
    md.append("# Chaos suite: latest result\n\n");
    md.append("Written by `make chaos` (`src/test/java/dev/nimblekafka/chaos/ChaosDriver.java`);")
        .append(" what the suite does is described in [chaos.md](chaos.md).\n\n");
    md.append("| | |\n|---|---|\n");
    context.forEach((k, val) -> md.append("| ").append(k).append(" | ").append(val).append(" |\n"));
    md.append("| seed | `").append(r.plan().seed()).append("` |\n");
    md.append("| verdict | **").append(r.passed() ? "passed" : "FAILED").append("** |\n\n");

    md.append("## Exactly one outcome per request\n\n");
    md.append("Read back with a `read_committed` consumer from the start of the results and")
        .append(" failures topics to their end, after every worker drained.\n\n");
    md.append("| check | found |\n|---|---|\n");
    md.append("| requests produced | ")
        .append(r.requests().size() - r.notProduced().size())
        .append(" |\n");
    md.append("| outcome records | ").append(v.outcomeRecords).append(" |\n");
    v.breakdown.forEach(
        (k, n) -> md.append("| &nbsp;&nbsp;").append(k).append(" | ").append(n).append(" |\n"));
    md.append("| requests without an outcome | ").append(v.missing.size()).append(" |\n");
    md.append("| requests with more than one outcome | ")
        .append(v.duplicated.size())
        .append(" |\n");
    md.append("| outcomes of requests never produced | ")
        .append(v.unexpected.size())
        .append(" |\n");
    md.append("| wrong outcome (kind, URL or metadata) | ").append(v.wrong.size()).append(" |\n");
    md.append("| pending-task state left after the run | ")
        .append(r.leftoverState().size())
        .append(" |\n");
    md.append("| request offsets not committed to the end | ")
        .append(r.uncommitted().values().stream().mapToLong(Long::longValue).sum())
        .append(" |\n");
    md.append("| every request had an outcome at | ")
        .append(r.allOutcomesAt() == null ? "never (stalled)" : Text.offset(r.allOutcomesAt()))
        .append(" |\n");
    md.append("| run length (ready to drained) | ")
        .append(Text.duration(r.total()))
        .append(" |\n\n");
    List<String> violations = r.violations();
    if (!violations.isEmpty()) {
      md.append("Violations:\n\n");
      violations.forEach(line -> md.append("- ").append(line).append('\n'));
      md.append('\n');
    }

    md.append("## Duplicate submissions\n\n");
    JsonNode stats = r.simStats();
    md.append("The simulator counted **")
        .append(stats.path("duplicate_inputs_live").asLong())
        .append("** duplicate submissions of work not failed (`duplicate_inputs_live`; all")
        .append(" duplicates including retries of failed tasks: ")
        .append(stats.path("duplicate_inputs").asLong())
        .append("). Reading its task list, ")
        .append(r.duplicates().orphans.size())
        .append(" tasks were created for a request besides those whose outcomes were published;")
        .append(" each is blamed on the first disruption at or after its creation: ")
        .append(r.duplicates().byCause())
        .append(".\n\n");
    md.append("Before each SIGKILL the driver read the worker's `/metrics`:")
        .append(" `nimble_worker_tasks_in_flight` counts tasks holding a Nimble slot (being")
        .append(" created, waiting or being checked), an upper bound of the submissions a kill can")
        .append(" leave unrecorded.");
    boolean exact =
        r.timeline().entries().stream()
            .anyMatch(e -> e.sample() != null && e.sample().atRisk() >= 0);
    md.append(
        exact
            ? " `" + WorkerSample.AT_RISK_METRIC + "` is the exact figure.\n\n"
            : " The exact figure (submissions in flight plus those recorded since the last commit)"
                + " is not exported by the worker.\n\n");
    md.append(
        "| kill | at | worker | tasks in flight | queued | at risk | orphan tasks blamed on it |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    int n = 0;
    for (Timeline.Entry e : r.timeline().entries()) {
      if (e.kind() != Timeline.Kind.KILL) {
        continue;
      }
      n++;
      WorkerSample s = e.sample();
      md.append("| ")
          .append(n)
          .append(" | ")
          .append(Text.offset(e.offset()))
          .append(" | worker-")
          .append(e.worker() + 1)
          .append(" | ")
          .append(value(s.inFlight()))
          .append(" | ")
          .append(value(s.queued()))
          .append(" | ")
          .append(value(s.atRisk()))
          .append(" | ")
          .append(r.duplicates().blamedOn(e))
          .append(" |\n");
    }
    md.append('\n');
    List<Timeline.Entry> others =
        r.timeline().entries().stream()
            .filter(
                e ->
                    e.kind().disruptive
                        && e.kind() != Timeline.Kind.KILL
                        && r.duplicates().blamedOn(e) > 0)
            .toList();
    for (Timeline.Entry e : others) {
      md.append("- ")
          .append(r.duplicates().blamedOn(e))
          .append(" orphan task(s) blamed on ")
          .append(Text.offset(e.offset()))
          .append(" ")
          .append(e.text())
          .append('\n');
    }
    if (!r.duplicates().afterCompletion.isEmpty()) {
      md.append("- ")
          .append(r.duplicates().afterCompletion.size())
          .append(" task(s) created after a published task of the same request had completed")
          .append(" (a finished request processed again): ")
          .append(Text.sample(r.duplicates().afterCompletion, 12))
          .append('\n');
    }
    if (!r.duplicates().extraAttempts.isEmpty()) {
      md.append("- always-failing requests with more than ")
          .append(DuplicateAudit.FAILING_ATTEMPTS)
          .append(" tasks: ")
          .append(r.duplicates().extraAttempts)
          .append('\n');
    }
    if (!r.duplicates().invalidSubmitted.isEmpty()) {
      md.append("- invalid requests that reached the simulator: ")
          .append(Text.sample(r.duplicates().invalidSubmitted, 10))
          .append('\n');
    }
    md.append('\n');
    ledger(md, r);

    md.append("## What happened\n\n");
    if (r.figures().containsKey("scenario")) {
      md.append("Scenario ")
          .append(r.figures().get("scenario"))
          .append(". ")
          .append(r.requests().size())
          .append(" request records to a ")
          .append(shape.partitions())
          .append("-partition topic; ")
          .append(shape.workers())
          .append(" worker slots. Times are from the moment the first workers were ready.\n\n");
      md.append("| figure | value |\n|---|---|\n");
      r.figures()
          .forEach(
              (k, val) ->
                  md.append("| ")
                      .append(k)
                      .append(" | ")
                      .append(val.replace("|", "\\|"))
                      .append(" |\n"));
      md.append('\n');
    } else {
      md.append("Plan: ")
          .append(shape.requests())
          .append(" requests (about 90% extract, 8% agent, 1% invalid, 1% always failing at the")
          .append(" simulator; tenants ")
          .append(String.join(", ", ChaosRequests.TENANTS))
          .append(" in turn, agent requests ")
          .append(ChaosRequests.AGENT_TENANT)
          .append("'s) produced evenly over ")
          .append(Text.duration(shape.produceOver()))
          .append(" to a ")
          .append(shape.partitions())
          .append("-partition topic; ")
          .append(shape.workers())
          .append(" worker JVMs; faults from ")
          .append(Text.offset(shape.faultsFrom()))
          .append(" to ")
          .append(Text.offset(shape.faultsUntil()))
          .append(". Times are from the moment every worker was ready.\n\n");
    }
    md.append("| at | event |\n|---|---|\n");
    for (Timeline.Entry e : r.timeline().entries()) {
      md.append("| ")
          .append(Text.offset(e.offset()))
          .append(" | ")
          .append(e.text().replace("|", "\\|"))
          .append(" |\n");
    }
    md.append('\n');

    md.append("## Simulator calls\n\n");
    md.append("By endpoint and answer (`dropped`: connection closed without an answer).\n\n");
    md.append("| endpoint | answers |\n|---|---|\n");
    JsonNode calls = stats.path("calls");
    for (Iterator<String> it = calls.fieldNames(); it.hasNext(); ) {
      String endpoint = it.next();
      List<String> parts = new ArrayList<>();
      calls
          .path(endpoint)
          .fields()
          .forEachRemaining(f -> parts.add(f.getKey() + ": " + f.getValue().asLong()));
      md.append("| `")
          .append(endpoint)
          .append("` | ")
          .append(String.join(", ", parts))
          .append(" |\n");
    }
    md.append("\nTasks created ")
        .append(stats.path("tasks_created").asLong())
        .append(", completed ")
        .append(stats.path("tasks_completed").asLong())
        .append(", failed ")
        .append(stats.path("tasks_failed").asLong())
        .append(".\n");
    return md.toString();
  }

  /** The usage ledger's tasks succeeded by tenant against the simulator's count. */
  private static void ledger(StringBuilder md, ChaosResult r) {
    LedgerCheck ledger = r.verdict().ledger();
    if (ledger == null) {
      return;
    }
    md.append("## Usage ledger against the simulator\n\n");
    md.append("Tasks succeeded by tenant as the usage topic says (read with `read_committed`")
        .append(" after the workers stopped; the latest record of each tenant and day in each")
        .append(" partition, summed), against the tasks the simulator completed on the tenant's")
        .append(" hosts (`tasks_completed_by_host`). They must be equal.\n\n");
    md.append("| tenant | hosts | usage ledger | simulator | |\n|---|---|---|---|---|\n");
    for (String tenant : ledger.tenants()) {
      long counted = ledger.ledgerOf(tenant);
      long completed = ledger.simulatorOf(tenant);
      md.append("| ")
          .append(tenant)
          .append(" | ")
          .append(String.join(", ", ledger.hosts().getOrDefault(tenant, Set.of())))
          .append(" | ")
          .append(counted)
          .append(" | ")
          .append(completed)
          .append(" | ")
          .append(counted == completed ? "equal" : "**differ by " + (counted - completed) + "**")
          .append(" |\n");
    }
    md.append('\n');
    if (!ledger.mismatches().isEmpty()) {
      md.append("Mismatches (orphan tasks above are billed by Nimble but belong to no outcome,")
          .append(" so the ledger does not count them):\n\n");
      ledger.mismatches().forEach(line -> md.append("- ").append(line).append('\n'));
      md.append('\n');
    }
  }

  private static String value(int v) {
    return v < 0 ? "n/a" : Integer.toString(v);
  }
}
