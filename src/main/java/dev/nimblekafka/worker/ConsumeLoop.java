package dev.nimblekafka.worker;

import dev.nimblekafka.publish.OutputException;
import dev.nimblekafka.task.TaskBook;
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
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the Kafka consumer and the output: it polls requests into the {@link
 * Lifecycle}, hands it every HTTP answer, pauses and resumes partitions, and commits every commit
 * interval. Rebalance callbacks run here too (inside {@code poll}). Only Kafka work is done here.
 */
final class ConsumeLoop implements Runnable, ConsumerRebalanceListener {
  private static final Logger log = LoggerFactory.getLogger(ConsumeLoop.class);
  private static final Duration POLL = Duration.ofMillis(20);
  private static final long HOUSEKEEPING_MS = 5_000;
  private static final Duration MAX_REVOKE_DRAIN = Duration.ofSeconds(5);

  /** Commits tried before revoked partitions are handed over without their last work. */
  private static final int HAND_OVER_COMMITS = 3;

  /**
   * A commit carries the requests each partition holds (for the fleet's share of the key); when
   * only those changed, a commit is made this often at most.
   */
  static final long HELD_REPORT_MILLIS = 2_000;

  /**
   * How the loop runs.
   *
   * @param queueLimit requests queued at most before fetching pauses
   * @param resetToLatest where a partition without a committed offset starts after a replay
   * @param replayAfter how long commits may keep failing before the partitions are replayed from
   *     the last commit instead of their work being written again
   * @param maxUnitBytes bytes of records the unit of work may hold before no new work starts until
   *     a commit empties it
   */
  record Settings(
      String requestsTopic,
      Duration commitInterval,
      Duration shutdownGrace,
      int queueLimit,
      boolean resetToLatest,
      Duration replayAfter,
      long maxUnitBytes) {

    /** The unit of work's default bound. */
    static final long MAX_UNIT_BYTES = 64L << 20;

    Settings(
        String requestsTopic,
        Duration commitInterval,
        Duration shutdownGrace,
        int queueLimit,
        boolean resetToLatest,
        Duration replayAfter) {
      this(
          requestsTopic,
          commitInterval,
          shutdownGrace,
          queueLimit,
          resetToLatest,
          replayAfter,
          MAX_UNIT_BYTES);
    }
  }

  private final Consumer<byte[], byte[]> consumer;
  private final Lifecycle lifecycle;
  private final TaskBook book;
  private final UnitOfWork unit;
  private final BlockingQueue<LoopEvent> events;
  private final WorkerStatus status;
  private final Clock clock;
  private final Settings settings;
  private final HintFollower hints;
  private final Pauses pauses;
  private final Set<Integer> owned;
  private final Duration revokeDrain;
  private final Ownership ownership;
  private final AtomicLong epochs = new AtomicLong();
  private volatile boolean draining;
  private volatile boolean halted;
  private long lastCommit;
  private long lastHousekeeping;
  private long failingSince = -1;
  private boolean replayWanted;
  private Map<Integer, Map<String, Long>> heldReported = Map.of();
  private long heldReportedAt;

  /**
   * @param hints the callback hints forwarded to this pod
   * @param owned the partitions owned, kept current here for the callback endpoint's threads
   */
  ConsumeLoop(
      Consumer<byte[], byte[]> consumer,
      Lifecycle lifecycle,
      UnitOfWork unit,
      BlockingQueue<LoopEvent> events,
      WorkerStatus status,
      Clock clock,
      Settings settings,
      HintFollower hints,
      Set<Integer> owned) {
    this.consumer = consumer;
    this.lifecycle = lifecycle;
    this.book = lifecycle.book();
    this.unit = unit;
    this.events = events;
    this.status = status;
    this.clock = clock;
    this.settings = settings;
    this.hints = hints;
    this.pauses = new Pauses(consumer, lifecycle, status, this::partition, settings.queueLimit());
    this.owned = owned;
    this.ownership = lifecycle.ownership();
    this.revokeDrain =
        settings.shutdownGrace().compareTo(MAX_REVOKE_DRAIN) < 0
            ? settings.shutdownGrace()
            : MAX_REVOKE_DRAIN;
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
    begin();
    long drainDeadline = Long.MAX_VALUE;
    try {
      while (!halted) {
        runOnce();
        if (draining) {
          if (drainDeadline == Long.MAX_VALUE) {
            drainDeadline = clock.millis() + settings.shutdownGrace().toMillis();
            log.info(
                "Draining: no new submissions; waiting up to {} for in-flight ones",
                settings.shutdownGrace());
          }
          if (lifecycle.submitter().callsOut() == 0 || clock.millis() >= drainDeadline) {
            break;
          }
        }
      }
      if (!halted) {
        // the last commit: clean when every create call was answered and recorded
        boolean inFlight = lifecycle.submitter().submissionsInFlight() > 0;
        maybeCommit(true, handedOverCleanly(book.partitions(), inFlight));
      }
    } catch (WakeupException e) {
      if (!halted) {
        throw e;
      }
    } finally {
      shutdown();
    }
  }

  /** Opens the output, subscribes, and starts reading state back. */
  void begin() {
    unit.open();
    consumer.subscribe(List.of(settings.requestsTopic()), this);
    lifecycle.start();
    status.started();
  }

  /** One turn: poll, hints, answers, new work, pauses, commit, housekeeping. */
  void runOnce() {
    ownership.turned();
    status.turned(clock.millis());
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
      lifecycle.admit(record);
    }
    hints.poll();
    drainEvents();
    PauseReason hold = hold();
    lifecycle.dispatch(draining, hold != null);
    pauses.update(draining, hold);
    maybeCommit(false);
    housekeeping();
  }

  /**
   * Why no new work may start, if none may: commits are failing (nothing done now could be
   * recorded, and the unit must not grow while they do), or the unit of work holds its bound.
   */
  private PauseReason hold() {
    if (ownership.commitsFailing()) {
      return PauseReason.COMMIT_FAILING;
    }
    return unit.bytes() >= settings.maxUnitBytes() ? PauseReason.UNIT_FULL : null;
  }

  private void shutdown() {
    if (halted) {
      hints.close();
      unit.halt();
      consumer.close(Duration.ZERO);
      lifecycle.close();
      status.stopped();
      return;
    }
    try {
      consumer.close(
          Duration.ofSeconds(10)); // its revocation still follows the hints: close them after
    } catch (RuntimeException e) {
      log.warn("Closing the consumer failed: {}", e.toString());
    }
    hints.close();
    unit.close();
    lifecycle.close();
    status.stopped();
    log.info("Worker stopped");
  }

  // ---- events and commits ---------------------------------------------------------------

  private void drainEvents() {
    LoopEvent event;
    while ((event = events.poll()) != null) {
      event.dispatchTo(lifecycle);
    }
  }

  private boolean maybeCommit(boolean force) {
    return maybeCommit(force, Set.of());
  }

  /**
   * Commits when the interval has passed (or when forced); returns false when a commit failed.
   *
   * @param clean partitions whose work is all recorded, nothing in flight: this commit hands them
   *     over cleanly
   */
  private boolean maybeCommit(boolean force, Set<Integer> clean) {
    long now = clock.millis();
    if (!force && now - lastCommit < settings.commitInterval().toMillis()) {
      return true;
    }
    lastCommit = now;
    if (replayWanted && !tryReplay()) {
      return false; // the offsets read since the last commit must not commit without their work
    }
    lifecycle.beforeCommit(force);
    Map<Integer, Long> committable =
        book.committable(partition -> consumer.position(partition(partition)));
    Map<Integer, Map<String, Long>> held = new HashMap<>();
    committable.keySet().forEach(p -> held.put(p, book.demandIn(p)));
    boolean heldMoved = now - heldReportedAt >= HELD_REPORT_MILLIS && !held.equals(heldReported);
    if (!unit.dirty() && !book.advanced(committable) && clean.isEmpty() && !heldMoved) {
      return true;
    }
    long settledAfter = ownership.settledAfter(now);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    committable.forEach(
        (p, offset) ->
            offsets.put(
                partition(p),
                new OffsetAndMetadata(
                    offset,
                    Handovers.metadata(
                        Math.min(now, book.oldestSubmission(p)),
                        book.pendingIn(p),
                        clean.contains(p),
                        settledAfter,
                        held.get(p)))));
    try {
      unit.commit(offsets, consumer.groupMetadata());
      heldReported = held;
      heldReportedAt = now;
      book.committed(committable);
      lifecycle.committed();
      if (failingSince >= 0) {
        log.info("Commits succeed again after {} ms; resuming", now - failingSince);
      }
      failingSince = -1;
      ownership.commitsFailing(false);
      return true;
    } catch (OutputException e) {
      commitFailed(e, now);
      return false;
    }
  }

  /**
   * A commit failed (a rebalance moved the group's generation, the broker restarted, ...). Until a
   * commit succeeds no new work starts and fetching pauses, so the unit does not grow. What the
   * unit holds is still true, so it is written again into the next transaction, and nothing is
   * replayed. A commit whose fate is unknown (it timed out: it may have landed) is never written
   * again: the producer is replaced and the partitions are replayed from what is committed, every
   * request read since looked up before it is submitted. A failure that lasts is answered with the
   * same replay.
   */
  private void commitFailed(OutputException e, long now) {
    ownership.commitsFailing(true);
    if (failingSince < 0) {
      failingSince = now;
    }
    if (e.uncertain()) {
      log.warn("Commit outcome unknown ({}); replaying from what is committed", e.getMessage());
      unit.abort(true); // the replay throws its records away: they may have landed
      replayWanted = true;
      tryReplay();
      return;
    }
    unit.abort(e.fatal());
    if (now - failingSince < settings.replayAfter().toMillis()) {
      log.warn(
          "Commit failed ({}); its {} records go into the next transaction; no new work meanwhile",
          e.getMessage(),
          unit.size());
      unit.resend();
      return;
    }
    log.warn(
        "Commits have failed for {} ms ({}); replaying from the last commit",
        now - failingSince,
        e.getMessage());
    replayWanted = true;
    tryReplay();
  }

  /**
   * Throws the unit away and starts every owned partition again from its committed offset; when the
   * broker cannot say what is committed yet, tries again at the next commit (nothing commits
   * meanwhile, and nothing new starts). Returns whether the replay is done.
   */
  private boolean tryReplay() {
    try {
      unit.discard();
      rewind(partitionsOwned());
    } catch (KafkaException e) {
      log.warn("Replaying from the last commit failed ({}); trying again", e.toString());
      return false;
    }
    replayWanted = false;
    failingSince = -1;
    ownership.commitsFailing(false);
    return true;
  }

  private void housekeeping() {
    long now = clock.millis();
    if (now - lastHousekeeping < HOUSEKEEPING_MS) {
      return;
    }
    lastHousekeeping = now;
    book.compactTimers();
    for (int p : book.partitions()) {
      status.pending(p, book.pendingIn(p));
    }
  }

  // ---- rebalance --------------------------------------------------------------------------

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    status.joined();
    status.member(consumer.groupMetadata().memberId());
    if (partitions.isEmpty()) {
      return;
    }
    log.info("Assigned {}", partitions);
    take(partitions);
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty() || halted) {
      return;
    }
    log.info("Revoked {}; finishing their in-flight submissions", partitions);
    List<Integer> revoked = partitions.stream().map(TopicPartition::partition).toList();
    ownership.release(revoked); // creates not yet sent never go out
    long deadline = clock.millis() + revokeDrain.toMillis();
    while (clock.millis() < deadline && submittingIn(partitions) > 0) {
      try {
        LoopEvent event = events.poll(10, TimeUnit.MILLISECONDS);
        if (event != null) {
          event.dispatchTo(lifecycle);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    drainEvents();
    Set<Integer> numbers = new HashSet<>();
    partitions.forEach(tp -> numbers.add(tp.partition()));
    Set<Integer> clean = handedOverCleanly(numbers, submittingIn(partitions) > 0);
    for (int attempt = 1; !maybeCommit(true, clean) && attempt < HAND_OVER_COMMITS; attempt++) {
      // what the failed commit held may be replayed or lost: never hand over cleanly after it
      clean = Set.of();
      log.info("Committing {} before handing them over (attempt {})", partitions, attempt + 1);
    }
    forget(partitions);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    log.warn(
        "Lost {} without a clean hand-over; their uncommitted work is left to the next owner",
        partitions);
    forget(partitions); // the other partitions' work stays in the unit
  }

  /**
   * Which of these partitions a commit now hands over cleanly: none while create calls are in
   * flight, and none holding requests still to be looked up (the next owner looks them up, as this
   * one would have).
   */
  private Set<Integer> handedOverCleanly(Collection<Integer> partitions, boolean inFlight) {
    Set<Integer> clean = new HashSet<>();
    if (!inFlight) {
      for (int p : partitions) {
        if (!book.suspectsIn(p)) {
          clean.add(p);
        }
      }
    }
    return clean;
  }

  /** Pauses the partitions and has their state read back; they resume once it is. */
  private void take(Collection<TopicPartition> partitions) {
    take(partitions, Map.of(), consumer.committed(Set.copyOf(partitions)));
  }

  /**
   * As {@link #take(Collection)}, after a replay: every record below the offset {@code reached} had
   * been read, and its request may have been submitted.
   */
  private void take(
      Collection<TopicPartition> partitions,
      Map<TopicPartition, Long> reached,
      Map<TopicPartition, OffsetAndMetadata> committed) {
    consumer.pause(partitions);
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata last = committed.get(tp);
      TaskBook.Handover handover = Handovers.of(last);
      if (reached.containsKey(tp)) {
        long window = last == null ? 0 : last.offset() + Handovers.SUSPECT_WINDOW;
        handover =
            Handovers.replay(
                last, Math.max(window, reached.get(tp)), ownership.settledAfter(clock.millis()));
      }
      lifecycle.assign(tp.partition(), epochs.incrementAndGet(), handover);
      owned.add(tp.partition());
    }
    hints.follow();
    showPartitions();
  }

  private int submittingIn(Collection<TopicPartition> partitions) {
    int count = 0;
    for (TopicPartition tp : partitions) {
      count += book.submittingIn(tp.partition());
    }
    return count;
  }

  private void forget(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      unit.forget(tp.partition());
      lifecycle.drop(tp.partition());
      owned.remove(tp.partition());
      status.forget(tp.partition());
    }
    hints.follow();
    showPartitions();
  }

  /** Readiness follows assignment at once: a partition taken on is restoring until restored. */
  private void showPartitions() {
    status.partitions(book.partitions().size(), book.restoring());
  }

  /**
   * Throws away what these partitions did since the last commit and starts them again from it:
   * offsets back to the committed ones, pending requests read back anew.
   */
  private void rewind(Set<TopicPartition> partitions) {
    Map<TopicPartition, Long> reached = new HashMap<>();
    for (TopicPartition tp : partitions) {
      reached.put(tp, consumer.position(tp));
    }
    // asked first: when the broker cannot answer, nothing has changed yet and it is asked again
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
    forget(partitions);
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata offset = committed.get(tp);
      if (offset != null) {
        consumer.seek(tp, offset);
      } else if (settings.resetToLatest()) {
        consumer.seekToEnd(List.of(tp));
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
    }
    take(partitions, reached, committed);
  }

  private Set<TopicPartition> partitionsOwned() {
    Set<TopicPartition> result = new HashSet<>();
    for (int p : book.partitions()) {
      result.add(partition(p));
    }
    return result;
  }

  private TopicPartition partition(int p) {
    return new TopicPartition(settings.requestsTopic(), p);
  }
}
