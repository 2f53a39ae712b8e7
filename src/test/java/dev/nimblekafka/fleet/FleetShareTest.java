package dev.nimblekafka.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How the key's limits split between pods, and how the split follows the group. */
@Timeout(10)
class FleetShareTest {
  private static final String TOPIC = "nimble.requests";

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
  void aPodThatKnowsOnlyItsPartitionsTakesTheirPartOfTheKey() {
    FleetShare.Share three = FleetShare.ofPartitions(3, 12, 150, 83);
    assertThat(three.callsPerSecond()).isCloseTo(83 * 3 / 12.0, within(1e-9));
    assertThat(three.tasks()).isEqualTo(37);
    assertThat(three.pods()).isEqualTo(4);
    FleetShare.Share five = FleetShare.ofPartitions(5, 12, 150, 83);
    assertThat(1.0 / five.pods()).as("the floor's 1/pods").isLessThanOrEqualTo(5 / 12.0);
    FleetShare.Share none = FleetShare.ofPartitions(0, 12, 150, 83);
    assertThat(none.callsPerSecond())
        .as("one partition's worth")
        .isCloseTo(83 / 12.0, within(1e-9));
    FleetShare.Share alone = FleetShare.ofPartitions(12, 12, 150, 83);
    assertThat(alone).isEqualTo(new FleetShare.Share(83, 150, 1));
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
}
