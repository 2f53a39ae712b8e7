package dev.nimblekafka.worker;

import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.trace.RequestTracing;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one path of every Nimble call the lifecycle makes, out and back. Going out, a call is made
 * for some held tasks, each under its partition's ownership epoch of that moment, and carries a
 * fence the HTTP client asks right before each attempt: a call made only for partitions given away
 * meanwhile is never sent. Coming back (on the loop's thread), the call is counted off its lane and
 * its answer fenced once: the step that made it hears the answer with the tasks still held under
 * the same epoch, and separately, if it cares, of the tasks that moved away.
 *
 * <p>A create must not reach Nimble for a request another pod may be creating: a create call goes
 * out only while all of its tasks are owned. A read is worth its call while any of them is.
 */
final class Calls {

  /** Calls counted apart, each with its own limit and its own drain. */
  enum Lane {
    /** Create calls, single or batch. */
    CREATE,
    /** Status checks, bulk reads and result downloads. */
    READ,
    /** Pages of the account's tasks read to find the tasks of lost create answers. */
    SCAN
  }

  /** The step that made a call, hearing its answer on the loop's thread. */
  interface Answer<T> {
    /** The call answered; {@code live} are its tasks still held under the call's epoch. */
    void answered(List<PendingTask> live, T value);

    /** The call failed; {@code live} as for {@link #answered}. */
    void failed(List<PendingTask> live, NimbleException error);

    /** The call answered for tasks whose partition moved meanwhile (the next owner's business). */
    default void moved(List<PendingTask> moved, T value) {}

    /** The answer of a call made for one task, heard only while that task is still held. */
    static <T> Answer<T> ofOne(Consumer<T> answered, Consumer<NimbleException> failed) {
      return new Answer<>() {
        @Override
        public void answered(List<PendingTask> live, T value) {
          if (!live.isEmpty()) {
            answered.accept(value);
          }
        }

        @Override
        public void failed(List<PendingTask> live, NimbleException error) {
          if (!live.isEmpty()) {
            failed.accept(error);
          }
        }
      };
    }
  }

  /** One call out: its lane, the tasks it was made for under their epochs, who hears back. */
  static final class Sent<T> {
    private final Lane lane;
    private final List<PendingTask> tasks;
    private final long[] epochs;
    private final Answer<T> answer;

    private Sent(Lane lane, List<PendingTask> tasks, long[] epochs, Answer<T> answer) {
      this.lane = lane;
      this.tasks = tasks;
      this.epochs = epochs;
      this.answer = answer;
    }
  }

  private final TaskBook book;
  private final Ownership ownership;
  private final WorkerMetrics metrics;
  private final Queue<LoopEvent> events;
  private final RequestTracing tracing;
  private final Ledger ledger;
  private final Map<Lane, Integer> calls = new EnumMap<>(Lane.class);
  private final Map<Lane, Integer> tasks = new EnumMap<>(Lane.class);

  Calls(
      TaskBook book,
      Ownership ownership,
      WorkerMetrics metrics,
      Queue<LoopEvent> events,
      RequestTracing tracing,
      Ledger ledger) {
    this.tracing = tracing;
    this.book = book;
    this.ledger = ledger;
    this.ownership = ownership;
    this.metrics = metrics;
    this.events = events;
    for (Lane lane : Lane.values()) {
      calls.put(lane, 0);
      tasks.put(lane, 0);
    }
  }

  /**
   * Makes a call for {@code forTasks} (held now), timed under {@code operation}.
   *
   * @param call the call, given the fence it must ask right before each attempt
   */
  <T> void send(
      Lane lane,
      String operation,
      List<PendingTask> forTasks,
      Function<BooleanSupplier, CompletableFuture<T>> call,
      Answer<T> answer) {
    List<PendingTask> held = List.copyOf(forTasks);
    long[] epochs = new long[held.size()];
    for (int i = 0; i < epochs.length; i++) {
      PendingTask task = held.get(i);
      epochs[i] = book.owns(task.partition()) ? book.epoch(task) : -1;
    }
    Sent<T> sent = new Sent<>(lane, held, epochs, answer);
    calls.merge(lane, 1, Integer::sum);
    tasks.merge(lane, held.size(), Integer::sum);
    long started = System.nanoTime();
    Span span =
        tracing.call(operation, held.isEmpty() ? null : tracing.of(held.get(0)), held.size());
    call.apply(fence(sent))
        .whenComplete(
            (value, failure) -> {
              RequestTracing.answered(span, failure);
              metrics.call(
                  operation, WorkerMetrics.outcomeOf(failure), System.nanoTime() - started);
              events.add(
                  new LoopEvent.Answered(
                      sent, value, failure == null ? null : NimbleException.of(failure)));
            });
  }

  /**
   * A call's answer, back on the loop: counted off its lane, fenced by epoch, handed on. Runs on
   * the loop's thread only.
   */
  void settle(LoopEvent.Answered event) {
    settle(event.sent(), event.value(), event.error());
  }

  @SuppressWarnings("unchecked")
  private <T> void settle(Sent<T> sent, Object value, NimbleException error) {
    calls.merge(sent.lane, -1, Integer::sum);
    tasks.merge(sent.lane, -sent.tasks.size(), Integer::sum);
    List<PendingTask> live = new ArrayList<>(sent.tasks.size());
    List<PendingTask> moved = new ArrayList<>(0);
    for (int i = 0; i < sent.tasks.size(); i++) {
      PendingTask task = sent.tasks.get(i);
      (book.current(task, sent.epochs[i]) ? live : moved).add(task);
    }
    if (!(error instanceof NimbleException.Unavailable unavailable && unavailable.fenced())) {
      ledger.called(live); // a fenced call never went out
    }
    if (error != null) {
      sent.answer.failed(live, error);
      return;
    }
    sent.answer.answered(live, (T) value);
    if (!moved.isEmpty()) {
      sent.answer.moved(moved, (T) value);
    }
  }

  /** Calls of the lane out now. */
  int calls(Lane lane) {
    return calls.get(lane);
  }

  /** Tasks the lane's calls out now were made for. */
  int tasks(Lane lane) {
    return tasks.get(lane);
  }

  /**
   * Whether the call may still go out (asked on the HTTP client's threads): a create only while
   * every one of its tasks is owned under its epoch, a read while any is; a call made for no task
   * always.
   */
  private BooleanSupplier fence(Sent<?> sent) {
    if (sent.tasks.isEmpty()) {
      return () -> true;
    }
    boolean all = sent.lane == Lane.CREATE;
    return () -> {
      for (int i = 0; i < sent.tasks.size(); i++) {
        boolean owned = ownership.live(sent.tasks.get(i).partition(), sent.epochs[i]);
        if (owned != all) {
          return owned; // a create with one task given away, or a read with one still owned
        }
      }
      return all;
    };
  }
}
