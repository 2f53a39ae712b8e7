package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a hostile scenario adds to the outcome checks: an unplanned worker death, a task paid twice
 * ({@code duplicate_inputs_live}) or a missed expectation is a violation; and the figures that tell
 * how the scenario went.
 */
final class HostileJudge {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HostileJudge() {}

  static ChaosResult judge(
      ChaosResult r, HostileScenario scenario, List<String> deaths, ResumeWatch resume) {
    List<String> findings = new ArrayList<>();
    Map<String, String> figures = new LinkedHashMap<>();
    figures.put("scenario", "`" + scenario.name() + "`: " + scenario.what());
    figures.put("must hold", scenario.expected());

    figures.put("unplanned worker deaths", Integer.toString(deaths.size()));
    for (String death : deaths) {
      findings.add("worker death: " + death);
    }
    long paidTwice = r.simStats().path("duplicate_inputs_live").asLong();
    figures.put("tasks paid twice (`duplicate_inputs_live`)", Long.toString(paidTwice));
    if (paidTwice > 0) {
      findings.add(
          paidTwice
              + " task(s) paid twice: the simulator counted duplicate_inputs_live "
              + paidTwice
              + " (orphan tasks by cause: "
              + r.duplicates().byCause()
              + ")");
    }
    figures.put("orphan tasks", Integer.toString(r.duplicates().orphans.size()));
    figures.put("commit failures logged", Long.toString(count(r, Timeline.Kind.COMMIT_FAILED)));
    figures.put("revocations logged", Long.toString(count(r, Timeline.Kind.REBALANCE)));
    figures.put(
        "every record had an outcome",
        r.allOutcomesAt() == null
            ? "never (stalled after " + Text.duration(scenario.settle()) + ")"
            : "at " + Text.offset(r.allOutcomesAt()));

    sharedIds(r, figures);
    forbidden(r, figures);
    crawls(r, findings, figures);
    int padding = r.requests().stream().mapToInt(ChaosRequests.Request::padding).max().orElse(0);
    if (padding > 0) {
      figures.put("request record size", "about " + (padding / 1000) + " KB each");
    }
    resume(resume, findings, figures);
    return r.judged(findings, figures);
  }

  /** Records sharing an id, and results carrying another record's URL (stale). */
  private static void sharedIds(ChaosResult r, Map<String, String> figures) {
    Map<String, List<ChaosRequests.Request>> byId = new HashMap<>();
    r.requests().forEach(q -> byId.computeIfAbsent(q.id(), id -> new ArrayList<>()).add(q));
    long shared = r.requests().stream().filter(q -> byId.get(q.id()).size() > 1).count();
    if (shared == 0) {
      return;
    }
    long stale = 0;
    for (ChaosRequests.Request q : r.requests()) {
      Outcome o = r.verdict().published.get(q.ref());
      if (o == null || o.url() == null || o.url().equals(q.input())) {
        continue;
      }
      if (byId.get(q.id()).stream().anyMatch(other -> other.input().equals(o.url()))) {
        stale++;
      }
    }
    figures.put("request records sharing an id", Long.toString(shared));
    figures.put("stale results (another record's URL)", Long.toString(stale));
  }

  private static void forbidden(ChaosResult r, Map<String, String> figures) {
    for (ChaosRequests.Request q : r.requests()) {
      if (q.kind() != ChaosRequests.Kind.FORBIDDEN) {
        continue;
      }
      Outcome o = r.verdict().published.get(q.ref());
      figures.put(
          "outcome of the refused request " + q.ref(),
          o == null ? "none" : o.code() == null ? "a result" : o.stage() + "/" + o.code());
    }
  }

  /**
   * Each crawl request: every page it asked for ({@code crawl.limit}) published in exactly one page
   * record, a summary counting them all, and the crawl created and its pages paid once at Nimble.
   */
  private static void crawls(ChaosResult r, List<String> findings, Map<String, String> figures) {
    List<ChaosRequests.Request> crawls =
        r.requests().stream().filter(q -> q.kind() == ChaosRequests.Kind.CRAWL).toList();
    if (crawls.isEmpty()) {
      return;
    }
    long limits = 0;
    for (ChaosRequests.Request q : crawls) {
      int limit = crawlLimit(q);
      limits += limit;
      Map<String, Integer> pages = r.verdict().pages.getOrDefault(q.id(), Map.of());
      long twice = r.verdict().pagesPublishedTwice(q.id());
      figures.put(
          "page tasks with a page record (" + q.ref() + ")", Integer.toString(pages.size()));
      figures.put("page tasks published more than once (" + q.ref() + ")", Long.toString(twice));
      if (pages.size() != limit) {
        findings.add(
            q.ref() + ": " + pages.size() + " page tasks have a page record; " + limit + " due");
      }
      if (twice > 0) {
        findings.add(q.ref() + ": " + twice + " page task(s) published in more than one record");
      }
      Outcome summary = r.verdict().published.get(q.ref());
      int succeeded = summary == null ? -1 : summary.pagesSucceeded();
      figures.put(
          "summary's pages.succeeded (" + q.ref() + ")",
          summary == null ? "no summary" : Integer.toString(succeeded));
      if (summary != null && succeeded != limit) {
        findings.add(
            q.ref() + ": the summary counts " + succeeded + " pages succeeded, not " + limit);
      }
    }
    JsonNode stats = r.simStats();
    long created = stats.path("crawls_created").asLong();
    long pagesCreated = stats.path("crawl_pages_created").asLong();
    long pagesCompleted = stats.path("crawl_pages_completed").asLong();
    figures.put("crawls created at Nimble (`crawls_created`)", Long.toString(created));
    figures.put(
        "page tasks created at Nimble (`crawl_pages_created`)", Long.toString(pagesCreated));
    figures.put("page tasks billed (`crawl_pages_completed`)", Long.toString(pagesCompleted));
    if (created != crawls.size()) {
      findings.add(
          created + " crawls created at Nimble for " + crawls.size() + " crawl request(s)");
    }
    if (pagesCreated != limits || pagesCompleted != limits) {
      findings.add(
          "Nimble created "
              + pagesCreated
              + " and billed "
              + pagesCompleted
              + " page tasks; "
              + limits
              + " due");
    }
  }

  /** The request's {@code crawl.limit}. */
  private static int crawlLimit(ChaosRequests.Request q) {
    try {
      return JSON.readTree(q.json()).path("crawl").path("limit").asInt(-1);
    } catch (IOException e) {
      throw new UncheckedIOException("reading crawl request " + q.ref(), e);
    }
  }

  private static void resume(
      ResumeWatch resume, List<String> findings, Map<String, String> figures) {
    Fault.ExpectResume expected = resume.expected();
    if (expected == null) {
      return;
    }
    Duration after = resume.resumedAfter();
    figures.put(
        "creates succeeded again",
        after == null
            ? "never, while the run lasted"
            : Text.duration(after)
                + " after the fault ended (allowed: "
                + Text.duration(expected.within())
                + ")");
    if (after == null) {
      findings.add("no create succeeded after the fault ended at " + Text.offset(expected.at()));
    } else if (after.compareTo(expected.within()) > 0) {
      findings.add(
          "creates succeeded again only "
              + Text.duration(after)
              + " after the fault ended; allowed: "
              + Text.duration(expected.within()));
    }
  }

  private static long count(ChaosResult r, Timeline.Kind kind) {
    return r.timeline().entries().stream().filter(e -> e.kind() == kind).count();
  }
}
