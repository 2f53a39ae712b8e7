package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.FAILURES;
import static dev.nimblekafka.worker.TenantsTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.usage.UsageView;
import dev.nimblekafka.worker.FakeNimble.Call;
import dev.nimblekafka.worker.FakeNimble.Op;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Daily task budgets as one pod applies them (TENANT_DAILY_TASKS, TENANT_OVER_BUDGET). */
@Timeout(10)
class BudgetsTest {

  @Test
  void aBudgetedTenantStopsAtItsBudgetWhileTheOtherTenantGoesOn() {
    LifecycleRig rig = rig("TENANT_DAILY_TASKS", "acme=3");
    rig.assign(0);
    for (int i = 0; i < 10; i++) {
      rig.consume(0, null, request("a" + i, "acme", "normal"));
    }
    for (int i = 0; i < 5; i++) {
      rig.consume(0, null, request("b" + i, "beta", "normal"));
    }
    rig.turn();
    answerCreates(rig);
    rig.advance(Duration.ofMinutes(5));

    assertThat(created(rig, "/a")).as("acme's budget").isEqualTo(3);
    assertThat(created(rig, "/b")).as("beta has no budget").isEqualTo(5);
    assertThat(rig.book.queued()).as("acme's other requests wait").isEqualTo(7);
    assertThat(rig.registry.get("nimble_worker_tenant_budget_remaining").gauge().value()).isZero();
  }

  @Test
  void waitingRequestsGoOnceTheUtcDayRollsOver() {
    LifecycleRig rig = rig("TENANT_DAILY_TASKS", "acme=3");
    rig.assign(0);
    for (int i = 0; i < 5; i++) {
      rig.consume(0, null, request("a" + i, "acme", "normal"));
    }
    rig.turn();
    answerCreates(rig);
    rig.turn();
    assertThat(created(rig, "/a")).isEqualTo(3);

    rig.advance(untilTomorrow(rig));
    rig.turn();

    assertThat(created(rig, "/a")).as("the budget refilled at midnight UTC").isEqualTo(5);
  }

  @Test
  void withFailARequestPastTheBudgetFailsNamingTheTenantAndTheBudget() {
    LifecycleRig rig = rig("TENANT_DAILY_TASKS", "acme=2", "TENANT_OVER_BUDGET", "fail");
    rig.assign(0);
    for (int i = 0; i < 5; i++) {
      rig.consume(0, null, request("a" + i, "acme", "normal"));
    }
    rig.turn();
    assertThat(rig.open(FAILURES)).as("nothing fails while creates are out").isEmpty();
    answerCreates(rig);
    rig.turn();
    rig.commit();

    List<JsonNode> failures = rig.committed(FAILURES);
    assertThat(failures).hasSize(3);
    JsonNode error = failures.get(0).get("error");
    assertThat(error.get("code").asText()).isEqualTo("BUDGET_EXCEEDED");
    assertThat(failures.get(0).get("stage").asText()).isEqualTo("submit");
    assertThat(error.at("/details/tenant").asText()).isEqualTo("acme");
    assertThat(error.at("/details/limit").asInt()).isEqualTo(2);
    assertThat(error.at("/details/setting").asText()).isEqualTo("TENANT_DAILY_TASKS");
    assertThat(error.get("message").asText())
        .contains("acme", "2", "TENANT_DAILY_TASKS")
        .doesNotContain("test-key");
    assertThat(created(rig, "/a")).isEqualTo(2);
    assertThat(rig.registry.get("nimble_worker_tenant_budget_exceeded").counter().count())
        .isEqualTo(3);
  }

  @Test
  void aCreateNimbleNeverSawSpendsNothingAndIsTriedAgain() {
    LifecycleRig rig = rig("TENANT_DAILY_TASKS", "acme=1", "TENANT_OVER_BUDGET", "fail");
    rig.assign(0);
    rig.consume(0, null, request("a0", "acme", "normal"));
    rig.consume(0, null, request("a1", "acme", "normal"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).fail(FakeNimble.unavailable(429, Duration.ofSeconds(1)));
    rig.turn();
    assertThat(rig.open(FAILURES)).as("a refused create spent nothing").isEmpty();

    rig.advance(Duration.ofSeconds(2));
    Call again = rig.nimble.only(Op.SUBMIT);
    assertThat(again.body.path("url").asText()).endsWith("/a0");
    again.task("t0", TaskState.PENDING);
    rig.turn();
    rig.turn();
    rig.commit();

    assertThat(rig.committed(FAILURES)).hasSize(1);
    assertThat(rig.committed(FAILURES).get(0).get("request_id").asText()).isEqualTo("a1");
  }

  @Test
  void aTaskAdoptedAfterAHandOverNeedsNoBudgetAndIsNotFailed() {
    LifecycleRig rig = rig("TENANT_DAILY_TASKS", "acme=1", "TENANT_OVER_BUDGET", "fail");
    LocalDate today = LocalDate.ofInstant(rig.clock.instant(), ZoneOffset.UTC);
    rig.fleetUsage = new UsageView.Snapshot(1, Map.of(5, Map.of("acme|" + today, 1L)));
    long since = rig.clock.millis() - 5_000;
    byte[] recorded = request("r0", "acme", "normal").getBytes();
    rig.assign(
        0,
        new TaskBook.Handover(0, since),
        new StoredTask("r0", null, Kind.EXTRACT, 0, 0, 0, "requests", 7, recorded, false, null));
    rig.turn();
    rig.nimble
        .only(Op.LIST)
        .page(
            null,
            FakeNimble.listed(
                "t0",
                since + 100,
                new ObjectMapper()
                    .createObjectNode()
                    .put("url", "https://a.io/r0")
                    .put("tag", SubmissionMark.of("r0", 0, 7, 0))));
    rig.turn();
    rig.turn();
    rig.commit();

    assertThat(rig.book.byTaskId(0, "t0")).as("adopted").isNotNull();
    assertThat(rig.nimble.count(Op.SUBMIT)).as("no new task").isZero();
    assertThat(rig.committed(FAILURES)).as("the budget was spent elsewhere").isEmpty();
  }

  @Test
  void withBatchesOnABatchNeverTakesMoreThanTheBudgetLeft() {
    LifecycleRig rig =
        new LifecycleRig(
            "BATCH_SUBMIT", "true", "BATCH_LINGER", "0ms", "TENANT_DAILY_TASKS", "acme=7");
    rig.assign(0);
    for (int i = 0; i < 50; i++) {
      rig.consume(0, null, request("a" + i, "acme", "normal"));
    }
    rig.turn();
    rig.advance(Duration.ofSeconds(3));

    int sent = 0;
    for (Call call : rig.nimble.calls()) {
      sent += call.op == Op.BATCH ? call.body.path("inputs").size() : 1;
    }
    assertThat(sent).as("tasks asked for in every create call").isLessThanOrEqualTo(7);
  }

  @Test
  void budgetedTenantsWaitUntilTheFleetsUsageIsRead() {
    LifecycleRig rig = rig("TENANT_DAILY_TASKS", "acme=3");
    rig.fleetUsage = UsageView.Snapshot.NONE;
    rig.assign(0);
    rig.consume(0, null, request("a0", "acme", "normal"));
    rig.consume(0, null, request("b0", "beta", "normal"));
    rig.turn();
    assertThat(created(rig, "/a")).isZero();
    assertThat(created(rig, "/b")).isEqualTo(1);

    rig.fleetUsage = UsageView.Snapshot.empty(rig.clock.millis());
    rig.turn();
    assertThat(created(rig, "/a")).isEqualTo(1);
  }

  @Test
  void otherPodsCreatesCountAgainstTheBudget() {
    LifecycleRig rig = rig("TENANT_DAILY_TASKS", "acme=10");
    LocalDate today = LocalDate.ofInstant(rig.clock.instant(), ZoneOffset.UTC);
    rig.fleetUsage =
        new UsageView.Snapshot(
            1,
            Map.of(
                3, Map.of("acme|" + today, 6L),
                4, Map.of("acme|" + today.minusDays(1), 50L, "beta|" + today, 9L)));
    rig.assign(0);
    for (int i = 0; i < 10; i++) {
      rig.consume(0, null, request("a" + i, "acme", "normal"));
    }
    rig.turn();

    assertThat(created(rig, "/a")).as("10 less the 6 made elsewhere today").isEqualTo(4);
  }

  private static Duration untilTomorrow(LifecycleRig rig) {
    long midnight =
        LocalDate.ofInstant(rig.clock.instant(), ZoneOffset.UTC)
            .plusDays(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant()
            .toEpochMilli();
    return Duration.ofMillis(midnight - rig.clock.millis() + 1);
  }

  private static void answerCreates(LifecycleRig rig) {
    int n = 0;
    for (Call call : rig.nimble.open(Op.SUBMIT)) {
      call.task("t-" + call.body.path("url").asText() + "-" + n++, TaskState.PENDING);
    }
  }

  /** Create calls made for requests whose URL contains {@code part}. */
  private static long created(LifecycleRig rig, String part) {
    return rig.nimble.calls().stream()
        .filter(c -> c.op == Op.SUBMIT && c.body.path("url").asText().contains("a.io" + part))
        .count();
  }

  /** A rig creating one request per call, with plenty of the plan's tasks. */
  private static LifecycleRig rig(String... settings) {
    String[] all = new String[settings.length + 4];
    all[0] = "BATCH_SUBMIT";
    all[1] = "false";
    all[2] = "NIMBLE_PLAN_TASKS";
    all[3] = "100";
    System.arraycopy(settings, 0, all, 4, settings.length);
    return new LifecycleRig(all);
  }
}
