package dev.nimblekafka.worker;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the worker is doing, readable from any thread (health endpoint, metrics): written by the
 * consume loop, read by others.
 */
public final class WorkerStatus {
  private final Clock clock;
  private final long stallLimitMillis;
  private volatile long lastTurn;
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
  private volatile String memberId;
  private volatile int held;
  private volatile KeyView key;
  private volatile long heldBytes;
  private volatile Map<Integer, String> heldBack = Map.of();

  /**
   * What the pod shows of its share of the Nimble key.
   *
   * @param callsPerSecond calls per second it may make now (after any slowing down)
   * @param tasks tasks it may have at Nimble now
   * @param pods pods sharing the key, as last read from the consumer group
   * @param slowdown how far 429s slowed it down: 1 is not at all
   */
  public record KeyView(double callsPerSecond, int tasks, int pods, double slowdown) {}

  /** Where the key's share is read from, live. */
  public interface KeySource {
    KeyView view();
  }

  private volatile KeySource keySource;
  private final Map<Integer, Integer> pendingByPartition = new ConcurrentHashMap<>();

  /**
   * @param clock the consume loop's clock
   * @param stallLimit how long the loop may go without a turn and still count as live: longer than
   *     its slowest step (a commit that waits for the brokers)
   */
  public WorkerStatus(Clock clock, Duration stallLimit) {
    this.clock = clock;
    this.stallLimitMillis = stallLimit.toMillis();
    this.lastTurn = clock.millis();
  }

  /**
   * Live: the loop thread has not died, and it turned within the stall limit (it turns every few
   * milliseconds when well, so a loop stuck in a call or deadlocked stops being live).
   */
  public boolean live() {
    return !stopped && clock.millis() - lastTurn <= stallLimitMillis;
  }

  /** Whether the loop has ended (drained, halted or died). */
  public boolean loopEnded() {
    return stopped;
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

  /** The member id the consumer group knows this pod by; null before it joined. */
  public String memberId() {
    return memberId;
  }

  /** Requests this pod holds, in every phase. */
  public int held() {
    return held;
  }

  /** Bytes of the requests this pod holds (counted as {@code MAX_PENDING_BYTES} counts them). */
  public long heldBytes() {
    return heldBytes;
  }

  /**
   * Partitions held back, paused and not restored, and why: a state record this version cannot
   * read, or requests still to be read back while the bound of bytes held is reached.
   */
  public Map<Integer, String> heldBack() {
    return heldBack;
  }

  /** This pod's share of the key now; null when nothing shares it. */
  public KeyView key() {
    KeySource source = keySource;
    return source == null ? null : source.view();
  }

  public void keySource(KeySource source) {
    keySource = source;
  }

  public Map<Integer, Integer> pendingByPartition() {
    return Map.copyOf(pendingByPartition);
  }

  /** The loop turned: its heartbeat. */
  void turned(long nowMillis) {
    lastTurn = nowMillis;
  }

  void started() {
    started = true;
  }

  void joined() {
    joined = true;
  }

  void member(String id) {
    memberId = id;
  }

  void held(int count) {
    held = count;
  }

  void heldBytes(long bytes) {
    heldBytes = bytes;
  }

  void heldBack(Map<Integer, String> partitions) {
    heldBack = Map.copyOf(partitions);
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
