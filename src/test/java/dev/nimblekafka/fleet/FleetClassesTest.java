package dev.nimblekafka.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

/**
 * The fleet's split of the key by what the pods hold by tenant and priority: the split one pod's
 * scheduler would make, across pods.
 */
class FleetClassesTest {
  private static final int TASKS = 200;
  private static final double CALLS = 83;

  @Test
  void aPodHoldingAFloodingTenantsLowRequestsDoesNotTakeTheKeyFromAPodWithHighOnes() {
    List<Map<String, Long>> pods = List.of(Map.of("l:flood", 100_000L), Map.of("h:acme", 300L));

    FleetShare.Share flood = FleetShare.ofClasses(pods, 0, TASKS, CALLS, t -> 1);
    FleetShare.Share urgent = FleetShare.ofClasses(pods, 1, TASKS, CALLS, t -> 1);

    assertThat(urgent.tasks()).isEqualTo(TASKS);
    assertThat(flood.tasks()).as("one task, so it is never stopped").isEqualTo(1);
    assertThat(urgent.callsPerSecond()).isGreaterThan(0.94 * CALLS);
  }

  @Test
  void podsHoldingDifferentTenantsSplitTheKeyByTheirWeights() {
    List<Map<String, Long>> pods = List.of(Map.of("n:a", 10_000L), Map.of("n:b", 10_000L));

    FleetShare.Share a = FleetShare.ofClasses(pods, 0, TASKS, CALLS, t -> t.equals("a") ? 3 : 1);
    FleetShare.Share b = FleetShare.ofClasses(pods, 1, TASKS, CALLS, t -> t.equals("a") ? 3 : 1);

    assertThat(a.tasks()).isEqualTo(150);
    assertThat(b.tasks()).isEqualTo(50);
  }

  @Test
  void aTenantOnSeveralPodsIsSplitBetweenThemByWhatEachHolds() {
    List<Map<String, Long>> pods =
        List.of(Map.of("n:a", 10_000L), Map.of("n:a", 10_000L, "n:b", 30L), Map.of());

    assertThat(FleetShare.ofClasses(pods, 1, TASKS, CALLS, t -> 1).tasks())
        .as("b's 30, and half of what is left for a")
        .isEqualTo(30 + 85);
    assertThat(FleetShare.ofClasses(pods, 2, TASKS, CALLS, t -> 1).tasks()).isEqualTo(1);
  }

  @Test
  void withOneClassTheSplitIsTheSplitByRequestsHeld() {
    Random random = new Random(7);
    for (int run = 0; run < 200; run++) {
      int pods = 1 + random.nextInt(30);
      long[] held = new long[pods];
      List<Map<String, Long>> classes = new ArrayList<>();
      for (int i = 0; i < pods; i++) {
        held[i] = random.nextInt(4) == 0 ? 0 : random.nextInt(500);
        classes.add(held[i] == 0 ? Map.of() : Map.of("n:*", held[i]));
      }
      for (int self = 0; self < pods; self++) {
        FleetShare.Share before = FleetShare.of(held, self, TASKS, CALLS);
        FleetShare.Share now = FleetShare.ofClasses(classes, self, TASKS, CALLS, t -> 1);
        assertThat(now.tasks()).isEqualTo(before.tasks());
        assertThat(now.callsPerSecond()).isCloseTo(before.callsPerSecond(), within(1e-6));
      }
    }
  }

  @Test
  void theFleetNeverAsksForMoreCallsThanTheKeyWhateverItHolds() {
    Random random = new Random(11);
    String[] names = {"h:a", "h:b", "n:a", "n:c", "n:*", "l:a", "l:*"};
    for (int run = 0; run < 300; run++) {
      int pods = 1 + random.nextInt(50);
      List<Map<String, Long>> classes = new ArrayList<>();
      for (int i = 0; i < pods; i++) {
        Map<String, Long> pod = new java.util.HashMap<>();
        for (String name : names) {
          if (random.nextInt(3) == 0) {
            pod.put(name, (long) random.nextInt(5_000));
          }
        }
        classes.add(pod);
      }
      double calls = 0;
      for (int self = 0; self < pods; self++) {
        calls +=
            FleetShare.ofClasses(classes, self, TASKS, CALLS, t -> 1 + t.length()).callsPerSecond();
      }
      assertThat(calls).isLessThanOrEqualTo(CALLS + 1e-6);
    }
  }

  @Test
  void anOlderPodsCommitCountsAsNormalRequestsOfOneTenant() {
    assertThat(HeldCount.demand(new OffsetAndMetadata(1, "nkw1;t=5;held=7;clean=0")))
        .containsExactly(Map.entry("n:*", 7L));
    assertThat(HeldCount.demand(new OffsetAndMetadata(1, "nkw1;t=5;held=7;q=h:a:7")))
        .containsExactly(Map.entry("h:a", 7L));
  }
}
