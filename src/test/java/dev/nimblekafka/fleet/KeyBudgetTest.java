package dev.nimblekafka.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nimblekafka.testkit.ManualClock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How Nimble's answers slow a pod down, and how it recovers by itself. */
@Timeout(10)
class KeyBudgetTest {
  private final ManualClock clock = new ManualClock();
  private final KeyBudget budget =
      new KeyBudget(new FleetShare.Share(80, 100, 1), 60, clock::millis);

  @Test
  void aStormOf429sCutsTheRateOnceASecondMultiplicativelyAndItComesBack() {
    for (int i = 0; i < 20; i++) {
      budget.rateLimited(Optional.empty()); // one storm, many refused calls at once
    }
    assertThat(budget.callsPerSecond()).isCloseTo(80 * KeyBudget.CUT, within(1e-9));
    clock.advance(Duration.ofMillis(1_100));
    budget.rateLimited(Optional.empty());
    assertThat(budget.slowdown()).isLessThan(KeyBudget.CUT);
    assertThat(budget.cuts()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(30));
    assertThat(budget.slowdown()).as("recovers by itself").isEqualTo(1.0);
    assertThat(budget.callsPerSecond()).isEqualTo(80);
  }

  @Test
  void retryAfterHoldsEveryCallUntilThenAndCutsOnceForTheWholeWait() {
    budget.rateLimited(Optional.of(Duration.ofSeconds(5)));
    assertThat(budget.pausedUntil()).isEqualTo(clock.millis() + 5_000);
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMillis(1_100));
      budget.rateLimited(Optional.of(Duration.ofSeconds(5))); // calls sent before the pause
    }
    assertThat(budget.cuts()).isEqualTo(1);
    assertThat(budget.slowdown()).isGreaterThanOrEqualTo(KeyBudget.CUT);
  }

  @Test
  void aLongStormNeverTakesTheRateBelowItsFloor() {
    for (int i = 0; i < 30; i++) {
      budget.rateLimited(Optional.empty());
      clock.advance(Duration.ofMillis(1_001));
    }
    assertThat(budget.slowdown()).isGreaterThanOrEqualTo(KeyBudget.FLOOR);
  }

  @Test
  void twelvePodsAimingAtTheWholeKeyInA429StormSumToAtMostTheKey() {
    // pods whose figures disagree (or another client on the key) each ask for all of it
    KeyBudget[] pods = new KeyBudget[12];
    for (int i = 0; i < pods.length; i++) {
      pods[i] = new KeyBudget(new FleetShare.Share(83, 150, pods.length), 60, clock::millis);
    }
    for (int second = 0; second < 60; second++) {
      clock.advance(Duration.ofMillis(1_001));
      for (KeyBudget pod : pods) {
        pod.rateLimited(Optional.empty()); // the storm goes on: every second refuses calls
      }
    }
    double calls = 0;
    for (KeyBudget pod : pods) {
      calls += pod.callsPerSecond();
    }
    assertThat(calls).as("twelve pods' calls per second").isLessThanOrEqualTo(83 + 1e-9);
  }

  @Test
  void aWindowWithAlmostNoCallsLeftSlowsDownGentlyAndAFullOneNot() {
    budget.remaining(60, 83);
    assertThat(budget.slowdown()).isEqualTo(1.0);
    budget.remaining(2, 83);
    assertThat(budget.slowdown()).isCloseTo(KeyBudget.SOFT_CUT, within(1e-9));
  }

  @Test
  void tasksAreTheShareButNeverMoreThanThePodMayHold() {
    assertThat(budget.tasks()).isEqualTo(60);
    budget.share(new FleetShare.Share(20, 25, 4));
    assertThat(budget.tasks()).isEqualTo(25);
    assertThat(budget.callsPerSecond()).isEqualTo(20);
  }
}
