package dev.nimblekafka.task;

import dev.nimblekafka.request.ExtractionRequest;
import dev.nimblekafka.request.Placement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntToLongFunction;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The one owner of every request this worker holds. Each lifecycle transition is one method here:
 * it moves the task's {@link TaskPhase} (checked against the table) and, with it, every index that
 * follows from the phase: the partition's tasks by request id and by task id, the submission queue,
 * the check timers, the count of the plan's slots in use, and the partition's committable offset.
 * Used by the consume loop's thread only.
 */
public final class TaskBook {
  /** Early callback hints kept per partition at most. */
  static final int EARLY_HINTS = 1_000;

  private final Map<Integer, Partition> partitions = new TreeMap<>();
  private final SubmitQueue queue;
  private final TaskTimers timers = new TaskTimers();
  private int slotsUsed;
  private final Map<String, Integer> tenantSlots = new HashMap<>();

  /** Requests per tenant whose create is out or being looked up: tasks that may exist unknown. */
  private final Map<String, Integer> tenantCreating = new HashMap<>();

  /** Queued requests to be looked up before they are created, in the order they became so. */
  private final Set<PendingTask> suspects = new LinkedHashSet<>();

  private final long heldLimit;
  private long heldBytes;
  private long waitingBytes;

  /** A book whose requests are not bounded in bytes. */
  public TaskBook() {
    this(Long.MAX_VALUE);
  }

  /**
   * A book that holds about {@code heldLimit} bytes of requests at most ({@link
   * PendingTask#heldBytes()}): a request that does not fit waits ({@link #defer}) until it does,
   * unless the book holds nothing.
   */
  public TaskBook(long heldLimit) {
    this(heldLimit, tenant -> 1, Long.MAX_VALUE);
  }

  /**
   * A book bounded as {@link #TaskBook(long)}, whose queued requests go in the order {@link
   * SubmitQueue} gives them: by priority (a class aging one step higher every {@code agingMillis}
   * its oldest request waits), then a fair share between tenants by {@code weight}.
   */
  public TaskBook(long heldLimit, ToIntFunction<String> weight, long agingMillis) {
    this.heldLimit = heldLimit;
    this.queue = new SubmitQueue(weight, agingMillis);
  }

  /**
   * What the previous owner of a partition may have left unrecorded: a crash can leave create calls
   * made for requests whose task was never recorded. Requests below {@code suspectBefore} (offsets)
   * and restored ones without a task may have a task created at or after {@code since} (epoch ms);
   * they are looked up before they are submitted. A create call the previous owner sent could reach
   * Nimble until {@code settledAfter} (epoch ms, -1: not known): a request not found by a look-up
   * that started earlier is looked up again then, before it is created.
   */
  public record Handover(long suspectBefore, long since, long settledAfter) {
    /** The previous owner handed over cleanly (or there was none): nothing to look up. */
    public static final Handover CLEAN = new Handover(-1, -1, -1);

    /** A hand-over without a known horizon. */
    public Handover(long suspectBefore, long since) {
      this(suspectBefore, since, -1);
    }

    boolean clean() {
      return since < 0;
    }
  }

  /** What the worker holds for one owned requests partition. */
  private static final class Partition {
    final long epoch;
    final Handover handover;
    final TaskIndex tasks = new TaskIndex(PendingTask::requestId);
    final TaskIndex byTaskId = new TaskIndex(PendingTask::taskId);

    /** Task ids callbacks named before any create answer did (a batch's callbacks can be first). */
    final Set<String> earlyHints = new LinkedHashSet<>();

    boolean restored;
    String heldBack;
    long rewindTo = -1;
    long next = -1;
    long lastCommitted = -1;

    /** Requests held by class ({@code <h|n|l>:<tenant>}): what the partition asks of the key. */
    final Map<String, Long> demand = new HashMap<>();

    Partition(long epoch, Handover handover) {
      this.epoch = epoch;
      this.handover = handover;
    }

    void held(PendingTask task, int step) {
      Placement placement = task.request().placement();
      String name = placement.priority().wire().charAt(0) + ":" + placement.tenant();
      demand.merge(name, (long) step, Long::sum);
      demand.remove(name, 0L);
    }
  }

  // ---- partitions -------------------------------------------------------------------------

  /** Takes a partition on, under a new ownership epoch; its tasks arrive with {@link #restore}. */
  public void assign(int partition, long epoch, Handover handover) {
    partitions.put(partition, new Partition(epoch, handover));
  }

  /** Forgets a partition: its tasks belong to the next owner now; late answers are ignored. */
  public void drop(int partition) {
    Partition state = partitions.remove(partition);
    if (state == null) {
      return;
    }
    waitingBytes = 0; // a record still waiting for room asks again when it is read again
    for (PendingTask task : state.tasks) {
      if (task.suspectSince() >= 0) {
        task.suspectSince(-1);
        suspects.remove(task);
      }
      move(task, TaskPhase.DONE);
      heldBytes -= task.heldBytes();
    }
    queue.removeIf(task -> task.partition() == partition);
  }

  public Set<Integer> partitions() {
    return partitions.keySet();
  }

  public boolean owns(int partition) {
    return partitions.containsKey(partition);
  }

  /** Whether {@code epoch} is the partition's current ownership. */
  public boolean current(int partition, long epoch) {
    Partition state = partitions.get(partition);
    return state != null && state.epoch == epoch;
  }

  /** Whether an answer about this task still matters: same ownership, same task. */
  public boolean current(PendingTask task, long epoch) {
    Partition state = partitions.get(task.partition());
    return state != null && state.epoch == epoch && state.tasks.get(task.requestId()) == task;
  }

  /** The current ownership epoch of the task's partition (it must be owned). */
  public long epoch(PendingTask task) {
    return partitions.get(task.partition()).epoch;
  }

  public boolean restored(int partition) {
    Partition state = partitions.get(partition);
    return state != null && state.restored;
  }

  /** Partitions still waiting for their state to be read back (none held back among them). */
  public int restoring() {
    int count = 0;
    for (Partition state : partitions.values()) {
      count += state.restored || state.heldBack != null ? 0 : 1;
    }
    return count;
  }

  /**
   * Holds a partition back: it is not restored and stays paused, for the reason given (its state
   * cannot be read, or not yet held), until it is restored or given away.
   */
  public void holdBack(int partition, String why) {
    Partition state = partitions.get(partition);
    if (state != null && !state.restored) {
      state.heldBack = why;
    }
  }

  /** The partitions held back, and why. */
  public Map<Integer, String> heldBack() {
    Map<Integer, String> found = new TreeMap<>();
    partitions.forEach(
        (p, state) -> {
          if (state.heldBack != null) {
            found.put(p, state.heldBack);
          }
        });
    return found;
  }

  // ---- bytes held -------------------------------------------------------------------------

  /** Bytes of the requests held ({@link PendingTask#heldBytes()} of each). */
  public long heldBytes() {
    return heldBytes;
  }

  public long heldLimit() {
    return heldLimit;
  }

  /** Whether a request of {@code bytes} may be held now: it fits, or nothing is held. */
  public boolean fits(long bytes) {
    return heldBytes == 0 || heldBytes + bytes <= heldLimit;
  }

  /**
   * Whether fetching must wait: the bound is reached, or the request sent back by {@link #defer}
   * does not fit yet.
   */
  public boolean full() {
    return heldBytes > 0 && heldBytes + Math.max(1, waitingBytes) > heldLimit;
  }

  /**
   * A consumed record of {@code bytes} at {@code offset}: returns true when it must wait (it does
   * not fit, or an earlier record of its partition waits), and the partition is then read again
   * from the first such record ({@link #takeRewinds}). Its offset is not settled.
   */
  public boolean defer(int partition, long offset, long bytes) {
    Partition state = partitions.get(partition);
    if (state.rewindTo >= 0) {
      return true;
    }
    if (fits(bytes)) {
      return false;
    }
    state.rewindTo = offset;
    waitingBytes = Math.max(waitingBytes, bytes);
    return true;
  }

  /** The offsets partitions are read again from (their records waited for room); cleared. */
  public Map<Integer, Long> takeRewinds() {
    Map<Integer, Long> found = new TreeMap<>();
    partitions.forEach(
        (p, state) -> {
          if (state.rewindTo >= 0) {
            found.put(p, state.rewindTo);
            state.rewindTo = -1;
          }
        });
    return found;
  }

  /**
   * Requests held for a partition by class: {@code <h|n|l>:<tenant>} (priority and tenant) to how
   * many, in every phase.
   */
  public Map<String, Long> demandIn(int partition) {
    Partition state = partitions.get(partition);
    return state == null ? Map.of() : Map.copyOf(state.demand);
  }

  /** The requests held for a partition, in every phase (a copy). */
  public List<PendingTask> heldIn(int partition) {
    Partition state = partitions.get(partition);
    return state == null ? List.of() : state.tasks.stream().toList();
  }

  /** Requests held for a partition, in every phase. */
  public int pendingIn(int partition) {
    Partition state = partitions.get(partition);
    return state == null ? 0 : state.tasks.size();
  }

  /**
   * When the oldest create call still out for a partition went out (epoch ms), or {@code
   * Long.MAX_VALUE} when none is: a task Nimble creates for it may be that old.
   */
  public long oldestSubmission(int partition) {
    return submitting(partition).mapToLong(PendingTask::sentAt).min().orElse(Long.MAX_VALUE);
  }

  /** Submissions still in flight for a partition (waited for before it is given away). */
  public int submittingIn(int partition) {
    return (int) submitting(partition).count();
  }

  /** The partition's requests whose create call is out. */
  private Stream<PendingTask> submitting(int partition) {
    Partition state = partitions.get(partition);
    return state == null
        ? Stream.empty()
        : state.tasks.stream().filter(task -> task.phase() == TaskPhase.SUBMITTING);
  }

  // ---- offsets ----------------------------------------------------------------------------

  /** A record of the partition was consumed and settled (recorded, refused or a duplicate). */
  public void settled(int partition, long offset) {
    Partition state = partitions.get(partition);
    state.next = Math.max(state.next, offset + 1);
  }

  /**
   * The offset to commit per owned partition: the next record to read. A partition that consumed
   * nothing in this ownership yet commits where its consumer stands.
   */
  public Map<Integer, Long> committable(IntToLongFunction position) {
    Map<Integer, Long> offsets = new TreeMap<>();
    for (Map.Entry<Integer, Partition> e : partitions.entrySet()) {
      Partition state = e.getValue();
      if (state.next < 0) {
        state.next = position.applyAsLong(e.getKey());
      }
      offsets.put(e.getKey(), state.next);
    }
    return offsets;
  }

  /** Whether any of these offsets differs from what was last committed. */
  public boolean advanced(Map<Integer, Long> offsets) {
    for (Map.Entry<Integer, Long> e : offsets.entrySet()) {
      Partition state = partitions.get(e.getKey());
      if (state != null && state.lastCommitted != e.getValue()) {
        return true;
      }
    }
    return false;
  }

  public void committed(Map<Integer, Long> offsets) {
    offsets.forEach(
        (partition, offset) -> {
          Partition state = partitions.get(partition);
          if (state != null) {
            state.lastCommitted = offset;
          }
        });
  }

  // ---- finding tasks ----------------------------------------------------------------------

  public PendingTask byRequestId(int partition, String requestId) {
    Partition state = partitions.get(partition);
    return state == null ? null : state.tasks.get(requestId);
  }

  public PendingTask byTaskId(int partition, String taskId) {
    Partition state = partitions.get(partition);
    return state == null ? null : state.byTaskId.get(taskId);
  }

  /** The task with this id in any owned partition, or null (for reads that span partitions). */
  public PendingTask byTaskId(String taskId) {
    for (Partition state : partitions.values()) {
      PendingTask task = state.byTaskId.get(taskId);
      if (task != null) {
        return task;
      }
    }
    return null;
  }

  /** Requests held across every owned partition, in every phase. */
  public int pending() {
    int count = 0;
    for (Partition state : partitions.values()) {
      count += state.tasks.size();
    }
    return count;
  }

  /** Up to {@code max} queued requests, in the order they would go (none removed). */
  public List<PendingTask> queuedHead(int max) {
    return queue.head(max, 0, tenant -> Integer.MAX_VALUE);
  }

  /**
   * Up to {@code max} queued requests in the order they would go at {@code now}, a tenant passed
   * over once it has no {@code room} left for more tasks at Nimble (none removed).
   */
  public List<PendingTask> queuedHead(int max, long now, ToIntFunction<String> room) {
    return queue.head(max, now, room);
  }

  /** The plan's slots the tenant's requests take now (being created or created, not yet done). */
  public int slotsUsed(String tenant) {
    return tenantSlots.getOrDefault(tenant, 0);
  }

  /**
   * The tenant's requests whose create call is out, or whose task is being looked up: tasks that
   * may exist and that no state record names yet.
   */
  public int creating(String tenant) {
    return tenantCreating.getOrDefault(tenant, 0);
  }

  /**
   * Up to {@code max} of the tenant's queued requests that need a new task (none to be looked up
   * first), by priority, each priority's in order (none removed).
   */
  public List<PendingTask> queuedOf(String tenant, int max) {
    return queue.of(tenant, max, task -> task.suspectSince() < 0);
  }

  public int queued() {
    return queue.size();
  }

  public int slotsUsed() {
    return slotsUsed;
  }

  /** Removes and returns up to {@code max} waiting tasks whose next check is due at {@code now}. */
  public List<PendingTask> due(long now, int max) {
    return timers.due(now, max);
  }

  /** Drops timer entries of tasks no longer waiting, so the timers do not grow unbounded. */
  public void compactTimers() {
    timers.compact();
  }

  // ---- transitions ------------------------------------------------------------------------

  /** A valid request consumed and recorded: it joins the end of the submission queue. */
  public void admit(PendingTask task, long now) {
    Partition state = partitions.get(task.partition());
    if (task.phase() != TaskPhase.QUEUED || state.tasks.containsKey(task.requestId())) {
      throw new IllegalStateException("cannot admit " + task);
    }
    state.tasks.put(task);
    state.held(task, 1);
    heldBytes += task.heldBytes();
    waitingBytes = 0;
    task.queuedAt(now);
    queue.addLast(task);
    if (!state.handover.clean() && task.sourceOffset() < state.handover.suspectBefore()) {
      suspect(task, state.handover.since());
    }
  }

  /**
   * Reads back a partition's pending requests (unless its ownership changed meanwhile): those with
   * a task are watched, their first check at {@code firstCheckAt}; those without one are queued.
   *
   * @param facts the request each stored record carries, as parsed when it was consumed
   * @return whether they were taken
   */
  public boolean restore(
      int partition,
      long epoch,
      Collection<StoredTask> stored,
      Function<StoredTask, ExtractionRequest> facts,
      long now,
      ToLongFunction<PendingTask> firstCheckAt) {
    return restore(partition, epoch, stored, facts, now, firstCheckAt, true);
  }

  /**
   * Reads back part of a partition's pending requests, as {@link #restore(int, long, Collection,
   * Function, long, ToLongFunction)}; the partition counts as restored with the {@code last} part.
   */
  public boolean restore(
      int partition,
      long epoch,
      Collection<StoredTask> stored,
      Function<StoredTask, ExtractionRequest> facts,
      long now,
      ToLongFunction<PendingTask> firstCheckAt,
      boolean last) {
    if (!current(partition, epoch)) {
      return false;
    }
    Partition state = partitions.get(partition);
    for (StoredTask item : stored) {
      PendingTask task = PendingTask.restored(item, partition, facts.apply(item));
      if (task.taskId() == null) {
        admit(task, now); // recorded, no task known: submit it (after a look-up if suspect)
        if (!state.handover.clean() && task.suspectSince() < 0) {
          suspect(task, state.handover.since());
        }
        continue;
      }
      state.tasks.put(task);
      state.held(task, 1);
      heldBytes += task.heldBytes();
      state.byTaskId.put(task);
      slotsUsed++;
      tenantSlots.merge(task.request().placement().tenant(), 1, Integer::sum);
      if (task.batchId() != null) {
        task.markUnlisted(); // its batch's read is exact, however old the task: checked through it
      }
      timers.schedule(task, firstCheckAt.applyAsLong(task));
    }
    if (last) {
      state.restored = true;
      state.heldBack = null;
    }
    return true;
  }

  /**
   * The create call goes out at {@code now}: the request leaves the queue and takes one of the
   * plan's slots (until the task is known, or the request is queued again).
   */
  public void submitting(PendingTask task, boolean callback, long now) {
    if (task.suspectSince() >= 0 || !queue.take(task)) {
      throw new IllegalStateException(task + " is not queued");
    }
    move(task, TaskPhase.SUBMITTING);
    task.callback(callback);
    task.sentAt(now);
  }

  /**
   * A suspect request leaves the queue to be looked up at Nimble (it takes a slot meanwhile, as its
   * task may exist); then it is {@link #created} or {@link #requeue}d, no longer suspect.
   */
  public void lookingUp(PendingTask task, long now) {
    if (task.suspectSince() < 0 || !queue.remove(task)) {
      throw new IllegalStateException(task + " is not a queued suspect");
    }
    move(task, TaskPhase.SUBMITTING);
    task.sentAt(task.suspectSince());
    task.suspectSince(-1);
    suspects.remove(task);
  }

  /**
   * Until when a create call for this request, sent by the partition's previous owner, could still
   * reach Nimble (epoch ms; -1 when none could).
   */
  public long settledAfter(PendingTask task) {
    Partition state = partitions.get(task.partition());
    return state == null ? -1 : state.handover.settledAfter();
  }

  /** Whether a partition holds requests still to be looked up (its hand-over is not clean). */
  public boolean suspectsIn(int partition) {
    Partition state = partitions.get(partition);
    if (state == null || suspects.isEmpty()) {
      return false;
    }
    for (PendingTask task : state.tasks) {
      if (task.suspectSince() >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Queued requests whose task a previous owner may have created, oldest first. */
  public List<PendingTask> suspects(int max) {
    List<PendingTask> found = new ArrayList<>(Math.min(max, suspects.size()));
    for (Iterator<PendingTask> it = suspects.iterator(); found.size() < max && it.hasNext(); ) {
      found.add(it.next());
    }
    return found;
  }

  /** Nimble created the task: it is known by its id and checked first at {@code firstCheckAt}. */
  public void created(PendingTask task, String taskId, long now, long firstCheckAt) {
    created(task, taskId, null, now, firstCheckAt);
  }

  /**
   * Nimble created the task in batch {@code batchId} (null: on its own); it is checked first at
   * {@code firstCheckAt}.
   */
  public void created(
      PendingTask task, String taskId, String batchId, long now, long firstCheckAt) {
    move(task, TaskPhase.WAITING);
    Partition state = partitions.get(task.partition());
    if (task.taskId() != null) {
      state.byTaskId.remove(task.taskId());
    }
    task.created(taskId, batchId, now);
    state.byTaskId.put(task);
    boolean hinted = task.takeHint(taskId) | state.earlyHints.remove(taskId);
    timers.schedule(task, hinted ? now : firstCheckAt);
  }

  /**
   * A callback named a task id no create answer has named yet, while create calls of the partition
   * are out: the task that answer names is checked at once. Kept for the {@value #EARLY_HINTS}
   * latest such ids.
   */
  public void hintedEarly(int partition, String taskId) {
    Partition state = partitions.get(partition);
    state.earlyHints.add(taskId);
    if (state.earlyHints.size() > EARLY_HINTS) {
      Iterator<String> oldest = state.earlyHints.iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /** A status check goes out (on its own, or as part of a read of many tasks). */
  public void checking(PendingTask task) {
    move(task, TaskPhase.CHECKING);
    task.unconfirmed(false);
    task.countCheck();
  }

  /**
   * A callback said the task succeeded: its results are fetched at once, the fetch being the check
   * (a refusal then sends it back to a status check, see {@link PendingTask#unconfirmed}).
   */
  public void fetchingOnCallback(PendingTask task, long completedAt) {
    succeeded(task, completedAt);
    move(task, TaskPhase.FETCHING);
    task.unconfirmed(true);
  }

  /** A read of the account's recent tasks did not show this one: it is checked on its own. */
  public void unlisted(PendingTask task) {
    task.markUnlisted();
  }

  /** Its batch's read did not show this task: it is checked on its own from now on. */
  public void leftBatch(PendingTask task) {
    task.leftBatch();
  }

  /**
   * The task is still running, or a check or fetch failed in a way worth trying again: it waits
   * until {@code dueAt}. A waiting task is moved to the new time.
   */
  public void waitUntil(PendingTask task, long dueAt) {
    if (task.phase() == TaskPhase.WAITING && task.dueAt() == dueAt) {
      return; // already due then: a second timer entry would hand it out twice
    }
    if (task.phase() != TaskPhase.WAITING) {
      move(task, TaskPhase.WAITING);
    }
    task.unconfirmed(false);
    timers.schedule(task, dueAt);
  }

  /** Nimble finished the task at {@code completedAt}; its result is being downloaded. */
  public void fetching(PendingTask task, long completedAt) {
    succeeded(task, completedAt);
    move(task, TaskPhase.FETCHING);
  }

  /** Nimble finished the task at {@code completedAt} (its result went to the request's storage). */
  public void succeeded(PendingTask task, long completedAt) {
    task.completedAt(completedAt);
  }

  /**
   * Back to the head of the queue: a create call that may be tried again, or a task Nimble failed
   * that gets another attempt. {@code alone} keeps it out of batches.
   */
  public void requeue(PendingTask task, boolean alone, long now) {
    Partition state = partitions.get(task.partition());
    if (task.taskId() != null && task.phase() != TaskPhase.SUBMITTING) {
      state.byTaskId.remove(task.taskId()); // that task is over; a new one will be created
    }
    move(task, TaskPhase.QUEUED);
    if (alone) {
      task.alone(true);
    }
    task.queuedAt(now);
    queue.addFirst(task);
  }

  /** The request's outcome is written: it is forgotten. */
  public void finish(PendingTask task) {
    Partition state = partitions.get(task.partition());
    move(task, TaskPhase.DONE);
    queue.remove(task);
    if (task.suspectSince() >= 0) {
      task.suspectSince(-1);
      suspects.remove(task);
    }
    if (state.tasks.remove(task.requestId()) != null) {
      state.held(task, -1);
      heldBytes -= task.heldBytes();
    }
    if (task.taskId() != null) {
      state.byTaskId.remove(task.taskId());
    }
  }

  /**
   * A callback named {@code taskId} while the task could not act on it (being created or checked):
   * the next step checks at once.
   */
  public void hinted(PendingTask task, String taskId) {
    task.hinted(taskId);
  }

  /** Takes a pending callback hint for the task's current id, if there is one. */
  public boolean takeHint(PendingTask task) {
    return task.takeHint(task.taskId());
  }

  private void suspect(PendingTask task, long since) {
    task.suspectSince(since);
    suspects.add(task);
  }

  private void move(PendingTask task, TaskPhase next) {
    boolean before = task.phase().occupiesSlot();
    boolean wasCreating = task.phase() == TaskPhase.SUBMITTING;
    task.moveTo(next);
    if (wasCreating != (next == TaskPhase.SUBMITTING)) {
      String tenant = task.request().placement().tenant();
      tenantCreating.merge(tenant, wasCreating ? -1 : 1, Integer::sum);
      tenantCreating.remove(tenant, 0);
    }
    boolean after = next.occupiesSlot();
    if (before != after) {
      int step = after ? 1 : -1;
      slotsUsed += step;
      tenantSlots.merge(task.request().placement().tenant(), step, Integer::sum);
      tenantSlots.remove(task.request().placement().tenant(), 0);
    }
  }
}
