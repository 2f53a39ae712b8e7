package dev.nimblekafka.worker;

import dev.nimblekafka.task.TaskBook;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which request partitions fetch: none while draining, while Nimble refuses submissions or the
 * circuit is open, while the requests held take their bytes' bound, or while the queue is full; and
 * none that is still being restored. A partition whose records waited for room is read again from
 * the first of them. Shows the reason and the load on the status. Backpressure is {@code pause()},
 * never a sleep.
 */
final class Pauses {
  private static final Logger log = LoggerFactory.getLogger(Pauses.class);

  private final Consumer<byte[], byte[]> consumer;
  private final TaskBook book;
  private final Submitter submitter;
  private final WorkerStatus status;
  private final IntFunction<TopicPartition> partition;
  private final int queueLimit;

  Pauses(
      Consumer<byte[], byte[]> consumer,
      Lifecycle lifecycle,
      WorkerStatus status,
      IntFunction<TopicPartition> partition,
      int queueLimit) {
    this.consumer = consumer;
    this.book = lifecycle.book();
    this.submitter = lifecycle.submitter();
    this.status = status;
    this.partition = partition;
    this.queueLimit = queueLimit;
  }

  /**
   * Pauses or resumes fetching for the turn.
   *
   * @param holding why no new work may start now (commits failing, the unit full), or null
   */
  void update(boolean draining, PauseReason holding) {
    book.takeRewinds().forEach((p, offset) -> consumer.seek(partition.apply(p), offset));
    PauseReason reason = null;
    String detail = null;
    if (draining) {
      reason = PauseReason.DRAINING;
    } else if (holding != null) {
      reason = holding;
    } else if (submitter.submitBlock() != null) {
      reason = submitter.submitBlock();
      detail = submitter.accessDetail();
    } else if (book.full()) {
      reason = PauseReason.MEMORY;
      detail =
          "requests held take "
              + book.heldBytes()
              + " bytes of MAX_PENDING_BYTES="
              + book.heldLimit();
    } else if (book.queued() >= queueLimit) {
      reason = PauseReason.CAPACITY;
    }
    Set<TopicPartition> paused = consumer.paused();
    Set<TopicPartition> toPause = new HashSet<>();
    Set<TopicPartition> toResume = new HashSet<>();
    for (int p : book.partitions()) {
      TopicPartition tp = partition.apply(p);
      boolean hold = reason != null || !book.restored(p);
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
    logChange(reason, detail);
    status.pause(reason, detail);
    status.load(book.queued(), book.slotsUsed(), submitter.atRisk());
    status.held(book.pending());
    status.partitions(book.partitions().size(), book.restoring());
    status.heldBytes(book.heldBytes());
    status.heldBack(book.heldBack());
  }

  /** A pause of a busy worker, which comes and goes with the load: not logged. */
  private static boolean load(PauseReason reason) {
    return reason == PauseReason.CAPACITY || reason == PauseReason.MEMORY;
  }

  private void logChange(PauseReason reason, String detail) {
    PauseReason before = status.pauseReason();
    if (reason == before) {
      return;
    }
    if (reason != null && !load(reason)) {
      log.info(
          "Paused fetching requests: {}{}",
          reason.code(),
          detail == null ? "" : " (" + detail + ")");
    } else if (reason == null && !load(before)) {
      log.info("Resumed fetching requests");
    }
  }
}
