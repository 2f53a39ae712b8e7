package dev.nimblekafka.sim;

import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks under the plan's concurrency limit: at most {@code maxRunning} tasks run at once; the
 * others wait in a first-in-first-out queue and start when a slot frees. A task's duration counts
 * from its start; when it has passed, the scheduler hands the task to {@code finisher}, and the
 * slot frees when the stage it returns completes. No thread sleeps.
 */
final class TaskRunner {
  private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

  private final int maxRunning;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final TaskStore store;
  private final Function<SimTask, CompletionStage<?>> finisher;
  private final Consumer<SimTask> onExpired;
  private final ConcurrentLinkedQueue<SimTask> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final SlotLedger ledger;

  TaskRunner(
      int maxRunning,
      ScheduledExecutorService scheduler,
      Clock clock,
      TaskStore store,
      Function<SimTask, CompletionStage<?>> finisher,
      Consumer<SimTask> onExpired) {
    this.maxRunning = maxRunning;
    this.scheduler = scheduler;
    this.clock = clock;
    this.store = store;
    this.finisher = finisher;
    this.onExpired = onExpired;
    this.ledger = new SlotLedger(maxRunning);
  }

  /** Queues a new task and starts it if a slot is free. */
  void submit(SimTask task) {
    queued.incrementAndGet();
    ledger.queued(clock.millis());
    queue.add(task);
    drain();
  }

  /** A queued task expired elsewhere (the store's sweep): it no longer waits. */
  void expired(SimTask task) {
    queued.decrementAndGet();
    ledger.leftQueue(clock.millis());
    onExpired.accept(task);
  }

  /** A queued task was canceled elsewhere (its crawl's cancel): it no longer waits. */
  void canceled(SimTask task) {
    queued.decrementAndGet();
    ledger.leftQueue(clock.millis());
  }

  int running() {
    return running.get();
  }

  int queued() {
    return queued.get();
  }

  int peak() {
    return peak.get();
  }

  /** How the slots were used since the first task created after the start or the last reset. */
  SlotUse slotUse() {
    return ledger.use(clock.millis());
  }

  /** Starts the peak and the slot use afresh. */
  void reset() {
    peak.set(running.get());
    ledger.reset();
  }

  /** Starts queued tasks while slots are free. */
  private void drain() {
    while (true) {
      int now = running.get();
      if (now >= maxRunning || queue.isEmpty()) {
        return;
      }
      if (!running.compareAndSet(now, now + 1)) {
        continue;
      }
      SimTask task = nextStartable();
      if (task == null) {
        running.decrementAndGet();
        // a task queued while this thread held the slot may have seen no free slot: look again
        continue;
      }
      peak.accumulateAndGet(now + 1, Math::max);
      scheduler.schedule(() -> due(task), task.durationMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** Takes queued tasks until one starts; expired ones are dropped on the way. */
  private SimTask nextStartable() {
    SimTask task;
    while ((task = queue.poll()) != null) {
      long now = clock.millis();
      if (store.isPendingExpired(task, now)) {
        if (task.expire(now)) {
          expired(task);
        }
        continue;
      }
      if (task.start(now)) {
        queued.decrementAndGet();
        ledger.started(now, task.durationMillis);
        return task;
      }
    }
    return null;
  }

  private void due(SimTask task) {
    CompletionStage<?> finished;
    try {
      finished = finisher.apply(task);
    } catch (RuntimeException e) {
      log.error("finishing task {} failed", task.id, e);
      release();
      return;
    }
    finished.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            log.error("finishing task {} failed", task.id, error);
          }
          release();
        });
  }

  private void release() {
    ledger.freed(clock.millis());
    running.decrementAndGet();
    drain();
  }
}
