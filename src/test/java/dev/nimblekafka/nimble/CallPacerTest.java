package dev.nimblekafka.nimble;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Calls spaced evenly at a rate that can change, with a small burst, and Nimble's pauses. */
@Timeout(10)
class CallPacerTest {
  private long now = TimeUnit.SECONDS.toNanos(1_000);
  private double rate = 10;
  private final CallPacer pacer =
      new CallPacer(() -> rate, () -> now, TimeUnit.SECONDS.toNanos(30));

  @Test
  void callsAreSpacedEvenlyAfterASmallBurst() {
    int atOnce = 0;
    while (pacer.reserve() == 0) {
      atOnce++;
    }
    assertThat(atOnce).as("a second's worth at once").isBetween(9, 10);
    long next = pacer.reserve();
    assertThat(next - pacer.reserve())
        .as("then one every 100 ms")
        .isEqualTo(-TimeUnit.MILLISECONDS.toNanos(100));
  }

  @Test
  void aNewRateAppliesToTheNextCall() {
    while (pacer.reserve() == 0) {
      // the burst
    }
    rate = 1;
    long first = pacer.reserve();
    long second = pacer.reserve();
    assertThat(second - first).isEqualTo(TimeUnit.SECONDS.toNanos(1));
  }

  @Test
  void aPauseHoldsEveryCallAndACallBeyondTheLongestWaitIsRefused() {
    pacer.pauseFor(TimeUnit.SECONDS.toNanos(2));
    assertThat(pacer.reserve()).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(2));
    pacer.pauseFor(TimeUnit.SECONDS.toNanos(60));
    assertThat(pacer.reserve()).isEqualTo(-1);
  }

  @Test
  void overAnySecondTheCallsStayWithinTheRate() {
    rate = 27.7;
    int inFirstSecond = 0;
    long start = now;
    for (int i = 0; i < 200; i++) {
      long wait = pacer.reserve();
      if (wait < TimeUnit.SECONDS.toNanos(1)) {
        inFirstSecond++;
      }
    }
    assertThat(start).isEqualTo(now);
    assertThat(inFirstSecond).as("a burst of one second, then the rate").isLessThanOrEqualTo(56);
  }
}
