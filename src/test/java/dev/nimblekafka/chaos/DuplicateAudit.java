package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which tasks the simulator created beyond those whose outcome was published, and which disruption
 * lost track of each. A task created for a request and never published is an orphan (Nimble charged
 * for it). It is blamed on the first disruption of the worker that held the request's partition
 * when the task was created (its kill or exit, a failed commit, a rebalance) or of the broker, at
 * or after the creation less {@link #IN_FLIGHT_SLACK}: a create call sent just before a disruption
 * reaches the simulator a moment after it.
 */
final class DuplicateAudit {
  /** How long before its creation at the simulator a create call may have been sent. */
  static final Duration IN_FLIGHT_SLACK = Duration.ofMillis(250);

  /** Attempts the worker makes for a request whose tasks always fail (TASK_MAX_ATTEMPTS). */
  static final int FAILING_ATTEMPTS = 3;

  /** One orphan task and what it is blamed on ({@code cause} null: nothing came after it). */
  record Orphan(
      String requestId,
      String taskId,
      Instant created,
      String state,
      int partition,
      int owner,
      Timeline.Entry cause) {
    Duration lead() {
      return cause == null ? null : Duration.between(created, cause.at());
    }
  }

  final List<Orphan> orphans = new ArrayList<>();

  /**
   * Tasks (request and task id) created after a published task of the same request had completed: a
   * finished request processed again.
   */
  final List<String> afterCompletion = new ArrayList<>();

  /** Requests that must fail at the simulator and had more tasks than the attempts allow. */
  final Map<String, Integer> extraAttempts = new LinkedHashMap<>();

  /** Invalid (or forbidden) requests with a task at the simulator anyway. */
  final List<String> invalidSubmitted = new ArrayList<>();

  /** Tasks whose input matches no request of the run. */
  int unmatchedTasks;

  int tasks;

  static DuplicateAudit of(
      List<JsonNode> simTasks,
      List<ChaosRequests.Request> requests,
      Map<String, Set<String>> published,
      Map<String, Integer> partitions,
      Ownership ownership,
      List<Timeline.Entry> timeline) {
    DuplicateAudit audit = new DuplicateAudit();
    audit.tasks = simTasks.size();
    Map<String, ChaosRequests.Request> byInput = new HashMap<>();
    requests.forEach(r -> byInput.put(r.input(), r));
    Map<String, List<JsonNode>> byRequest = new HashMap<>();
    for (JsonNode task : simTasks) {
      JsonNode input = task.path("input");
      String key = input.path("url").asText(null);
      if (key == null) {
        key = input.path("params").path("asin").asText(null);
      }
      ChaosRequests.Request request = key == null ? null : byInput.get(key);
      if (request == null) {
        audit.unmatchedTasks++;
        continue;
      }
      byRequest.computeIfAbsent(request.ref(), ref -> new ArrayList<>()).add(task);
    }
    List<Timeline.Entry> disruptions =
        timeline.stream()
            .filter(e -> e.kind().disruptive)
            .sorted(Comparator.comparing(Timeline.Entry::at))
            .toList();
    for (ChaosRequests.Request request : requests) {
      List<JsonNode> tasks = byRequest.getOrDefault(request.ref(), List.of());
      switch (request.kind()) {
        case INVALID, FORBIDDEN -> {
          if (!tasks.isEmpty()) {
            audit.invalidSubmitted.add(request.ref());
          }
        }
        case CRAWL -> {
          // its page tasks are judged by the crawl checks (HostileJudge), one record per page
        }
        case FAILING -> {
          if (tasks.size() > FAILING_ATTEMPTS) {
            audit.extraAttempts.put(request.ref(), tasks.size());
          }
        }
        case EXTRACT, AGENT -> {
          Set<String> publishedTasks = published.getOrDefault(request.ref(), Set.of());
          List<JsonNode> sorted = new ArrayList<>(tasks);
          sorted.sort(Comparator.comparing(t -> t.path("created_at").asText()));
          Instant finishedAt = null; // when a published task of this request had completed
          for (JsonNode task : sorted) {
            String id = task.path("id").asText();
            Instant created = Instant.parse(task.path("created_at").asText());
            if (finishedAt != null && created.isAfter(finishedAt)) {
              audit.afterCompletion.add(request.ref() + " " + id);
            }
            if (publishedTasks.contains(id)) {
              if (finishedAt == null && "completed".equals(task.path("state").asText())) {
                finishedAt = Instant.parse(task.path("modified_at").asText());
              }
              continue;
            }
            int partition = partitions.getOrDefault(request.ref(), -1);
            int owner = partition < 0 ? -1 : ownership.owner(partition, created);
            Instant from = created.minus(IN_FLIGHT_SLACK);
            Timeline.Entry cause =
                disruptions.stream()
                    .filter(e -> !e.at().isBefore(from))
                    .filter(e -> owner < 0 || e.worker() < 0 || e.worker() == owner)
                    .filter(e -> ownership.concerns(e, partition))
                    .findFirst()
                    .orElse(null);
            audit.orphans.add(
                new Orphan(
                    request.ref(),
                    id,
                    created,
                    task.path("state").asText(),
                    partition,
                    owner,
                    cause));
          }
        }
      }
    }
    audit.orphans.sort(Comparator.comparing(Orphan::created));
    return audit;
  }

  /** Orphans blamed on one timeline entry. */
  long blamedOn(Timeline.Entry entry) {
    return orphans.stream().filter(o -> o.cause() == entry).count();
  }

  /** Orphans by the kind of disruption they preceded ({@code none}: nothing did). */
  Map<String, Long> byCause() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Orphan o : orphans) {
      counts.merge(
          o.cause() == null ? "none" : o.cause().kind().name().toLowerCase(), 1L, Long::sum);
    }
    return counts;
  }
}
