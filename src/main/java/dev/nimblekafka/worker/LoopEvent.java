package dev.nimblekafka.worker;

import dev.nimblekafka.callback.CallbackHint;
import dev.nimblekafka.nimble.BatchSubmission;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskPage;
import dev.nimblekafka.nimble.TaskResults;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.StoredTask;
import java.util.List;

/**
 * Something that happened off the consume loop's thread and that only the loop may act on. Every
 * event goes to one {@link Handler}; answers carry the ownership epoch of their partition, so an
 * answer from an earlier ownership is recognised and ignored.
 */
sealed interface LoopEvent {

  /** Hands the event to the handler's method for its kind. */
  void dispatchTo(Handler handler);

  /** One method per kind of event: adding a kind means adding a method the compiler asks for. */
  interface Handler {
    void submitted(Submitted event);

    void submitFailed(SubmitFailed event);

    void batchSubmitted(BatchSubmitted event);

    void batchFailed(BatchFailed event);

    void checked(Checked event);

    void checkFailed(CheckFailed event);

    void fetched(Fetched event);

    void fetchFailed(FetchFailed event);

    void restored(Restored event);

    void restoreFailed(RestoreFailed event);

    void loaded(Loaded event);

    void hint(Hint event);

    void scanned(Scanned event);

    void scanFailed(ScanFailed event);

    void bulkRead(BulkRead event);

    void bulkReadFailed(BulkReadFailed event);
  }

  record Submitted(PendingTask task, long epoch, TaskInfo info) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.submitted(this);
    }
  }

  record SubmitFailed(PendingTask task, long epoch, NimbleException error) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.submitFailed(this);
    }
  }

  /** A batch call answered: one task per input, in order. */
  record BatchSubmitted(List<PendingTask> tasks, List<Long> epochs, BatchSubmission batch)
      implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.batchSubmitted(this);
    }
  }

  /** A batch call failed as a whole. */
  record BatchFailed(List<PendingTask> tasks, List<Long> epochs, NimbleException error)
      implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.batchFailed(this);
    }
  }

  record Checked(PendingTask task, long epoch, TaskInfo info) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.checked(this);
    }
  }

  record CheckFailed(PendingTask task, long epoch, NimbleException error) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.checkFailed(this);
    }
  }

  record Fetched(PendingTask task, long epoch, TaskResults results) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.fetched(this);
    }
  }

  record FetchFailed(PendingTask task, long epoch, NimbleException error) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.fetchFailed(this);
    }
  }

  /**
   * A partition's state, read back from the state topic: pending requests read at once ({@code
   * tasks}), the live records left to read when there is room for them ({@code later}, by offset),
   * records that are no state records ({@code unreadable}, skipped), and a record of a version this
   * worker cannot read ({@code unknown}: what it is, or null), which holds the partition back.
   */
  record Restored(
      int partition,
      long epoch,
      List<StoredTask> tasks,
      int unreadable,
      List<StateRef> later,
      String unknown)
      implements LoopEvent {

    /** Every pending request read at once. */
    Restored(int partition, long epoch, List<StoredTask> tasks, int unreadable) {
      this(partition, epoch, tasks, unreadable, List.of(), null);
    }

    @Override
    public void dispatchTo(Handler handler) {
      handler.restored(this);
    }
  }

  /** Pending requests of a partition read from the records a {@link Restored} left for later. */
  record Loaded(int partition, long epoch, List<StoredTask> tasks) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.loaded(this);
    }
  }

  record RestoreFailed(int partition, long epoch, Exception error) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.restoreFailed(this);
    }
  }

  /** A callback's hint; it names a partition and a task, not an ownership. */
  record Hint(CallbackHint hint) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.hint(this);
    }
  }

  /** A page of Nimble's recent tasks, read to find the tasks of lost create answers. */
  record Scanned(long scan, TaskPage page) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.scanned(this);
    }
  }

  record ScanFailed(long scan, NimbleException error) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.scanFailed(this);
    }
  }

  /**
   * A read of many tasks' states answered: a batch's ({@code batchId}), or the account's latest
   * tasks (null). {@code tasks} are the ones it was made for; {@code shown} is what Nimble listed.
   */
  record BulkRead(String batchId, List<PendingTask> tasks, List<Long> epochs, List<TaskInfo> shown)
      implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.bulkRead(this);
    }
  }

  record BulkReadFailed(
      String batchId, List<PendingTask> tasks, List<Long> epochs, NimbleException error)
      implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.bulkReadFailed(this);
    }
  }
}
