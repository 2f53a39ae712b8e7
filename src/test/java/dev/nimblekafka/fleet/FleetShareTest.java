package dev.nimblekafka.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the key's limits split between pods, and how the split follows the group. */
@Timeout(10)
class FleetShareTest {
  private static final String TOPIC = "nimble.requests";
  private static final FleetView.Fleet FLEET = new FleetView.Fleet("group", TOPIC, 6, 150, 83);
  private static final GroupReader NO_GROUP =
      new GroupReader() {
        @Override
        public Snapshot read() {
          throw new IllegalStateException("no group in this test");
        }

        @Override
        public void close() {}
      };

  @Test
  void onePodOrTwelveAskNimbleForTheSameTotal() {
    for (int pods : new int[] {1, 2, 3, 12}) {
      long[] demands = new long[pods];
      java.util.Arrays.fill(demands, 500);
      double calls = 0;
      int tasks = 0;
      for (int i = 0; i < pods; i++) {
        FleetShare.Share share = FleetShare.of(demands, i, 150, 83);
        calls += share.callsPerSecond();
        tasks += share.tasks();
      }
      assertThat(calls).as("%d pods' calls", pods).isCloseTo(83, within(0.001));
      assertThat(tasks).as("%d pods' tasks", pods).isBetween(150 - pods, 150);
    }
  }

  @Test
  void aPodThatHoldsAllTheWorkGetsAlmostTheWholeKey() {
    long[] demands = {1_000, 0, 0};
    FleetShare.Share busy = FleetShare.of(demands, 0, 150, 83);
    FleetShare.Share idle = FleetShare.of(demands, 1, 150, 83);
    assertThat(busy.tasks()).isEqualTo(150);
    assertThat(busy.callsPerSecond()).isGreaterThan(0.98 * 83);
    assertThat(idle.tasks()).as("room to start when work comes").isEqualTo(1);
    assertThat(idle.callsPerSecond()).isGreaterThan(0);
    assertThat(busy.callsPerSecond() + 2 * idle.callsPerSecond()).isCloseTo(83, within(0.001));
  }

  @Test
  void whatAPodDoesNotNeedGoesToTheOthers() {
    double[] split = FleetShare.fairSplit(new long[] {10, 1_000, 1_000}, 150);
    assertThat(split[0]).isEqualTo(10);
    assertThat(split[1]).isEqualTo(70);
    assertThat(split[2]).isEqualTo(70);
    double[] spare = FleetShare.fairSplit(new long[] {10, 20, 0}, 150);
    assertThat(spare[0] + spare[1] + spare[2]).isCloseTo(150, within(1e-9));
    assertThat(spare[1] - spare[0]).as("the spare is split evenly").isCloseTo(10, within(1e-9));
  }

  @Test
  void theShareFollowsTheGroupAcrossARebalance() {
    KeyBudget budget = new KeyBudget(new FleetShare.Share(83, 150, 1), 1_000, () -> 0L);
    int[] held = {80};
    FleetView view =
        new FleetView(
            NO_GROUP, FLEET, FleetView.self(() -> "me", () -> held[0], () -> 2), budget, () -> 0L);

    // three pods, two partitions each, all equally busy
    Map<TopicPartition, OffsetAndMetadata> offsets =
        Map.of(
            tp(2), committed(40), tp(3), committed(40), tp(4), committed(40), tp(5), committed(40));
    view.apply(List.of(member("me", 0, 1), member("b", 2, 3), member("c", 4, 5)), offsets, "me");
    assertThat(view.members()).isEqualTo(3);
    assertThat(budget.share().callsPerSecond()).isCloseTo(83 / 3.0, within(0.01));
    assertThat(budget.tasks()).isEqualTo(50);

    // c left: its partitions moved to b and to this pod, with the requests their commits name
    held[0] = 20; // this pod's own count is live
    view.apply(List.of(member("me", 0, 1, 4), member("b", 2, 3, 5)), offsets, "me");
    assertThat(view.members()).isEqualTo(2);
    assertThat(budget.tasks())
        .as("20 held here, 120 at b: max-min fair, spare split")
        .isEqualTo(25);
    assertThat(budget.share().callsPerSecond()).isLessThan(83 / 2.0);

    // this pod took everything over: the whole key
    view.apply(List.of(member("me", 0, 1, 2, 3, 4, 5)), offsets, "me");
    assertThat(budget.share().callsPerSecond()).isEqualTo(83);
    assertThat(budget.tasks()).isEqualTo(150);
  }

  @Test
  void aGroupReadWithoutThisPodKeepsTheLastShare() {
    KeyBudget budget = new KeyBudget(new FleetShare.Share(83, 150, 1), 1_000, () -> 0L);
    FleetView view =
        new FleetView(
            NO_GROUP, FLEET, FleetView.self(() -> "me", () -> 5, () -> 0), budget, () -> 0L);
    view.apply(List.of(member("b", 0), member("c", 1)), Map.of(), "me");
    assertThat(budget.share().callsPerSecond()).isEqualTo(83);
    assertThat(view.seen()).isFalse();
  }

  @Test
  void aCommitsHeldCountIsReadBackAndAnythingElseCountsAsNone() {
    assertThat(HeldCount.read(committed(17))).isEqualTo(17);
    assertThat(HeldCount.read(new OffsetAndMetadata(1, "nkw1;t=5;clean=1"))).isZero();
    assertThat(HeldCount.read(new OffsetAndMetadata(1, "nkw1;t=5;held=x;clean=1"))).isZero();
    assertThat(HeldCount.read(null)).isZero();
  }

  private static OffsetAndMetadata committed(int held) {
    return new OffsetAndMetadata(10, "nkw1;t=5" + HeldCount.field(held) + ";clean=0");
  }

  private static TopicPartition tp(int p) {
    return new TopicPartition(TOPIC, p);
  }

  private static MemberDescription member(String id, int... partitions) {
    Set<TopicPartition> assigned = new java.util.HashSet<>();
    for (int p : partitions) {
      assigned.add(tp(p));
    }
    return new MemberDescription(id, "client-" + id, "/10.0.0.1", new MemberAssignment(assigned));
  }
}
