package dev.nimblekafka.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fleet's split as a model: every pod computes {@link FleetShare#of} from the same demands, for
 * 1 to 200 pods and demands from even to wholly skewed; what the pods take together is checked
 * against the key.
 */
class FleetModelTest {
  private static final double KEY_CALLS = 83;
  private static final int[] PLANS = {10, 100, 150, 1000};

  /** The demand shapes, each for {@code pods} pods; seeded, so every run checks the same cases. */
  private static List<long[]> shapes(int pods, Random random) {
    List<long[]> shapes = new ArrayList<>();
    long[] oneBusy = new long[pods];
    oneBusy[random.nextInt(pods)] = 5_000;
    shapes.add(oneBusy);
    long[] idle = new long[pods];
    shapes.add(idle);
    long[] even = new long[pods];
    Arrays.fill(even, 400);
    shapes.add(even);
    long[] zipf = new long[pods];
    for (int i = 0; i < pods; i++) {
      zipf[i] = 2_000 / (i + 1); // the first pod holds most, a long tail holds a little each
    }
    shapes.add(zipf);
    for (int k = 0; k < 5; k++) {
      long[] sparse = new long[pods];
      for (int i = 0; i < pods; i++) {
        // most pods idle, a few busy by very different amounts
        sparse[i] = random.nextInt(10) == 0 ? (long) Math.pow(10, 1 + random.nextInt(4)) : 0;
      }
      shapes.add(sparse);
    }
    return shapes;
  }

  private static FleetShare.Share[] split(long[] demands, int tasks) {
    FleetShare.Share[] shares = new FleetShare.Share[demands.length];
    for (int i = 0; i < demands.length; i++) {
      shares[i] = FleetShare.of(demands, i, tasks, KEY_CALLS);
    }
    return shares;
  }

  @Test
  void theFleetNeverAsksForMoreCallsThanTheKeyFromOneTo200Pods() {
    Random random = new Random(19);
    for (int pods = 1; pods <= 200; pods++) {
      for (int plan : PLANS) {
        for (long[] demands : shapes(pods, random)) {
          FleetShare.Share[] shares = split(demands, plan);
          double calls = Arrays.stream(shares).mapToDouble(FleetShare.Share::callsPerSecond).sum();
          assertThat(calls)
              .as("%d pods, plan %d, demands %s", pods, plan, Arrays.toString(demands))
              .isLessThanOrEqualTo(KEY_CALLS * (1 + 1e-9));
          int busyTasks = 0;
          int busyPods = 0;
          for (int i = 0; i < pods; i++) {
            assertThat(shares[i].callsPerSecond()).as("every pod can call").isPositive();
            assertThat(shares[i].tasks()).as("every pod can start a task").isPositive();
            busyTasks += demands[i] > 0 ? shares[i].tasks() : 0;
            busyPods += demands[i] > 0 ? 1 : 0;
          }
          // every pod with work keeps one task, even when more pods than the plan's tasks have work
          assertThat(busyTasks)
              .as("tasks of the pods with work, %d pods, plan %d", pods, plan)
              .isLessThanOrEqualTo(Math.max(plan, busyPods));
        }
      }
    }
  }

  @Test
  void oneBusyPodAmongAHundredGetsAtLeast95PercentOfTheKey() {
    for (int pods = 1; pods <= 200; pods++) {
      for (int plan : PLANS) {
        long[] demands = new long[pods];
        int busy = pods / 2;
        demands[busy] = 10L * plan;
        FleetShare.Share share = FleetShare.of(demands, busy, plan, KEY_CALLS);
        assertThat(share.callsPerSecond())
            .as("the busy pod's calls, %d pods, plan %d", pods, plan)
            .isGreaterThanOrEqualTo(0.95 * KEY_CALLS);
        assertThat(share.tasks())
            .as("the busy pod's tasks, %d pods, plan %d", pods, plan)
            .isGreaterThanOrEqualTo((int) Math.floor(0.95 * plan));
      }
    }
  }

  @Test
  void idlePodsKeepAtMostFivePercentOfTheKeyWhateverTheirNumber() {
    Random random = new Random(4);
    for (int pods = 2; pods <= 200; pods++) {
      for (int plan : PLANS) {
        for (long[] demands : shapes(pods, random)) {
          FleetShare.Share[] shares = split(demands, plan);
          boolean wanting = false;
          double idleCalls = 0;
          for (int i = 0; i < pods; i++) {
            wanting |= demands[i] > shares[i].tasks();
            idleCalls += demands[i] == 0 ? shares[i].callsPerSecond() : 0;
          }
          if (wanting) { // while some pod wants more, the idle ones hold only the reserve
            assertThat(idleCalls)
                .as("idle pods' calls, %d pods, plan %d", pods, plan)
                .isLessThanOrEqualTo(FleetShare.RESERVE * KEY_CALLS * (1 + 1e-9));
          }
        }
      }
    }
  }
}
