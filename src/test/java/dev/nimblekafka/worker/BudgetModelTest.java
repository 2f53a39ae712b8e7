package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fleet's split of a daily budget, modelled: pods with skewed shares of the key, each reading
 * the others' creates late (as the usage topic shows them once committed and read), creating at
 * most one batch a step within {@link TenantBudgets#grant} less what it created since its read. The
 * fleet overshoots the budget by at most one batch.
 */
@Timeout(30)
class BudgetModelTest {

  /** One pod of the model. */
  private static final class Pod {
    final double share;
    final List<Long> history = new ArrayList<>(); // creates made by the end of each step
    long created;
    long granted;
    long base;

    Pod(double share) {
      this.share = share;
    }
  }

  /**
   * Runs the model to the end of the day and returns the fleet's creates.
   *
   * @param lag steps before a pod's creates are seen by the others (commit, then a read)
   * @param every steps between two reads of a pod
   */
  private static long run(
      long budget, double[] shares, int batch, int lag, int every, Random random) {
    List<Pod> pods = new ArrayList<>();
    for (double share : shares) {
      pods.add(new Pod(share));
    }
    int steps = 2_000;
    for (int step = 0; step < steps; step++) {
      for (int i = 0; i < pods.size(); i++) {
        Pod pod = pods.get(i);
        if ((step + i) % every == 0) {
          // one read of the usage topic: every partition as committed some steps ago
          int seen = step - 1 - lag - random.nextInt(lag + 1);
          long total = 0;
          for (Pod any : pods) {
            total += seen < 0 ? 0 : any.history.get(seen);
          }
          long mine = seen < 0 ? 0 : pod.history.get(seen);
          pod.granted = TenantBudgets.grant(budget, total - mine, mine, pod.share);
          pod.base = mine;
        }
        long allowed = pod.granted - (pod.created - pod.base);
        pod.created += Math.max(0, Math.min(allowed, 1 + random.nextInt(batch)));
      }
      for (Pod pod : pods) {
        pod.history.add(pod.created);
      }
    }
    return pods.stream().mapToLong(p -> p.created).sum();
  }

  @Test
  void podsWithSkewedSharesAndStaleReadsOvershootByOneBatchAndTheirRoundingAtMost() {
    Random random = new Random(18);
    double[][] fleets = {
      {1.0},
      {0.5, 0.5},
      {0.7, 0.2, 0.1},
      {0.9, 0.05, 0.05},
      {0.25, 0.25, 0.25, 0.25},
      {0.4, 0.3, 0.1, 0.1, 0.05, 0.05}
    };
    for (double[] shares : fleets) {
      for (long budget : new long[] {1, 7, 100, 500, 10_000}) {
        for (int batch : new int[] {1, 10, 100}) {
          for (int lag = 0; lag <= 2; lag++) {
            long total = run(budget, shares, batch, lag, 2, random);
            assertThat(total)
                .as("%d pods, budget %d, batch %d, lag %d", shares.length, budget, batch, lag)
                .isLessThanOrEqualTo(budget + batch + shares.length - 1);
          }
        }
      }
    }
  }

  @Test
  void theFleetSpendsTheWholeBudget() {
    Random random = new Random(5);
    long total = run(10_000, new double[] {0.6, 0.3, 0.1}, 100, 2, 2, random);
    assertThat(total).isGreaterThanOrEqualTo(10_000);
  }
}
