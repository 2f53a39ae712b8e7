package dev.nimblekafka.worker;

import dev.nimblekafka.callback.CallbackHint;
import dev.nimblekafka.callback.CallbackRouter;
import dev.nimblekafka.publish.Output;
import dev.nimblekafka.publish.OutputException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the Kafka consumer and the output: it polls requests, hands them to the
 * {@link TaskDriver}, drains HTTP answers, pauses and resumes partitions, and commits every commit
 * interval. Rebalance callbacks run here too (inside {@code poll}).
 */
final class ConsumeLoop implements Runnable, ConsumerRebalanceListener {
  private static final Logger log = LoggerFactory.getLogger(ConsumeLoop.class);
  private static final Duration POLL = Duration.ofMillis(20);
  private static final long HOUSEKEEPING_MS = 5_000;

  private final Consumer<byte[], byte[]> consumer;
  private final String requestsTopic;
  private final TaskDriver driver;
  private final StateRestorer restorer;
  private final BlockingQueue<LoopEvent> events;
  private final Supplier<Output> newOutput;
  private final WorkerStatus status;
  private final Clock clock;
  private final Duration commitInterval;
  private final Duration revokeDrain;
  private final Duration shutdownGrace;
  private final int queueLimit;
  private final boolean resetToLatest;
  private final AtomicLong epochs = new AtomicLong();

  private final Set<Integer> owned;
  private final Consumer<byte[], byte[]> hintConsumer;
  private final String callbacksTopic;
  private Output output;
  private volatile boolean draining;
  private volatile boolean halted;
  private long lastCommit;
  private long lastHousekeeping;

  ConsumeLoop(
      Consumer<byte[], byte[]> consumer,
      String requestsTopic,
      TaskDriverFactory drivers,
      StateRestorer restorer,
      BlockingQueue<LoopEvent> events,
      Supplier<Output> newOutput,
      WorkerStatus status,
      Clock clock,
      Duration commitInterval,
      Duration shutdownGrace,
      int queueLimit,
      boolean resetToLatest,
      Set<Integer> owned,
      Consumer<byte[], byte[]> hintConsumer,
      String callbacksTopic) {
    this.resetToLatest = resetToLatest;
    this.owned = owned;
    this.hintConsumer = hintConsumer;
    this.callbacksTopic = callbacksTopic;
    this.consumer = consumer;
    this.requestsTopic = requestsTopic;
    this.restorer = restorer;
    this.events = events;
    this.newOutput = newOutput;
    this.status = status;
    this.clock = clock;
    this.commitInterval = commitInterval;
    this.shutdownGrace = shutdownGrace;
    this.revokeDrain =
        shutdownGrace.compareTo(Duration.ofSeconds(5)) < 0 ? shutdownGrace : Duration.ofSeconds(5);
    this.queueLimit = queueLimit;
    this.driver = drivers.create(() -> output);
  }

  /** Builds the driver once the loop exists, so the driver always writes to the current output. */
  interface TaskDriverFactory {
    TaskDriver create(Supplier<Output> output);
  }

  /** Asks the loop to stop taking requests, finish in-flight submissions, commit and return. */
  void drain() {
    draining = true;
  }

  /** Stops at once without committing, as a crash would (for tests of crash behaviour). */
  void halt() {
    halted = true;
    consumer.wakeup();
  }

  @Override
  public void run() {
    output = newOutput.get();
    consumer.subscribe(List.of(requestsTopic), this);
    restorer.start();
    status.started();
    long drainDeadline = Long.MAX_VALUE;
    try {
      while (!halted) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          driver.admit(record);
        }
        pollHints();
        drainEvents();
        driver.dispatch(draining);
        updatePauses();
        maybeCommit(false);
        housekeeping();
        if (draining) {
          if (drainDeadline == Long.MAX_VALUE) {
            drainDeadline = clock.millis() + shutdownGrace.toMillis();
            log.info(
                "Draining: no new submissions; waiting up to {} for in-flight ones", shutdownGrace);
          }
          if (driver.submissionsInFlight() == 0 || clock.millis() >= drainDeadline) {
            break;
          }
        }
      }
      if (!halted) {
        maybeCommit(true);
      }
    } catch (WakeupException e) {
      if (!halted) {
        throw e;
      }
    } finally {
      shutdown();
    }
  }

  private void shutdown() {
    if (hintConsumer != null) {
      hintConsumer.close(Duration.ofSeconds(1));
    }
    if (halted) {
      output.halt();
      consumer.close(Duration.ZERO);
      restorer.close();
      status.stopped();
      return;
    }
    try {
      consumer.close(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      log.warn("Closing the consumer failed: {}", e.toString());
    }
    output.close();
    restorer.close();
    status.stopped();
    log.info("Worker stopped");
  }

  // ---- events and commits ---------------------------------------------------------------

  /** Callback hints other pods forwarded to the partitions this pod owns. */
  private void pollHints() {
    if (hintConsumer == null || hintConsumer.assignment().isEmpty()) {
      return;
    }
    for (ConsumerRecord<byte[], byte[]> record : hintConsumer.poll(Duration.ZERO)) {
      CallbackHint hint = CallbackRouter.decode(record.partition(), record.value());
      if (hint != null) {
        driver.hint(hint);
      }
    }
  }

  private void followHints() {
    if (hintConsumer == null) {
      return;
    }
    Set<TopicPartition> wanted = new HashSet<>();
    for (Integer partition : owned) {
      wanted.add(new TopicPartition(callbacksTopic, partition));
    }
    Set<TopicPartition> added = new HashSet<>(wanted);
    added.removeAll(hintConsumer.assignment());
    hintConsumer.assign(wanted);
    if (!added.isEmpty()) {
      hintConsumer.seekToEnd(added); // older hints are covered by the restore's first checks
    }
  }

  private void drainEvents() {
    LoopEvent event;
    while ((event = events.poll()) != null) {
      handle(event);
    }
  }

  private void handle(LoopEvent event) {
    if (event instanceof LoopEvent.Restored restored) {
      PartitionState state = driver.partition(restored.partition());
      if (state == null || state.epoch != restored.epoch()) {
        return;
      }
      driver.install(state, restored.tasks());
      status.restored(restored.tasks().size());
      refreshPartitionStatus();
    } else if (event instanceof LoopEvent.Hint hint) {
      driver.hint(hint.hint());
    } else if (event instanceof LoopEvent.RestoreFailed failed) {
      PartitionState state = driver.partition(failed.partition());
      if (state != null && state.epoch == failed.epoch()) {
        restorer.restore(failed.partition(), failed.epoch());
      }
    } else {
      driver.handle(event);
    }
  }

  private void maybeCommit(boolean force) {
    long now = clock.millis();
    if (!force && now - lastCommit < commitInterval.toMillis()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    boolean advanced = false;
    for (PartitionState state : driver.partitions()) {
      TopicPartition tp = new TopicPartition(requestsTopic, state.partition);
      if (!state.offsets.known()) {
        state.offsets.startAt(consumer.position(tp));
      }
      long committable = state.offsets.committable();
      offsets.put(tp, new OffsetAndMetadata(committable));
      advanced |= committable != state.lastCommitted;
    }
    if (!output.dirty() && !advanced) {
      lastCommit = now;
      return;
    }
    try {
      output.commit(offsets, consumer.groupMetadata());
      driver.committed();
      for (PartitionState state : driver.partitions()) {
        state.lastCommitted =
            offsets.get(new TopicPartition(requestsTopic, state.partition)).offset();
      }
    } catch (OutputException e) {
      log.warn("Commit failed ({}); replaying from the last commit", e.getMessage());
      if (e.fatal()) {
        output.close();
        output = newOutput.get();
      }
      rewind(new HashSet<>(partitionsOwned()));
    }
    lastCommit = now;
  }

  // ---- pausing ----------------------------------------------------------------------------

  private void updatePauses() {
    PauseReason reason = null;
    String detail = null;
    if (draining) {
      reason = PauseReason.DRAINING;
    } else if (driver.submitBlock() != null) {
      reason = driver.submitBlock();
      detail = driver.accessDetail();
    } else if (driver.queued() >= queueLimit) {
      reason = PauseReason.CAPACITY;
    }
    Set<TopicPartition> paused = consumer.paused();
    Set<TopicPartition> toPause = new HashSet<>();
    Set<TopicPartition> toResume = new HashSet<>();
    for (PartitionState state : driver.partitions()) {
      TopicPartition tp = new TopicPartition(requestsTopic, state.partition);
      boolean hold = reason != null || !state.restored;
      if (hold && !paused.contains(tp)) {
        toPause.add(tp);
      } else if (!hold && paused.contains(tp)) {
        toResume.add(tp);
      }
    }
    if (!toPause.isEmpty()) {
      consumer.pause(toPause);
    }
    if (!toResume.isEmpty()) {
      consumer.resume(toResume);
    }
    status.pausedPartitions(paused.size() + toPause.size() - toResume.size());
    if (reason != status.pauseReason()) {
      if (reason != null && reason != PauseReason.CAPACITY) {
        log.info(
            "Paused fetching requests: {}{}",
            reason.code(),
            detail == null ? "" : " (" + detail + ")");
      } else if (reason == null && status.pauseReason() != PauseReason.CAPACITY) {
        log.info("Resumed fetching requests");
      }
    }
    status.pause(reason, detail);
    status.load(driver.queued(), driver.slotsUsed(), driver.atRisk());
  }

  private void housekeeping() {
    long now = clock.millis();
    if (now - lastHousekeeping < HOUSEKEEPING_MS) {
      return;
    }
    lastHousekeeping = now;
    driver.compactTimers();
    for (PartitionState state : driver.partitions()) {
      status.pending(state.partition, state.tasks.size());
    }
  }

  // ---- rebalance --------------------------------------------------------------------------

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    status.joined();
    if (partitions.isEmpty()) {
      return;
    }
    log.info("Assigned {}", partitions);
    consumer.pause(partitions);
    for (TopicPartition tp : partitions) {
      long epoch = epochs.incrementAndGet();
      driver.add(tp.partition(), epoch);
      owned.add(tp.partition());
      restorer.restore(tp.partition(), epoch);
    }
    followHints();
    refreshPartitionStatus();
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty() || halted) {
      return;
    }
    log.info("Revoked {}; finishing their in-flight submissions", partitions);
    long deadline = clock.millis() + revokeDrain.toMillis();
    while (clock.millis() < deadline && submittingIn(partitions) > 0) {
      try {
        LoopEvent event = events.poll(10, TimeUnit.MILLISECONDS);
        if (event != null) {
          handle(event);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    drainEvents();
    maybeCommit(true);
    forget(partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    log.warn("Lost {} without a clean hand-over; dropping uncommitted work", partitions);
    output.abort();
    forget(partitions);
    Set<TopicPartition> kept = new HashSet<>(partitionsOwned());
    if (!kept.isEmpty()) {
      rewind(kept);
    }
  }

  private int submittingIn(Collection<TopicPartition> partitions) {
    int count = 0;
    for (TopicPartition tp : partitions) {
      count += driver.submittingIn(tp.partition());
    }
    return count;
  }

  private void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      driver.drop(tp.partition());
      owned.remove(tp.partition());
      status.forget(tp.partition());
    }
    followHints();
    refreshPartitionStatus();
  }

  /**
   * Throws away what these partitions did since the last commit and starts them again from it:
   * offsets back to the committed ones, pending tasks restored anew.
   */
  private void rewind(Set<TopicPartition> partitions) {
    forget(partitions);
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata offset = committed.get(tp);
      if (offset != null) {
        consumer.seek(tp, offset);
      } else if (resetToLatest) {
        consumer.seekToEnd(List.of(tp));
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
    }
    onPartitionsAssigned(partitions);
  }

  private Set<TopicPartition> partitionsOwned() {
    Set<TopicPartition> owned = new HashSet<>();
    for (PartitionState state : driver.partitions()) {
      owned.add(new TopicPartition(requestsTopic, state.partition));
    }
    return owned;
  }

  private void refreshPartitionStatus() {
    int restoring = 0;
    for (PartitionState state : driver.partitions()) {
      if (!state.restored) {
        restoring++;
      }
    }
    status.partitions(driver.partitions().size(), restoring);
  }
}
