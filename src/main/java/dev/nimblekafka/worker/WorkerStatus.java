package dev.nimblekafka.worker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the worker is doing, readable from any thread (health endpoint, metrics): written by the
 * consume loop, read by others.
 */
public final class WorkerStatus {
  private volatile boolean started;
  private volatile boolean stopped;
  private volatile int assigned;
  private volatile int restoring;
  private volatile PauseReason pauseReason;
  private volatile String pauseDetail;
  private volatile int queued;
  private volatile int slotsUsed;
  private final Map<Integer, Integer> pendingByPartition = new ConcurrentHashMap<>();

  /** Live: the loop thread has not died. */
  public boolean live() {
    return !stopped;
  }

  /** Ready: running, and every assigned partition has its pending tasks restored. */
  public boolean ready() {
    return started && !stopped && restoring == 0;
  }

  public int assignedPartitions() {
    return assigned;
  }

  public int restoringPartitions() {
    return restoring;
  }

  public PauseReason pauseReason() {
    return pauseReason;
  }

  public String pauseDetail() {
    return pauseDetail;
  }

  public int queued() {
    return queued;
  }

  public int slotsUsed() {
    return slotsUsed;
  }

  public int pendingIn(int partition) {
    return pendingByPartition.getOrDefault(partition, 0);
  }

  public Map<Integer, Integer> pendingByPartition() {
    return Map.copyOf(pendingByPartition);
  }

  void started() {
    started = true;
  }

  void stopped() {
    stopped = true;
  }

  void partitions(int assigned, int restoring) {
    this.assigned = assigned;
    this.restoring = restoring;
  }

  void pause(PauseReason reason, String detail) {
    this.pauseReason = reason;
    this.pauseDetail = detail;
  }

  void load(int queued, int slotsUsed) {
    this.queued = queued;
    this.slotsUsed = slotsUsed;
  }

  void pending(int partition, int count) {
    pendingByPartition.put(partition, count);
  }

  void forget(int partition) {
    pendingByPartition.remove(partition);
  }
}
