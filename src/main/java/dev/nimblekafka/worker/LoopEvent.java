package dev.nimblekafka.worker;

import dev.nimblekafka.callback.CallbackHint;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.usage.Usage;
import java.util.List;

/**
 * Something that happened off the consume loop's thread and that only the loop may act on. Every
 * event goes to one {@link Handler}; restores carry the ownership epoch of their partition, so one
 * from an earlier ownership is recognised and ignored, and Nimble's answers are fenced the same
 * way, once, by {@link Calls}.
 */
sealed interface LoopEvent {

  /** Hands the event to the handler's method for its kind. */
  void dispatchTo(Handler handler);

  /** One method per kind of event: adding a kind means adding a method the compiler asks for. */
  interface Handler {
    void restored(Restored event);

    void restoreFailed(RestoreFailed event);

    void usageRead(UsageRead event);

    void loaded(Loaded event);

    void hint(Hint event);

    void answered(Answered event);
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

  /**
   * The ledger's latest totals of a partition (per tenant and day, yesterday and today) read back
   * from the usage topic; it comes just before the partition's {@link Restored}.
   */
  record UsageRead(int partition, long epoch, List<Usage> totals) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.usageRead(this);
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

  /**
   * A callback's hint; it names a partition and a task, not an ownership.
   *
   * @param receivedNanos when the pod received it ({@link System#nanoTime()})
   */
  record Hint(CallbackHint hint, long receivedNanos) implements LoopEvent {
    /** A hint received now. */
    Hint(CallbackHint hint) {
      this(hint, System.nanoTime());
    }

    @Override
    public void dispatchTo(Handler handler) {
      handler.hint(this);
    }
  }

  /**
   * A Nimble call answered ({@code error} null) or failed: {@link Calls} counts it off its lane,
   * fences it by epoch and hands it to the step that made it.
   */
  record Answered(Calls.Sent<?> sent, Object value, NimbleException error) implements LoopEvent {
    @Override
    public void dispatchTo(Handler handler) {
      handler.answered(this);
    }
  }
}
