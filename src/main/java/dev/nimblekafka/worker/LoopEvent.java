package dev.nimblekafka.worker;

import dev.nimblekafka.callback.CallbackHint;
import dev.nimblekafka.nimble.BatchSubmission;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskResults;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.StoredTask;
import java.util.List;

/**
 * Something that happened off the consume loop's thread and that only the loop may act on. Each
 * carries the epoch of the partition it belongs to; an event from an earlier ownership is ignored.
 */
sealed interface LoopEvent {
  long epoch();

  record Submitted(PendingTask task, long epoch, TaskInfo info) implements LoopEvent {}

  record SubmitFailed(PendingTask task, long epoch, NimbleException error) implements LoopEvent {}

  /** A batch call answered: one task per input, in order. */
  record BatchSubmitted(List<PendingTask> tasks, List<Long> epochs, BatchSubmission batch)
      implements LoopEvent {
    @Override
    public long epoch() {
      return -1;
    }
  }

  /** A batch call failed as a whole. */
  record BatchFailed(List<PendingTask> tasks, List<Long> epochs, NimbleException error)
      implements LoopEvent {
    @Override
    public long epoch() {
      return -1;
    }
  }

  record Checked(PendingTask task, long epoch, TaskInfo info) implements LoopEvent {}

  record CheckFailed(PendingTask task, long epoch, NimbleException error) implements LoopEvent {}

  record Fetched(PendingTask task, long epoch, TaskResults results) implements LoopEvent {}

  record FetchFailed(PendingTask task, long epoch, NimbleException error) implements LoopEvent {}

  record Restored(int partition, long epoch, List<StoredTask> tasks, int unreadable)
      implements LoopEvent {}

  /** A callback's hint; always current (it names no ownership). */
  record Hint(CallbackHint hint) implements LoopEvent {
    @Override
    public long epoch() {
      return -1;
    }
  }

  record RestoreFailed(int partition, long epoch, Exception error) implements LoopEvent {}
}
