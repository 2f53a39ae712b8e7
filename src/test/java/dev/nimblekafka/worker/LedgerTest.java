package dev.nimblekafka.worker;

import static dev.nimblekafka.worker.LifecycleRig.FAILURES;
import static dev.nimblekafka.worker.LifecycleRig.STATE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.usage.Usage;
import dev.nimblekafka.usage.UsageCodec;
import dev.nimblekafka.worker.FakeNimble.Op;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The usage ledger: what it counts, and that a unit written again is not counted twice. */
class LedgerTest {
  private static final String USAGE = "nimble.usage";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final UsageCodec CODEC = new UsageCodec(JSON);
  private static final String RESULT_ON_VX8 = "{\"data\":{},\"metadata\":{\"driver\":\"vx8\"}}";

  @Test
  void aTenantsDayCountsItsCreateItsSuccessByDriverItsCallsAndItsCost() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, request("r1", "acme"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    succeed(rig, "t1");
    commit(rig);

    Usage usage = latest(rig, 0, "acme");
    assertThat(usage.created()).isEqualTo(1);
    assertThat(usage.succeeded()).isEqualTo(1);
    assertThat(usage.failed()).isZero();
    assertThat(usage.succeededByDriver()).isEqualTo(Map.of("vx8", 1L));
    assertThat(usage.costUsd()).isEqualByComparingTo("0.0013");
    assertThat(usage.calls()).as("create, status, results").isEqualTo(rig.nimble.calls().size());
    assertThat(usage.day()).isEqualTo(LocalDate.ofInstant(rig.clock.instant(), ZoneOffset.UTC));
    assertThat(tenantTasks(rig, "acme", "succeeded")).isEqualTo(1);
    assertThat(tenantTasks(rig, "acme", "created")).isEqualTo(1);
    assertThat(counter(rig, "nimble_worker_tenant_cost_usd", "acme")).isEqualTo(0.0013);
  }

  @Test
  void aTotalIsWrittenOncePerCommitAndOnlyWhenItChanged() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, request("r1", "acme"));
    rig.consume(0, null, request("r2", "acme"));
    rig.turn();
    List<FakeNimble.Call> creates = rig.nimble.open(Op.SUBMIT);
    assertThat(creates).hasSize(2);
    creates.get(0).task("t1", TaskState.PENDING);
    creates.get(1).task("t2", TaskState.PENDING);
    rig.turn();
    commit(rig);
    commit(rig);

    assertThat(rig.output.committed(USAGE)).hasSize(1);
    assertThat(latest(rig, 0, "acme").created()).isEqualTo(2);
  }

  @Test
  void callsAloneAreWrittenEveryFewSecondsNotWithEveryCommit() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, request("r1", "acme"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    rig.clock.advance(Duration.ofSeconds(3));
    rig.consume(0, null, request("r2", "acme"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t2", TaskState.PENDING);
    rig.turn();
    commit(rig);
    assertThat(rig.output.committed(USAGE)).as("two creates").hasSize(1);

    rig.clock.advance(Duration.ofSeconds(8));
    rig.turn();
    rig.nimble.only(Op.STATUS).task("t1", TaskState.RUNNING);
    rig.turn();
    commit(rig);
    assertThat(rig.output.committed(USAGE)).as("a call, 8 s after the last write").hasSize(2);

    rig.clock.advance(Duration.ofSeconds(3));
    rig.turn();
    List<FakeNimble.Call> checks = rig.nimble.open(Op.STATUS);
    assertThat(checks).isNotEmpty();
    checks.forEach(check -> check.task(check.taskId, TaskState.RUNNING));
    rig.turn();
    commit(rig);
    assertThat(rig.output.committed(USAGE)).as("calls, 3 s after the last write").hasSize(2);

    rig.lifecycle.beforeCommit(true);
    rig.commit();
    assertThat(rig.output.committed(USAGE)).as("a forced commit writes them").hasSize(3);
    assertThat(latest(rig, 0, "acme").calls()).isEqualTo(rig.nimble.calls().size());
    assertThat(latest(rig, 0, "acme").created()).isEqualTo(2);
  }

  @Test
  void aUnitReplayedFromTheLastCommitCountsItsWorkOnceNotTwice() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, request("r1", "acme"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    commit(rig);
    succeed(rig, "t1");
    rig.lifecycle.beforeCommit(false);
    // a crash: the unit with the result and its usage never commits
    rig.unit.discard();
    rig.lifecycle.drop(0);

    long epoch = 100;
    rig.lifecycle.assign(0, epoch, TaskBook.Handover.CLEAN);
    rig.events.add(new LoopEvent.UsageRead(0, epoch, committedUsage(rig, 0)));
    rig.events.add(new LoopEvent.Restored(0, epoch, List.of(lastState(rig)), 0));
    rig.turn();
    succeed(rig, "t1");
    commit(rig);

    Usage usage = latest(rig, 0, "acme");
    assertThat(usage.created()).as("created before the crash, counted once").isEqualTo(1);
    assertThat(usage.succeeded()).isEqualTo(1);
    assertThat(usage.costUsd()).isEqualByComparingTo("0.0013");
    assertThat(tenantTasks(rig, "acme", "succeeded")).isEqualTo(1);
    assertThat(tenantTasks(rig, "acme", "created")).isEqualTo(1);
  }

  @Test
  void aFailedAndAnExpiredRequestCountApartAndABilledTaskCountsAsSucceeded() {
    LifecycleRig rig = new LifecycleRig("TASK_MAX_ATTEMPTS", "1", "RESULTS_TOPIC", "results");
    rig.assign(0);
    rig.consume(0, null, request("failed", "beta"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.FAILED);
    rig.turn();
    rig.consume(0, null, request("gone", "beta"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t2", TaskState.PENDING);
    rig.turn();
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).fail(FakeNimble.rejected(404));
    rig.turn();
    commit(rig);

    Usage usage = latest(rig, 0, "beta");
    assertThat(rig.committed(FAILURES)).hasSize(2);
    assertThat(usage.created()).isEqualTo(2);
    assertThat(usage.failed()).isEqualTo(1);
    assertThat(usage.expired()).isEqualTo(1);
    assertThat(usage.succeeded()).isZero();
    assertThat(usage.costUsd()).isEqualByComparingTo("0");
  }

  @Test
  void aResultThatIsNotJsonWasStillBilledAtTheDefaultDriver() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, request("r1", "acme"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task("t1", TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).results("not json");
    rig.turn();
    commit(rig);

    Usage usage = latest(rig, 0, "acme");
    assertThat(usage.succeeded()).isEqualTo(1);
    assertThat(usage.succeededByDriver()).isEqualTo(Map.of("unknown", 1L));
    assertThat(usage.costUsd()).as("at vx6's price").isEqualByComparingTo("0.0009");
  }

  @Test
  void daysBeforeYesterdayAreWrittenThenForgotten() {
    LifecycleRig rig = new LifecycleRig();
    rig.assign(0);
    rig.consume(0, null, request("r1", "acme"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t1", TaskState.PENDING);
    rig.turn();
    rig.clock.advance(Duration.ofDays(2));
    commit(rig);

    assertThat(latest(rig, 0, "acme").created()).as("the old day is still written").isEqualTo(1);
    rig.consume(0, null, request("r2", "acme"));
    rig.turn();
    rig.nimble.only(Op.SUBMIT).task("t2", TaskState.PENDING);
    rig.turn();
    commit(rig);
    List<Usage> written = committedUsage(rig, 0);
    assertThat(written).extracting(Usage::created).containsExactlyInAnyOrder(1L, 1L);
    assertThat(written).extracting(Usage::day).doesNotHaveDuplicates();
  }

  @Test
  void theDriverIsReadFromTheTopLevelMetadataOnly() {
    assertThat(Ledger.driver(bytes(RESULT_ON_VX8))).isEqualTo("vx8");
    assertThat(
            Ledger.driver(
                bytes(
                    "{\"data\":{\"metadata\":{\"driver\":\"x\"}},\"metadata\":{\"a\":[1],\"driver\":\"vx10\"}}")))
        .isEqualTo("vx10");
    assertThat(Ledger.driver(bytes("{\"data\":{\"metadata\":{\"driver\":\"x\"}}}"))).isNull();
    assertThat(Ledger.driver(bytes("[1]"))).isNull();
    assertThat(Ledger.driver(null)).isNull();
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static String request(String id, String tenant) {
    return "{\"request_id\":\""
        + id
        + "\",\"tenant\":\""
        + tenant
        + "\",\"extract\":{\"url\":\"https://"
        + tenant
        + ".example/"
        + id
        + "\"}}";
  }

  /** The task is checked, found done, and its result fetched. */
  private static void succeed(LifecycleRig rig, String taskId) {
    rig.advance(Duration.ofSeconds(11));
    rig.nimble.only(Op.STATUS).task(taskId, TaskState.SUCCEEDED);
    rig.turn();
    rig.nimble.only(Op.RESULTS).results(RESULT_ON_VX8);
    rig.turn();
  }

  /** Commits as the consume loop does: the usage that changed goes into the unit first. */
  private static void commit(LifecycleRig rig) {
    rig.lifecycle.beforeCommit(false);
    rig.commit();
  }

  /** The latest committed totals of a tenant's days in a partition. */
  private static List<Usage> committedUsage(LifecycleRig rig, int partition) {
    Map<String, Usage> latest = new LinkedHashMap<>();
    for (ProducerRecord<byte[], byte[]> record : rig.output.committed(USAGE)) {
      assertThat(record.partition()).isNotNull();
      if (record.partition() == partition) {
        latest.put(new String(record.key(), StandardCharsets.UTF_8), CODEC.decode(record.value()));
      }
    }
    return new ArrayList<>(latest.values());
  }

  private static Usage latest(LifecycleRig rig, int partition, String tenant) {
    List<Usage> found =
        committedUsage(rig, partition).stream().filter(u -> u.tenant().equals(tenant)).toList();
    assertThat(found).as("usage of " + tenant).isNotEmpty();
    return found.get(found.size() - 1);
  }

  private static StoredTask lastState(LifecycleRig rig) {
    List<ProducerRecord<byte[], byte[]>> state = rig.output.committed(STATE);
    return new StateCodec(JSON).decode(state.get(state.size() - 1).value());
  }

  private static double tenantTasks(LifecycleRig rig, String tenant, String outcome) {
    Counter counter =
        rig.registry
            .find("nimble_worker_tenant_tasks")
            .tag("tenant", tenant)
            .tag("outcome", outcome)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static double counter(LifecycleRig rig, String name, String tenant) {
    Counter counter = rig.registry.find(name).tag("tenant", tenant).counter();
    return counter == null ? 0 : counter.count();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
