package dev.nimblekafka.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The probes a Deployment would run on a worker pod (deploy/k8s/base/deployment.yaml). */
class LivenessWatchTest {
  private static long seconds(long s) {
    return Duration.ofSeconds(s).toNanos();
  }

  @Test
  void aWorkerStillStartingIsNotALivenessFailure() {
    LivenessWatch watch = new LivenessWatch();
    for (long s = 0; s <= 90; s++) {
      assertThat(watch.probe(1, false, seconds(s))).as("%d s after its start", s).isNull();
    }
    assertThat(watch.probe(1, true, seconds(91))).isNull();
  }

  @Test
  void aWorkerThatNeverStartsFailsItsStartupProbe() {
    LivenessWatch watch = new LivenessWatch();
    String failure = null;
    for (long s = 0; s <= 121 && failure == null; s++) {
      failure = watch.probe(1, false, seconds(s));
    }
    assertThat(failure).contains("startup probe");
  }

  @Test
  void aStartedWorkerThatStopsAnsweringFailsItsLivenessAfter30Seconds() {
    LivenessWatch watch = new LivenessWatch();
    assertThat(watch.probe(1, true, seconds(5))).isNull();
    assertThat(watch.probe(1, false, seconds(10))).isNull();
    assertThat(watch.probe(1, false, seconds(39))).isNull();
    assertThat(watch.probe(1, false, seconds(40))).contains("liveness");
    assertThat(watch.probe(1, false, seconds(50))).as("once per episode").isNull();
  }

  @Test
  void aRestartStartsTheStartupProbeAgain() {
    LivenessWatch watch = new LivenessWatch();
    assertThat(watch.probe(1, true, seconds(5))).isNull();
    for (long s = 10; s <= 100; s++) {
      assertThat(watch.probe(2, false, seconds(s))).as("%d s", s).isNull();
    }
  }
}
