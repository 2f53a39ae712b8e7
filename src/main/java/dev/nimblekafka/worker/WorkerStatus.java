package dev.nimblekafka.worker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the worker is doing, readable from any thread (health endpoint, metrics): written by the
 * consume loop, read by others.
 */
public final class WorkerStatus {
  private volatile boolean started;
  private volatile boolean joined;
  private volatile boolean stopped;
  private volatile int assigned;
  private volatile int restoring;
  private volatile PauseReason pauseReason;
  private volatile String pauseDetail;
  private volatile int queued;
  private volatile int slotsUsed;
  private volatile int atRisk;
  private volatile int pausedPartitions;
  private volatile long restoredTasks;
  private final Map<Integer, Integer> pendingByPartition = new ConcurrentHashMap<>();

  /** Live: the loop thread has not died. */
  public boolean live() {
    return !stopped;
  }

  /**
   * Ready: running, in the group (an assignment arrived, even an empty one), and every assigned
   * partition has its pending tasks restored.
   */
  public boolean ready() {
    return started && joined && !stopped && restoring == 0;
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

  /**
   * Tasks Nimble may have created that a crash now would forget: submissions in flight plus those
   * recorded since the last commit. A crash can create at most this many duplicate tasks.
   */
  public int atRisk() {
    return atRisk;
  }

  /** Request partitions not being fetched now. */
  public int pausedPartitions() {
    return pausedPartitions;
  }

  /** Pending tasks taken over from the state topic since start. */
  public long restoredTasks() {
    return restoredTasks;
  }

  public Map<Integer, Integer> pendingByPartition() {
    return Map.copyOf(pendingByPartition);
  }

  void started() {
    started = true;
  }

  void joined() {
    joined = true;
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

  void load(int queued, int slotsUsed, int atRisk) {
    this.queued = queued;
    this.slotsUsed = slotsUsed;
    this.atRisk = atRisk;
  }

  void pausedPartitions(int count) {
    pausedPartitions = count;
  }

  void restored(int count) {
    restoredTasks += count;
  }

  void pending(int partition, int count) {
    pendingByPartition.put(partition, count);
  }

  void forget(int partition) {
    pendingByPartition.remove(partition);
  }
}
