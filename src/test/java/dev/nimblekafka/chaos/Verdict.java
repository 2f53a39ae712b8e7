package dev.nimblekafka.chaos;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The exactly-once check over every outcome read with read_committed: each request produced has
 * exactly one outcome, of the kind it must get, carrying its own metadata; no other outcome exists.
 * With the {@link #ledger(LedgerCheck) ledger's check}, the usage topic's tasks succeeded by tenant
 * also equal the simulator's count.
 */
final class Verdict {
  /** Requests (by {@link ChaosRequests.Request#ref}) with no outcome. */
  final List<String> missing = new ArrayList<>();

  /** Requests with more than one outcome, with every one of them. */
  final Map<String, List<Outcome>> duplicated = new TreeMap<>();

  /** Outcomes whose request id the run never produced. */
  final List<Outcome> unexpected = new ArrayList<>();

  /** Requests whose one outcome is not the one due, and why. */
  final Map<String, String> wrong = new TreeMap<>();

  /**
   * Outcome records by topic and failure code, e.g. {@code results}, {@code failures TASK_FAILED}.
   */
  final Map<String, Integer> breakdown = new TreeMap<>();

  /** The published outcome of each request (the first one read, if several). */
  final Map<String, Outcome> published = new LinkedHashMap<>();

  /**
   * Crawl page records by request id and page task id, with how many records each task got (more
   * than 1: a page published twice). Page records are not outcomes: they are counted here only.
   */
  final Map<String, Map<String, Integer>> pages = new TreeMap<>();

  int outcomeRecords;

  int pageRecords;

  /** The usage ledger against the simulator's counts; null when the run does not check it. */
  private LedgerCheck ledger;

  /**
   * Matches each outcome to its request record: by request id, and, where several records of the
   * run share an id, by the {@code metadata.i} echoed; an outcome of a shared id whose index names
   * none of them is wrong. Requests are named by {@link ChaosRequests.Request#ref}.
   */
  static Verdict of(
      Collection<ChaosRequests.Request> requests, List<Outcome> outcomes, String resultsTopic) {
    Verdict v = new Verdict();
    Map<String, List<ChaosRequests.Request>> byId = new LinkedHashMap<>();
    requests.forEach(r -> byId.computeIfAbsent(r.id(), id -> new ArrayList<>()).add(r));
    Map<String, List<Outcome>> byRequest = new LinkedHashMap<>();
    for (Outcome o : outcomes) {
      if (o.page()) {
        v.pageRecords++;
        if (!byId.containsKey(o.requestId())) {
          v.unexpected.add(o);
        }
        v.pages
            .computeIfAbsent(o.requestId(), id -> new TreeMap<>())
            .merge(String.valueOf(o.taskId()), 1, Integer::sum);
        continue;
      }
      v.outcomeRecords++;
      boolean result = o.topic().equals(resultsTopic);
      v.breakdown.merge(
          result ? "results" : "failures " + o.stage() + "/" + o.code(), 1, Integer::sum);
      List<ChaosRequests.Request> sharing = byId.get(o.requestId());
      if (sharing == null) {
        v.unexpected.add(o);
        continue;
      }
      ChaosRequests.Request request =
          sharing.size() == 1
              ? sharing.get(0)
              : sharing.stream().filter(r -> r.index() == o.index()).findFirst().orElse(null);
      if (request == null) {
        v.wrong.put(
            o.requestId() + " " + o.where(),
            "carries metadata.i " + o.index() + ", which no record with this id has");
        continue;
      }
      byRequest.computeIfAbsent(request.ref(), ref -> new ArrayList<>()).add(o);
    }
    for (List<ChaosRequests.Request> sharing : byId.values()) {
      for (ChaosRequests.Request r : sharing) {
        List<Outcome> got = byRequest.get(r.ref());
        if (got == null) {
          v.missing.add(r.ref());
          continue;
        }
        if (got.size() > 1) {
          v.duplicated.put(r.ref(), got);
        }
        Outcome first = got.get(0);
        v.published.put(r.ref(), first);
        String problem = problem(r, first, first.topic().equals(resultsTopic));
        if (problem != null) {
          v.wrong.put(r.ref(), problem + " (" + first.where() + ")");
        }
      }
    }
    return v;
  }

  private static String problem(ChaosRequests.Request r, Outcome o, boolean result) {
    if (o.index() != r.index()) {
      return "carries metadata.i " + o.index() + ", the request's is " + r.index();
    }
    return switch (r.kind()) {
      case EXTRACT -> {
        if (!result) {
          yield "a failure where a result was due";
        }
        yield r.input().equals(o.url()) ? null : "result.url " + o.url() + " is not " + r.input();
      }
      case AGENT -> result ? null : "a failure where a result was due";
      case INVALID -> !result && "validate".equals(o.stage()) ? null : "not a validate failure";
      case FAILING ->
          !result && "TASK_FAILED".equals(o.code()) ? null : "not a TASK_FAILED failure";
      case FORBIDDEN -> result ? "a result where a failure was due (Nimble answered 403)" : null;
      case CRAWL -> result ? null : "a failure where the crawl's summary was due";
    };
  }

  /** The task ids named by each request's outcomes (several when it has several outcomes). */
  Map<String, Set<String>> publishedTasks() {
    Map<String, Set<String>> tasks = new HashMap<>();
    published.forEach((id, o) -> add(tasks, id, o));
    duplicated.forEach((id, list) -> list.forEach(o -> add(tasks, id, o)));
    return tasks;
  }

  private static void add(Map<String, Set<String>> tasks, String id, Outcome o) {
    if (o.taskId() != null) {
      tasks.computeIfAbsent(id, k -> new HashSet<>()).add(o.taskId());
    }
  }

  /** Makes the ledger's check part of the verdict: a tenant whose figures differ fails it. */
  void ledger(LedgerCheck check) {
    this.ledger = check;
  }

  /** The ledger's check; null when the run does not make it. */
  LedgerCheck ledger() {
    return ledger;
  }

  /** Page tasks of the request published in more than one page record. */
  long pagesPublishedTwice(String requestId) {
    return pages.getOrDefault(requestId, Map.of()).values().stream().filter(n -> n > 1).count();
  }

  boolean passed() {
    return missing.isEmpty()
        && duplicated.isEmpty()
        && unexpected.isEmpty()
        && wrong.isEmpty()
        && (ledger == null || ledger.mismatches().isEmpty());
  }

  /** One line per kind of violation, empty when it passed. */
  List<String> violations() {
    List<String> lines = new ArrayList<>();
    if (!missing.isEmpty()) {
      lines.add(missing.size() + " request(s) without an outcome: " + Text.sample(missing, 20));
    }
    if (!duplicated.isEmpty()) {
      List<String> shown = new ArrayList<>();
      duplicated.forEach(
          (id, list) ->
              shown.add(
                  id + " [" + String.join("; ", list.stream().map(Outcome::where).toList()) + "]"));
      long results =
          duplicated.values().stream()
              .filter(list -> list.stream().filter(o -> o.code() == null).count() > 1)
              .count();
      lines.add(
          duplicated.size()
              + " request(s) with more than one outcome ("
              + results
              + " with more than one result): "
              + Text.sample(shown, 20));
    }
    if (!unexpected.isEmpty()) {
      lines.add(
          unexpected.size()
              + " outcome(s) for requests never produced: "
              + Text.sample(
                  unexpected.stream().map(o -> o.requestId() + " " + o.where()).toList(), 20));
    }
    if (!wrong.isEmpty()) {
      List<String> shown = new ArrayList<>();
      wrong.forEach((id, why) -> shown.add(id + ": " + why));
      lines.add(wrong.size() + " request(s) with the wrong outcome: " + Text.sample(shown, 20));
    }
    if (ledger != null) {
      lines.addAll(ledger.mismatches());
    }
    return lines;
  }
}
