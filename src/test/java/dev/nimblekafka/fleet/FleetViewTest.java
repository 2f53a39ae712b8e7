package dev.nimblekafka.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Level;
import dev.nimblekafka.testkit.LogCapture;
import dev.nimblekafka.testkit.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a pod takes of the key from what it can read of its group, and when it cannot. */
@Timeout(10)
class FleetViewTest {
  private static final String TOPIC = "nimble.requests";
  private static final int PARTITIONS = 12;
  private static final int TASKS = 150;
  private static final double CALLS = 83;
  private static final FleetView.Fleet FLEET =
      new FleetView.Fleet("group", TOPIC, PARTITIONS, TASKS, CALLS);

  private final ManualClock clock = new ManualClock();

  @Test
  void sixPodsAfterABurstOnAnIdleFleetAskForAtMostTheKey() {
    // six pods, two partitions each; every commit so far says the fleet is idle
    List<MemberDescription> members = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      members.add(member("pod-" + i, 2 * i, 2 * i + 1));
      offsets.put(tp(2 * i), committed(0));
      offsets.put(tp(2 * i + 1), committed(0));
    }
    GroupReader group = reading(new GroupReader.Snapshot(members, offsets));
    double calls = 0;
    int tasks = 0;
    for (int i = 0; i < 6; i++) {
      KeyBudget budget = wholeKey();
      // a burst just reached every pod: each holds 1,000 requests its commits do not show yet,
      // and each counts its own demand from the commits as it counts the others'
      FleetView view = new FleetView(group, FLEET, self("pod-" + i, 2), budget, clock::millis);
      view.refresh();
      calls += budget.share().callsPerSecond();
      tasks += budget.share().tasks();
    }
    assertThat(calls).as("the six pods' calls per second").isLessThanOrEqualTo(CALLS + 1e-9);
    assertThat(tasks).as("the six pods' tasks").isLessThanOrEqualTo(TASKS);
  }

  @Test
  void aPodThatHasNotJoinedStartsFromOnePartitionsShareNotTheWholeKey() {
    KeyBudget budget = wholeKey();
    FleetView view = new FleetView(unreadable(), FLEET, self(null, 0), budget, clock::millis);
    view.refresh();
    assertThat(budget.share().callsPerSecond()).isLessThanOrEqualTo(CALLS / PARTITIONS);
    assertThat(budget.share().tasks()).isLessThanOrEqualTo(TASKS / PARTITIONS);
  }

  @Test
  void aPodThatCannotDescribeTheGroupTakesAtMostItsPartitionsShare() {
    KeyBudget budget = wholeKey();
    FleetView.Fleet fleet = new FleetView.Fleet("no-describe", TOPIC, PARTITIONS, TASKS, CALLS);
    FleetView view = new FleetView(unreadable(), fleet, self("me", 3), budget, clock::millis);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    view.bindMetrics(registry);
    try (LogCapture logs = LogCapture.start(Map.of(FleetView.class.getName(), Level.INFO))) {
      for (int i = 0; i < 5; i++) {
        view.refresh();
        clock.advance(Duration.ofMillis(FleetView.REFRESH_MILLIS));
      }
      assertThat(logs.lines())
          .as("said once, with what the pod does instead")
          .filteredOn(line -> line.contains("consumer group no-describe"))
          .singleElement(InstanceOfAssertFactories.STRING)
          .contains("Could not read", "partitions' share of the key (3 of 12)");
    }
    assertThat(budget.share().callsPerSecond()).isLessThanOrEqualTo(CALLS * 3 / PARTITIONS);
    assertThat(budget.share().tasks()).isLessThanOrEqualTo(TASKS * 3 / PARTITIONS);
    assertThat(view.members()).as("no group read").isEqualTo(1);
    assertThat(registry.get("nimble_worker_key_split_by_group").gauge().value()).isZero();
  }

  @Test
  void twelvePodsThatCannotDescribeTheGroupStayWithinTheKeyThroughA429Storm() {
    List<KeyBudget> budgets = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      KeyBudget budget = wholeKey();
      new FleetView(unreadable(), FLEET, self("pod-" + i, 1), budget, clock::millis).refresh();
      budgets.add(budget);
    }
    for (int second = 0; second < 60; second++) {
      clock.advance(Duration.ofMillis(1_001));
      budgets.forEach(b -> b.rateLimited(Optional.empty())); // every second refuses calls
    }
    double calls = budgets.stream().mapToDouble(KeyBudget::callsPerSecond).sum();
    assertThat(calls).as("twelve pods' calls per second").isLessThanOrEqualTo(CALLS + 1e-9);
  }

  @Test
  void aFleetOfAnySizeReadsTheGroupAtMostTenTimesASecondInAll() {
    for (int pods = 1; pods <= 200; pods++) {
      FleetView view =
          new FleetView(groupOf(pods), FLEET, self("pod-0", 1), wholeKey(), clock::millis);
      view.refresh();
      assertThat(view.members()).isEqualTo(pods);
      double fleetReadsPerSecond = pods * 1000.0 / view.readIntervalMillis();
      assertThat(fleetReadsPerSecond).as("%d pods' reads per second", pods).isLessThanOrEqualTo(10);
      assertThat(view.readIntervalMillis())
          .as("no slower than the fleet's size asks")
          .isEqualTo(Math.max(FleetView.REFRESH_MILLIS, pods * FleetView.READ_MILLIS_PER_POD));
    }
  }

  @Test
  void aHundredPodsKeepTheirSplitThroughAMissedRead() throws Exception {
    KeyBudget budget = wholeKey();
    FlakyGroup group = new FlakyGroup(groupOf(100).read());
    FleetView view = new FleetView(group, FLEET, self("pod-0", 1), budget, clock::millis);
    view.refresh();
    double split = budget.share().callsPerSecond();

    group.readable = false;
    clock.advance(Duration.ofMillis(2 * view.readIntervalMillis()));
    view.refresh();

    assertThat(budget.share().callsPerSecond()).as("the group's split holds").isEqualTo(split);
    assertThat(view.byGroup()).isTrue();
  }

  /** {@code pods} members, pod-0 first, the partitions dealt out in turn, every commit idle. */
  private static GroupReader groupOf(int pods) {
    List<List<Integer>> owned = new ArrayList<>();
    for (int i = 0; i < pods; i++) {
      owned.add(new ArrayList<>());
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      owned.get(p % pods).add(p);
      offsets.put(tp(p), committed(0));
    }
    List<MemberDescription> members = new ArrayList<>();
    for (int i = 0; i < pods; i++) {
      members.add(member("pod-" + i, owned.get(i).stream().mapToInt(Integer::intValue).toArray()));
    }
    return reading(new GroupReader.Snapshot(members, offsets));
  }

  @Test
  void aGroupThatCanNoLongerBeReadGivesWayToThePartitionsShare() {
    KeyBudget budget = wholeKey();
    FlakyGroup group =
        new FlakyGroup(
            new GroupReader.Snapshot(
                List.of(member("me", 0, 1, 2, 3)), Map.of(tp(0), committed(9))));
    FleetView view = new FleetView(group, FLEET, self("me", 4), budget, clock::millis);
    view.refresh();
    assertThat(budget.share().callsPerSecond()).as("alone in the group").isEqualTo(CALLS);

    group.readable = false;
    clock.advance(Duration.ofMillis(FleetView.REFRESH_MILLIS));
    view.refresh();
    assertThat(budget.share().callsPerSecond())
        .as("one failed read keeps the group's split")
        .isEqualTo(CALLS);

    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofMillis(FleetView.REFRESH_MILLIS));
      view.refresh();
    }
    assertThat(budget.share().callsPerSecond()).isLessThanOrEqualTo(CALLS * 4 / PARTITIONS);
  }

  @Test
  void theShareFollowsTheGroupAcrossARebalance() {
    KeyBudget budget = wholeKey();
    int[] assigned = {2};
    FlakyGroup group = new FlakyGroup(null);
    FleetView view =
        new FleetView(
            group, FLEET, FleetView.self(() -> "me", () -> assigned[0]), budget, clock::millis);

    // three pods, two partitions each, all equally busy
    group.snapshot =
        new GroupReader.Snapshot(
            List.of(member("me", 0, 1), member("b", 2, 3), member("c", 4, 5)),
            held(Map.of(0, 40, 1, 40, 2, 40, 3, 40, 4, 40, 5, 40)));
    view.refresh();
    assertThat(view.members()).isEqualTo(3);
    assertThat(view.byGroup()).isTrue();
    assertThat(budget.share().callsPerSecond()).isCloseTo(CALLS / 3, within(0.01));
    assertThat(budget.tasks()).isEqualTo(50);

    // c left: its partitions moved to b and to this pod, with the requests their commits name
    assigned[0] = 3;
    group.snapshot =
        new GroupReader.Snapshot(
            List.of(member("me", 0, 1, 4), member("b", 2, 3, 5)),
            held(Map.of(0, 0, 1, 0, 2, 40, 3, 40, 4, 20, 5, 40)));
    view.refresh();
    assertThat(view.members()).isEqualTo(2);
    assertThat(budget.tasks())
        .as("20 held here, 120 at b: max-min fair, spare split")
        .isEqualTo(25);
    assertThat(budget.share().callsPerSecond()).isLessThan(CALLS / 2);

    // this pod took everything over: the whole key
    group.snapshot = new GroupReader.Snapshot(List.of(member("me", 0, 1, 2, 3, 4, 5)), Map.of());
    view.refresh();
    assertThat(budget.share().callsPerSecond()).isEqualTo(CALLS);
    assertThat(budget.tasks()).isEqualTo(TASKS);
  }

  @Test
  void aGroupReadWithoutThisPodLeavesItOnItsPartitionsShare() {
    KeyBudget budget = wholeKey();
    FlakyGroup group =
        new FlakyGroup(new GroupReader.Snapshot(List.of(member("b", 0), member("c", 1)), Map.of()));
    FleetView view = new FleetView(group, FLEET, self("me", 2), budget, clock::millis);
    view.refresh();
    assertThat(view.byGroup()).isFalse();
    assertThat(budget.share().callsPerSecond()).isCloseTo(CALLS * 2 / PARTITIONS, within(1e-9));
  }

  private KeyBudget wholeKey() {
    return new KeyBudget(new FleetShare.Share(CALLS, TASKS), 1_000, clock::millis);
  }

  private static FleetView.Self self(String memberId, int assigned) {
    return FleetView.self(() -> memberId, () -> assigned);
  }

  private static GroupReader reading(GroupReader.Snapshot snapshot) {
    FlakyGroup group = new FlakyGroup(snapshot);
    return group;
  }

  private static GroupReader unreadable() {
    FlakyGroup group = new FlakyGroup(null);
    group.readable = false;
    return group;
  }

  /** A group that answers with one snapshot, or refuses as a missing Describe ACL does. */
  private static final class FlakyGroup implements GroupReader {
    Snapshot snapshot;
    boolean readable = true;

    FlakyGroup(Snapshot snapshot) {
      this.snapshot = snapshot;
    }

    @Override
    public Snapshot read() {
      if (!readable) {
        throw new GroupAuthorizationException("Not authorized to access group: group");
      }
      return snapshot;
    }

    @Override
    public void close() {}
  }

  private static Map<TopicPartition, OffsetAndMetadata> held(Map<Integer, Integer> byPartition) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    byPartition.forEach((p, n) -> offsets.put(tp(p), committed(n)));
    return offsets;
  }

  private static OffsetAndMetadata committed(int held) {
    return new OffsetAndMetadata(10, "nkw1;t=5" + HeldCount.field(held) + ";clean=0");
  }

  private static TopicPartition tp(int p) {
    return new TopicPartition(TOPIC, p);
  }

  private static MemberDescription member(String id, int... partitions) {
    Set<TopicPartition> assigned = new HashSet<>();
    for (int p : partitions) {
      assigned.add(tp(p));
    }
    return new MemberDescription(id, "client-" + id, "/10.0.0.1", new MemberAssignment(assigned));
  }
}
