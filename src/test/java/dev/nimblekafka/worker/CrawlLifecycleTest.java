package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.FAILURES;
import static dev.nimblekafka.worker.LifecycleRig.RESULTS;
import static dev.nimblekafka.worker.LifecycleRig.STATE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.nimble.CrawlListing;
import dev.nimblekafka.nimble.CrawlStatus;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.task.CrawlProgress;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.task.TaskPhase;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A crawl request: one crawl created, every page it ran published once as a page record, and its
 * summary the request's one outcome; what was published is a bit per page in the state record,
 * written in the same commit as the pages, so a restart publishes only the rest.
 */
@Timeout(10)
class CrawlLifecycleTest {
  static String crawl(String id, String url) {
    return "{\"request_id\":\"" + id + "\",\"crawl\":{\"url\":\"" + url + "\",\"limit\":100}}";
  }

  private static String page(String url) {
    return "{\"url\":\""
        + url
        + "\",\"data\":{\"markdown\":\"# hi\"},\"metadata\":{\"driver\":\"vx6\"}}";
  }

  private static List<JsonNode> records(LifecycleRig rig, String kind) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode record : rig.committed(RESULTS)) {
      if (record.path("record").asText("summary").equals(kind)) {
        found.add(record);
      }
    }
    return found;
  }

  /** Consumes a crawl request and has Nimble start crawl {@code crawlId}. */
  private static Call started(LifecycleRig rig, String crawlId) {
    rig.consume(0, null, crawl("c1", "https://shop.example"));
    rig.turn();
    Call create = rig.nimble.only(Op.SUBMIT);
    create.task(crawlId, TaskState.PENDING);
    rig.turn();
    return create;
  }

  /** The next read of the crawl, once it is due. */
  private static Call crawlRead(LifecycleRig rig) {
    rig.advance(Duration.ofSeconds(31));
    return rig.nimble.only(Op.CRAWL);
  }

  @Test
  void aCrawlPublishesEachPageOnceAndEndsWithItsSummary() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    Call create = started(rig, "crawl-1");
    assertThat(create.kind).isEqualTo(Kind.CRAWL);
    assertThat(create.body.get("url").asText()).isEqualTo("https://shop.example");
    assertThat(create.body.get("name").asText()).as("the mark").startsWith("nkw-");

    crawlRead(rig).crawl("running", "p1:completed", "p2:pending");
    rig.turn();
    rig.nimble.only(Op.RESULTS).results(page("https://shop.example/a"));
    rig.turn();
    rig.commit();

    List<JsonNode> pages = records(rig, "page");
    assertThat(pages).hasSize(1);
    assertThat(pages.get(0).get("crawl_id").asText()).isEqualTo("crawl-1");
    assertThat(pages.get(0).get("task_id").asText()).isEqualTo("p1");
    assertThat(pages.get(0).get("url").asText()).isEqualTo("https://shop.example/a");
    assertThat(pages.get(0).get("state").asText()).isEqualTo("succeeded");
    assertThat(pages.get(0).path("result").path("data").path("markdown").asText())
        .isEqualTo("# hi");

    crawlRead(rig).crawl("succeeded", "p1:completed", "p2:failed");
    rig.turn();
    assertThat(rig.nimble.open(Op.RESULTS)).as("p1 is not read again").isEmpty();
    rig.nimble.only(Op.STATUS).task("p2", TaskState.FAILED);
    rig.turn();
    rig.commit();

    pages = records(rig, "page");
    assertThat(pages).hasSize(2);
    assertThat(pages.get(1).get("task_id").asText()).isEqualTo("p2");
    assertThat(pages.get(1).get("state").asText()).isEqualTo("failed");
    assertThat(pages.get(1).path("error").path("code").asText()).isEqualTo("PAGE_FAILED");
    List<JsonNode> summaries = records(rig, "summary");
    assertThat(summaries).hasSize(1);
    JsonNode summary = summaries.get(0).get("result");
    assertThat(summaries.get(0).get("kind").asText()).isEqualTo("crawl");
    assertThat(summary.get("crawl_state").asText()).isEqualTo("succeeded");
    assertThat(summary.path("pages").path("succeeded").asInt()).isEqualTo(1);
    assertThat(summary.path("pages").path("failed").asInt()).isEqualTo(1);
    assertThat(rig.committed(FAILURES)).isEmpty();
    assertThat(rig.book.byRequestId(0, "c1")).isNull();
  }

  @Test
  void thePagesPublishedCommitWithTheStateRecordThatSaysSo() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    started(rig, "crawl-1");
    crawlRead(rig).crawl("running", "p1:completed", "p2:pending", "p3:completed");
    rig.turn();
    for (Call read : rig.nimble.open(Op.RESULTS)) {
      read.results(page("https://shop.example/" + read.taskId));
    }
    rig.turn();
    rig.commit();

    assertThat(records(rig, "page")).hasSize(2);
    List<JsonNode> states = rig.committed(STATE);
    JsonNode crawl = states.get(states.size() - 1).get("crawl");
    BitSet published = BitSet.valueOf(Base64.getDecoder().decode(crawl.get("published").asText()));
    assertThat(published.stream().toArray()).containsExactly(0, 2);
    assertThat(crawl.get("listed").asInt()).isEqualTo(3);
  }

  @Test
  void aCrawlReadBackFromItsStateRecordPublishesOnlyThePagesNotYetPublished() {
    LifecycleRig rig = new LifecycleRig();
    BitSet done = new BitSet();
    done.set(0);
    StoredTask stored =
        new StoredTask(
            "c1",
            "crawl-1",
            Kind.CRAWL,
            1,
            rig.clock.millis(),
            rig.clock.millis(),
            LifecycleRig.REQUESTS,
            0,
            crawl("c1", "https://shop.example").getBytes(StandardCharsets.UTF_8),
            false,
            null,
            null,
            null,
            new CrawlProgress.Saved(done.toByteArray(), 2, fingerprintOf("p1", "p2"), 1, 0));
    rig.assign(0, stored);
    crawlRead(rig).crawl("succeeded", "p1:completed", "p2:completed");
    rig.turn();
    Call read = rig.nimble.only(Op.RESULTS);
    assertThat(read.taskId).isEqualTo("p2");
    read.results(page("https://shop.example/b"));
    rig.turn();
    rig.commit();

    assertThat(records(rig, "page"))
        .extracting(p -> p.get("task_id").asText())
        .containsExactly("p2");
    JsonNode summary = records(rig, "summary").get(0).get("result");
    assertThat(summary.path("pages").path("succeeded").asInt()).isEqualTo(2);
    assertThat(rig.counter("nimble_worker_crawl_order_changes")).isZero();
  }

  @Test
  void aLostCrawlCreateIsFoundByItsMarkAndNotCreatedAgain() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, crawl("c1", "https://shop.example"));
    rig.turn();
    Call create = rig.nimble.only(Op.SUBMIT);
    String mark = create.body.get("name").asText();
    create.fail(FakeNimble.lost());
    rig.turn();
    rig.nimble
        .only(Op.CRAWLS)
        .crawls(
            new CrawlListing("someone-else", "nkw-000000000000000000000000", "running"),
            new CrawlListing("crawl-9", mark, "queued"));
    rig.turn();

    assertThat(rig.nimble.count(Op.SUBMIT)).as("not created again").isEqualTo(1);
    assertThat(rig.book.byTaskId(0, "crawl-9").requestId()).isEqualTo("c1");
    assertThat(rig.book.byTaskId(0, "crawl-9").phase()).isEqualTo(TaskPhase.WAITING);
  }

  @Test
  void aCrawlBeyondTheDocumentedLimitsFailsNamingTheField() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(
        0, null, "{\"request_id\":\"c1\",\"crawl\":{\"url\":\"https://a.io\",\"limit\":20000}}");
    rig.consume(
        0,
        null,
        "{\"request_id\":\"c2\",\"crawl\":{\"url\":\"https://a.io\",\"max_discovery_depth\":21}}");
    rig.consume(
        0,
        null,
        "{\"request_id\":\"c3\",\"crawl\":{\"url\":\"https://a.io\",\"include_paths\":[\"(\"]}}");
    rig.turn();
    rig.commit();

    List<JsonNode> failures = rig.committed(FAILURES);
    assertThat(failures)
        .extracting(f -> f.path("error").path("details").path("field").asText())
        .containsExactly("crawl.limit", "crawl.max_discovery_depth", "crawl.include_paths[0]");
    assertThat(failures.get(0).path("error").path("message").asText()).contains("10000");
    assertThat(rig.nimble.count(Op.SUBMIT)).isZero();
  }

  @Test
  void aCancelRecordEndsTheCrawlAtNimbleAndItsSummarySaysSo() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    started(rig, "crawl-1");
    crawlRead(rig).crawl("running", "p1:completed", "p2:pending", "p3:pending");
    rig.turn();
    rig.nimble.only(Op.RESULTS).results(page("https://shop.example/a"));
    rig.consume(0, null, "{\"cancel\":\"c1\"}");
    rig.turn();

    Call cancel = rig.nimble.only(Op.CANCEL_CRAWL);
    assertThat(cancel.taskId).isEqualTo("crawl-1");
    cancel.canceled();
    rig.turn();
    rig.turn();
    rig.nimble.only(Op.CRAWL).crawl("canceled", "p1:completed", "p2:completed", "p3:failed");
    rig.turn();
    rig.nimble.only(Op.RESULTS).results(page("https://shop.example/b"));
    rig.turn();
    rig.commit();

    assertThat(rig.nimble.open(Op.STATUS)).as("a page the cancel dropped is not read").isEmpty();
    assertThat(records(rig, "page")).hasSize(2);
    JsonNode summary = records(rig, "summary").get(0).get("result");
    assertThat(summary.get("crawl_state").asText()).isEqualTo("canceled");
    assertThat(summary.get("ended_by").asText()).isEqualTo("cancel");
    assertThat(summary.path("pages").path("succeeded").asInt()).isEqualTo(2);
    assertThat(summary.path("pages").path("not_run").asInt()).isEqualTo(1);
    assertThat(rig.counter("nimble_worker_cancels")).isEqualTo(1);
  }

  @Test
  void aCancelThatOutlivesACrashIsSentByTheNextOwner() {
    LifecycleRig rig = new LifecycleRig();
    StoredTask stored =
        new StoredTask(
            "c1",
            "crawl-1",
            Kind.CRAWL,
            1,
            rig.clock.millis(),
            rig.clock.millis(),
            LifecycleRig.REQUESTS,
            0,
            crawl("c1", "https://shop.example").getBytes(StandardCharsets.UTF_8),
            false,
            null,
            null,
            null,
            new CrawlProgress.Saved(new byte[0], 0, fingerprintOf(), 0, 0, "cancel"));
    rig.assign(0, stored);
    crawlRead(rig).crawl("running", "p1:pending");
    rig.turn();

    assertThat(rig.nimble.only(Op.CANCEL_CRAWL).taskId).isEqualTo("crawl-1");
  }

  @Test
  void aCancelOfACrawlNotYetCreatedEndsItWithoutACall() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, crawl("c1", "https://shop.example"));
    rig.consume(0, null, "{\"cancel\":\"c1\"}");
    rig.consume(0, null, "{\"cancel\":\"c1\",\"crawl\":{\"url\":\"https://a.io\"}}");
    rig.turn();
    rig.commit();

    assertThat(rig.nimble.count(Op.SUBMIT)).isZero();
    List<JsonNode> failures = rig.committed(FAILURES);
    assertThat(failures)
        .extracting(f -> f.path("error").path("code").asText())
        .containsExactly("CANCELED", "AMBIGUOUS_REQUEST");
    assertThat(failures.get(0).get("request_id").asText()).isEqualTo("c1");
  }

  @Test
  void aCrawlWhoseTenantSpendsItsDailyBudgetIsCanceledAndItsSummarySaysSo() {
    LifecycleRig rig = new LifecycleRig("TENANT_DAILY_TASKS", "acme=4");
    rig.assign(0);
    rig.consume(
        0,
        null,
        "{\"request_id\":\"c1\",\"tenant\":\"acme\",\"crawl\":{\"url\":\"https://shop.example\"}}");
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("crawl-1", TaskState.PENDING);
    rig.turn();
    crawlRead(rig).crawl("running", "p1:completed", "p2:completed", "p3:completed", "p4:pending");
    rig.turn();
    for (Call read : rig.nimble.open(Op.RESULTS)) {
      read.results(page("https://shop.example/" + read.taskId));
    }
    rig.turn();
    rig.commit();
    assertThat(rig.nimble.open(Op.CANCEL_CRAWL)).as("3 pages ran, within 4").isEmpty();

    crawlRead(rig).crawl("running", "p1:completed", "p2:completed", "p3:completed", "p4:completed");
    rig.turn();
    rig.nimble.only(Op.CANCEL_CRAWL).canceled();
    rig.nimble.only(Op.RESULTS).results(page("https://shop.example/p4"));
    rig.turn();
    rig.turn();
    rig.nimble
        .only(Op.CRAWL)
        .crawl("canceled", "p1:completed", "p2:completed", "p3:completed", "p4:completed");
    rig.turn();
    rig.commit();

    JsonNode summary = records(rig, "summary").get(0).get("result");
    assertThat(summary.get("ended_by").asText()).isEqualTo("budget");
    assertThat(summary.path("pages").path("succeeded").asInt()).isEqualTo(4);
  }

  @Test
  void aCrawlThatNeverEndsIsCanceledAfterTheRetentionAndSummedUpAfterTwice() {
    LifecycleRig rig = new LifecycleRig("TASK_RETENTION", "1h");
    rig.assign(0);
    started(rig, "crawl-1");
    crawlRead(rig).crawl("running", "p1:pending");
    rig.turn();
    rig.advance(Duration.ofMinutes(61));
    rig.nimble.only(Op.CRAWL).crawl("running", "p1:pending");
    rig.turn();
    rig.nimble.only(Op.CANCEL_CRAWL).canceled();
    rig.turn();
    rig.advance(Duration.ofMinutes(61));
    for (Call read : rig.nimble.open(Op.CRAWL)) {
      read.crawl("running", "p1:pending");
    }
    rig.turn();
    rig.commit();

    JsonNode summary = records(rig, "summary").get(0).get("result");
    assertThat(summary.get("ended_by").asText()).isEqualTo("retention");
    assertThat(summary.get("crawl_state").asText()).isEqualTo("running");
    assertThat(summary.path("pages").path("not_run").asInt()).isEqualTo(1);
  }

  @Test
  void aSuspectCrawlNotListedYetIsLookedUpAgainOnceItsCreateCanNoLongerArrive() {
    LifecycleRig rig = new LifecycleRig();
    long now = rig.clock.millis();
    byte[] recorded = crawl("c1", "https://shop.example").getBytes(StandardCharsets.UTF_8);
    rig.assign(
        0,
        new dev.nimblekafka.task.TaskBook.Handover(1, now - 5_000, now + 5_000),
        new StoredTask("c1", null, Kind.CRAWL, 0, 0, 0, "requests", 0, recorded, false, null));
    rig.nimble.only(Op.CRAWLS).crawls();
    rig.turn();
    assertThat(rig.nimble.open(Op.SUBMIT))
        .as("the previous owner's create may still arrive: not created again yet")
        .isEmpty();

    rig.advance(Duration.ofSeconds(6));
    rig.nimble.only(Op.CRAWLS).crawls();
    rig.turn();
    assertThat(rig.nimble.only(Op.SUBMIT).kind).isEqualTo(Kind.CRAWL);
  }

  @Test
  void aCrawlListThatFailsIsAskedAgainAfterAPauseNotAtOnce() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, crawl("c1", "https://shop.example"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.lost());
    rig.turn();
    rig.nimble.only(Op.CRAWLS).fail(FakeNimble.unavailable(503, null));
    rig.turn();
    rig.turn();
    assertThat(rig.nimble.open(Op.CRAWLS)).as("not asked again at once").isEmpty();

    rig.advance(Duration.ofSeconds(2));
    assertThat(rig.nimble.open(Op.CRAWLS)).as("asked again after a pause").hasSize(1);
    assertThat(rig.nimble.count(Op.SUBMIT)).isEqualTo(1);
  }

  @Test
  void aCancelWhileTheCrawlsCreateIsOutIsSavedWithTheCancelsOffset() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, crawl("c1", "https://shop.example"));
    rig.turn();
    Call create = rig.nimble.only(Op.SUBMIT);
    rig.consume(0, null, "{\"cancel\":\"c1\"}");
    rig.turn();
    rig.commit();

    List<JsonNode> states = rig.committed(STATE);
    assertThat(states.get(states.size() - 1).path("crawl").path("ended_by").asText())
        .as("a crash now does not lose the cancel")
        .isEqualTo("cancel");
    create.task("crawl-1", TaskState.PENDING);
    rig.turn();
    rig.turn();
    rig.nimble.only(Op.CRAWL).crawl("running", "p1:pending");
    rig.turn();
    assertThat(rig.nimble.only(Op.CANCEL_CRAWL).taskId).isEqualTo("crawl-1");
  }

  @Test
  void aCrawlStillRunningAfterItsCancelIsAskedAgainAtMostEveryPollInterval() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    started(rig, "crawl-1");
    crawlRead(rig).crawl("running", "p1:pending");
    rig.consume(0, null, "{\"cancel\":\"c1\"}");
    rig.turn();
    rig.nimble.only(Op.CANCEL_CRAWL).canceled();
    rig.turn();
    rig.turn();
    rig.nimble.only(Op.CRAWL).crawl("running", "p1:pending");
    rig.turn();
    rig.turn();
    assertThat(rig.nimble.open(Op.CANCEL_CRAWL)).as("not sent again at once").isEmpty();
    assertThat(rig.nimble.open(Op.CRAWL)).as("nor read again at once").isEmpty();

    rig.advance(Duration.ofMillis(CrawlFollower.POLL_MS + 1));
    rig.nimble.only(Op.CRAWL).crawl("running", "p1:pending");
    rig.turn();
    assertThat(rig.nimble.open(Op.CANCEL_CRAWL)).as("asked again a poll later").hasSize(1);
  }

  @Test
  void aCrawlRequestWhoseStateRecordWouldNotFitBesideItsPagesIsRefused() {
    LifecycleRig rig = new LifecycleRig(6_000);
    rig.assign(0);
    String padding = "x".repeat(4_500);
    rig.consume(
        0,
        null,
        "{\"request_id\":\"c1\",\"crawl\":{\"url\":\"https://a.io\",\"name\":\""
            + padding
            + "\"}}");
    rig.consume(
        0,
        null,
        "{\"request_id\":\"e1\",\"extract\":{\"url\":\"https://a.io\",\"x\":\"" + padding + "\"}}");
    rig.turn();
    rig.commit();

    assertThat(rig.committed(FAILURES))
        .extracting(f -> f.get("request_id").asText() + " " + f.path("error").path("code").asText())
        .containsExactly("c1 LIMIT_EXCEEDED");
    assertThat(rig.nimble.only(Op.SUBMIT).kind).isEqualTo(Kind.EXTRACT);
  }

  private static long fingerprintOf(String... ids) {
    List<CrawlStatus.Page> pages = new ArrayList<>();
    for (String id : ids) {
      pages.add(new CrawlStatus.Page(id, CrawlStatus.PageState.COMPLETED));
    }
    return CrawlProgress.fingerprint(pages, pages.size());
  }
}
