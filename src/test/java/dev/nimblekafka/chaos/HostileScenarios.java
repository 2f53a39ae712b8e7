package dev.nimblekafka.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.utils.Utils;

/**
 * The hostile scenarios, each a minute or three on a 2-core machine: request ids used again, a
 * rebalance while creates are delayed, commits failing, a frozen broker, large requests, a request
 * Nimble refuses, an hour-long Retry-After, and a crawl of 5,000 pages across kills and a broker
 * restart.
 */
final class HostileScenarios {
  /** The name that runs every scenario, one after the other. */
  static final String ALL = "all-hostile";

  private static final List<String> SIM =
      List.of("--plan", "150", "--duration", "uniform:300ms..1500ms", "--qps", "600");
  private static final Map<String, String> WORKERS = Map.of("NIMBLE_QPS", "150");
  private static final int PARTITIONS = 6;

  private HostileScenarios() {}

  /** Every scenario, by name, in the order {@value #ALL} runs them. */
  static Map<String, HostileScenario> all() {
    Map<String, HostileScenario> all = new LinkedHashMap<>();
    for (HostileScenario s :
        List.of(
            reusedIds(),
            rebalanceDelayedCreates(),
            commitsFailing(),
            brokerFrozen(),
            largeRequests(),
            forbiddenOne(),
            retryAfterHour(),
            crawl())) {
      all.put(s.name(), s);
    }
    return all;
  }

  static HostileScenario reusedIds() {
    return new HostileScenario(
        "reused-ids",
        "200 request ids produced again once their first record has its outcome, and 100 ids"
            + " produced on two partitions at once, every record with its own URL, while the"
            + " simulator loses 30% of its answers (--lost-response-rate 0.3)",
        "every record gets exactly one outcome, and each result is its own record's (result.url"
            + " is the record's URL): a stale result of another record with the same id fails",
        with(SIM, "--lost-response-rate", "0.3"),
        "256m",
        WORKERS,
        2,
        PARTITIONS,
        Duration.ofSeconds(20),
        Duration.ofMinutes(3),
        HostileScenarios::reusedIdRequests,
        List.of());
  }

  static HostileScenario rebalanceDelayedCreates() {
    return new HostileScenario(
        "rebalance-delayed-creates",
        "every Nimble call delayed 8 s (longer than the 5 s revoke drain) and a 10 s 429 storm,"
            + " while a third worker joins and the first one leaves",
        "exactly one outcome per request and no task paid twice",
        SIM,
        "256m",
        WORKERS,
        3,
        PARTITIONS,
        Duration.ofSeconds(60),
        Duration.ofMinutes(3),
        (prefix, random) -> ChaosRequests.generate(prefix, 1_200, random),
        List.of(
            new Fault.Simulator(
                Duration.ofSeconds(10), "{\"latency_ms\":8000}", "every Nimble call delayed 8 s"),
            new Fault.Simulator(
                Duration.ofSeconds(20), "{\"storm_seconds\":10}", "429 storm for 10s"),
            new Fault.JoinWorker(Duration.ofSeconds(25), 2),
            new Fault.StopWorker(Duration.ofSeconds(45), 0),
            new Fault.Simulator(
                Duration.ofSeconds(80), "{\"latency_ms\":0}", "Nimble calls no longer delayed")));
  }

  /**
   * The results topic's {@code max.message.bytes} while commits are to fail: below every result
   * record (the simulator's pages are kilobytes), above the broker's own transaction markers (under
   * 100 bytes), which a smaller limit keeps the coordinator from writing.
   */
  static final int RESULTS_LIMIT = 512;

  static HostileScenario commitsFailing() {
    return new HostileScenario(
        "commits-failing",
        "every transaction holding a result fails to commit for 150 s under load (the results"
            + " topic's max.message.bytes set to "
            + RESULTS_LIMIT
            + ", then put back)",
        "exactly one outcome per request, no task paid twice, no worker death",
        SIM,
        "256m",
        WORKERS,
        2,
        PARTITIONS,
        Duration.ofSeconds(120),
        Duration.ofMinutes(3),
        (prefix, random) -> ChaosRequests.generate(prefix, 1_200, random),
        List.of(
            new Fault.ResultsLimit(Duration.ofSeconds(20), RESULTS_LIMIT),
            new Fault.ResultsLimit(Duration.ofSeconds(170), 0)));
  }

  static HostileScenario brokerFrozen() {
    return new HostileScenario(
        "broker-frozen",
        "the broker process frozen (SIGSTOP) for 70 s under load, then thawed (SIGCONT)",
        "exactly one outcome per request, no task paid twice, no worker death",
        SIM,
        "256m",
        WORKERS,
        2,
        PARTITIONS,
        Duration.ofSeconds(90),
        Duration.ofMinutes(3),
        (prefix, random) -> ChaosRequests.generate(prefix, 1_000, random),
        List.of(
            new Fault.SignalBroker(Duration.ofSeconds(20), "STOP"),
            new Fault.SignalBroker(Duration.ofSeconds(90), "CONT")));
  }

  static HostileScenario largeRequests() {
    return new HostileScenario(
        "large-requests",
        "1,200 requests of about 900 KB each (a large metadata string) against workers with"
            + " -Xmx768m",
        "exactly one outcome per request, no worker death (an OutOfMemoryError ends the JVM, as"
            + " in the image)",
        SIM,
        "768m",
        WORKERS,
        2,
        PARTITIONS,
        Duration.ofSeconds(90),
        Duration.ofMinutes(3),
        (prefix, random) -> largeRequests(prefix, 1_200, 900_000),
        List.of());
  }

  static HostileScenario forbiddenOne() {
    return new HostileScenario(
        "forbidden-one",
        "one request among 101 whose create Nimble refuses with 403 (its URL carries"
            + " sim:forbid)",
        "that request ends as a failure, the 100 others as results",
        SIM,
        "256m",
        WORKERS,
        2,
        4,
        Duration.ofSeconds(10),
        Duration.ofMinutes(2),
        (prefix, random) -> forbiddenAmong(prefix, 101, 50),
        List.of());
  }

  static HostileScenario retryAfterHour() {
    Map<String, String> env = new LinkedHashMap<>(WORKERS);
    env.put("NIMBLE_BACKOFF_MAX", ""); // the default cap
    return new HostileScenario(
        "retry-after-hour",
        "every Nimble call answered 429 with Retry-After: 3600 for 5 s, then normal again",
        "creates succeed again within 35 s of the storm's end (the default NIMBLE_BACKOFF_MAX"
            + " of at most 30 s, plus 5 s), and every request gets its outcome",
        SIM,
        "256m",
        env,
        2,
        PARTITIONS,
        Duration.ofSeconds(40),
        Duration.ofMinutes(2),
        (prefix, random) -> ChaosRequests.generate(prefix, 600, random),
        List.of(
            new Fault.Simulator(
                Duration.ofSeconds(15),
                "{\"storm_seconds\":5,\"storm_retry_after\":3600}",
                "every Nimble call answered 429 with Retry-After: 3600 for 5s"),
            new Fault.ExpectResume(Duration.ofSeconds(20), Duration.ofSeconds(35))));
  }

  /** The pages the {@code crawl} scenario's one crawl request asks for. */
  static final int CRAWL_PAGES = 5_000;

  /**
   * The synthetic site of the {@code crawl} scenario: 8 links a page, so 4,681 pages down to depth
   * 4 and many more at depth 5; the crawl stops at its limit.
   */
  static final String CRAWL_SITE = "https://links8.shop.example/";

  static HostileScenario crawl() {
    return new HostileScenario(
        "crawl",
        "one crawl request of "
            + CRAWL_PAGES
            + " pages (about 50 pages a second at a plan of 50 and tasks of 0.5 to 1.5 s) while"
            + " its worker is SIGKILLed three times and the broker restarted once, each fault"
            + " striking once another 100 page records have been published since its moment",
        "exactly "
            + CRAWL_PAGES
            + " page records, one per page task, then one summary counting "
            + CRAWL_PAGES
            + " pages succeeded; the crawl created once and each page task paid once"
            + " (crawls_created 1, crawl_pages_created "
            + CRAWL_PAGES
            + ")",
        List.of("--plan", "50", "--duration", "uniform:500ms..1500ms", "--qps", "600"),
        "256m",
        WORKERS,
        1,
        PARTITIONS,
        Duration.ofSeconds(1),
        Duration.ofMinutes(4),
        (prefix, random) -> List.of(crawlRequest(prefix, CRAWL_SITE, CRAWL_PAGES)),
        List.of(
            whilePublishing(new Fault.KillWorker(Duration.ofSeconds(10), 0, Duration.ofSeconds(2))),
            whilePublishing(new Fault.KillWorker(Duration.ofSeconds(35), 0, Duration.ofSeconds(1))),
            whilePublishing(new Fault.RestartBroker(Duration.ofSeconds(60))),
            whilePublishing(
                new Fault.KillWorker(Duration.ofSeconds(85), 0, Duration.ofSeconds(2)))));
  }

  /** The fault, once the worker has published another 100 page records since its moment. */
  private static Fault whilePublishing(Fault fault) {
    return new Fault.WhilePublishing(fault, 100);
  }

  /** One crawl request of {@code limit} pages from {@code site}, deep enough to reach them. */
  static ChaosRequests.Request crawlRequest(String prefix, String site, int limit) {
    String id = prefix + "-crawl-0";
    String json =
        ("{\"request_id\":\"%s\",\"crawl\":{\"url\":\"%s\",\"limit\":%d,"
                + "\"max_discovery_depth\":6},\"metadata\":{\"run\":\"%s\",\"i\":0}}")
            .formatted(id, site, limit, prefix);
    return new ChaosRequests.Request(0, id, ChaosRequests.Kind.CRAWL, site, json);
  }

  // ---- request records ------------------------------------------------------------------------

  /**
   * Ids {@code reuse-k} produced once, then again once that first record has its outcome; ids
   * {@code twin-k} produced twice at once, on two partitions. Every record has its own URL.
   */
  static List<ChaosRequests.Request> reusedIdRequests(String prefix, Random random) {
    List<ChaosRequests.Request> records = new ArrayList<>();
    int reused = 200;
    int twins = 100;
    for (int k = 0; k < reused; k++) {
      records.add(extract(prefix, prefix + "-reuse-" + k, k, "reuse/" + k + "/first", -1, 0));
    }
    for (int k = 0; k < twins; k++) {
      String id = prefix + "-twin-" + k;
      int p = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
      int i = reused + 2 * k;
      records.add(extract(prefix, id, i, "twin/" + k + "/a", p, 0));
      records.add(
          extract(prefix, id, i + 1, "twin/" + k + "/b", (p + PARTITIONS / 2) % PARTITIONS, 0));
    }
    for (int k = 0; k < reused; k++) {
      int i = reused + 2 * twins + k;
      records.add(extract(prefix, prefix + "-reuse-" + k, i, "reuse/" + k + "/again", -1, 1));
    }
    return records;
  }

  /** {@code count} extract requests, each with {@code padding} characters of metadata. */
  static List<ChaosRequests.Request> largeRequests(String prefix, int count, int padding) {
    List<ChaosRequests.Request> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      String url = "https://chaos.example/" + prefix + "/" + i;
      String json =
          "{\"request_id\":\"%s\",\"extract\":{\"url\":\"%s\"},\"metadata\":{\"run\":\"%s\",\"i\":%d,%s}}"
              .formatted(id, url, prefix, i, ChaosRequests.PAD);
      records.add(
          new ChaosRequests.Request(
              i, id, ChaosRequests.Kind.EXTRACT, url, json, id, -1, padding, 0));
    }
    return records;
  }

  /** {@code count} extract requests, the one at {@code forbidden} refused by Nimble with 403. */
  static List<ChaosRequests.Request> forbiddenAmong(String prefix, int count, int forbidden) {
    List<ChaosRequests.Request> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      boolean refused = i == forbidden;
      String url = "https://chaos.example/" + prefix + "/" + i + (refused ? "?sim:forbid" : "");
      records.add(
          new ChaosRequests.Request(
              i,
              id,
              refused ? ChaosRequests.Kind.FORBIDDEN : ChaosRequests.Kind.EXTRACT,
              url,
              extractJson(prefix, id, i, url)));
    }
    return records;
  }

  private static ChaosRequests.Request extract(
      String prefix, String id, int index, String path, int partition, int wave) {
    String url = "https://chaos.example/" + prefix + "/" + path;
    return new ChaosRequests.Request(
        index,
        id,
        ChaosRequests.Kind.EXTRACT,
        url,
        extractJson(prefix, id, index, url),
        id + "#" + index,
        partition,
        0,
        wave);
  }

  private static String extractJson(String prefix, String id, int index, String url) {
    return "{\"request_id\":\"%s\",\"extract\":{\"url\":\"%s\"},\"metadata\":{\"run\":\"%s\",\"i\":%d}}"
        .formatted(id, url, prefix, index);
  }

  private static List<String> with(List<String> options, String... more) {
    List<String> all = new ArrayList<>(options);
    all.addAll(List.of(more));
    return all;
  }
}
