package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The worker's exit code once its loop stops. A SIGTERM drains the loop and exits 0 from its own
 * thread; the main thread, seeing the loop stopped, exits too, and whichever exit comes first wins,
 * so both must say 0 (the process test {@code WorkerProcessTest} saw a drained worker exit 1 when
 * the main thread won).
 */
class WorkerExitCodeTest {
  @Test
  void aWorkerStoppedBySigtermExitsZeroWhicheverThreadExitsFirst() {
    assertThat(WorkerCommand.exitCode(true)).isEqualTo(ExitCodes.OK);
  }

  @Test
  void aLoopThatDiedByItselfExitsOne() {
    assertThat(WorkerCommand.exitCode(false)).isEqualTo(ExitCodes.FAILED);
  }
}
