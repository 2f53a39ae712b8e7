package dev.nimblekafka.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * The one place that decides which tasks are checked, how, and when, and when a refused submission
 * is tried again. Status reads are spent against the {@link CheckBudget}: the calls per second left
 * once creates and results fetches are paid for.
 *
 * <ul>
 *   <li><b>How.</b> Tasks due are read in bulk where one call can serve many: the account's latest
 *       tasks ({@code GET /v1/tasks}, one call for every task it shows, at most once a second),
 *       else one {@code GET /v1/batches/{id}} per batch, else one call per task. A task the latest
 *       tasks did not show is read through its batch or on its own from then on, so correctness
 *       never depends on what that list shows or in which order.
 *   <li><b>When.</b> A task is first due when the fastest few percent of recent tasks had finished
 *       (bulk reads are cheap), or, read on its own, when about three quarters had. While it runs
 *       it is read again every {@code POLL_MIN_INTERVAL} when bulk reads cover it and the budget
 *       allows; read on its own, the wait grows x1.5 up to {@code POLL_MAX_INTERVAL}. When the
 *       budget is short, tasks wait in the order they became due: the one most likely done first.
 *   <li>A task that will call back is read only as a safety net.
 * </ul>
 */
public final class PollPolicy {
  /** A callback said the task ended while a check was already out: look again this soon. */
  static final long HINT_RECHECK_MILLIS = 50;

  /** Restored tasks are checked spread over this window, so a takeover is not one burst. */
  static final long RESTORE_SPREAD_MILLIS = 1_000;

  /** A create call Nimble could not take is tried again after this, unless it said when. */
  static final long SUBMIT_RETRY_MILLIS = 1_000;

  /** The least number of calls of one kind (creates, or checks and fetches) kept in flight. */
  static final int MIN_CALLS_IN_FLIGHT = 8;

  /** The share of recent tasks finished by the time a task bulk reads cover is first read. */
  static final double FIRST_BULK_QUANTILE = 0.05;

  /**
   * Reads of the latest tasks are this far apart at least, whatever {@code POLL_MIN_INTERVAL}: each
   * reads every task it shows, and Nimble asks for no task to be read more than once a second.
   */
  static final long LIST_MIN_INTERVAL_MILLIS = 1_000;

  /** Nimble's documented default page of {@code GET /v1/tasks}. */
  static final int DEFAULT_LIST_LIMIT = 100;

  /** After a read of the latest tasks failed, they are not read for this long. */
  static final long LIST_BACKOFF_MILLIS = 5_000;

  private final DurationEstimator estimator;
  private final long minMillis;
  private final long maxMillis;
  private final long safetyMillis;
  private final int maxCallsInFlight;
  private final CheckBudget budget;
  private int listLimit;
  private final DoubleSupplier random;

  private long listReadyAt;
  private boolean listInFlight;
  private boolean listRefused;

  /**
   * What to read for the tasks due now.
   *
   * @param listed the tasks one read of the latest tasks is for (none: no such read now)
   * @param batches the tasks each batch's read is for
   * @param singles the tasks read one call each
   * @param later the tasks not read now, with when they are due again
   */
  public record Reads(
      List<PendingTask> listed,
      Map<String, List<PendingTask>> batches,
      List<PendingTask> singles,
      Map<PendingTask, Long> later) {

    public boolean listRead() {
      return !listed.isEmpty();
    }
  }

  /**
   * @param min the shortest wait between two checks of a task (Nimble asks for 1 s at least)
   * @param max the longest wait between two checks of a task
   * @param safetyNet the wait between checks of a task that will call back
   * @param callsPerSecond the key's rate; about a second of it may be in flight
   * @param budget the calls per second status reads may spend
   * @param listLimit how many of the account's latest tasks one bulk read asks for
   * @param random uniform in [0, 1), for jitter
   */
  public PollPolicy(
      DurationEstimator estimator,
      Duration min,
      Duration max,
      Duration safetyNet,
      int callsPerSecond,
      CheckBudget budget,
      int listLimit,
      DoubleSupplier random) {
    this.estimator = estimator;
    this.minMillis = min.toMillis();
    this.maxMillis = max.toMillis();
    this.safetyMillis = safetyNet.toMillis();
    this.maxCallsInFlight = Math.max(MIN_CALLS_IN_FLIGHT, callsPerSecond);
    this.budget = budget;
    this.listLimit = listLimit;
    this.random = random;
  }

  /** A policy with the whole {@code callsPerSecond} for itself and bulk reads of 100 tasks. */
  public PollPolicy(
      DurationEstimator estimator,
      Duration min,
      Duration max,
      Duration safetyNet,
      int callsPerSecond,
      DoubleSupplier random) {
    this(
        estimator,
        min,
        max,
        safetyNet,
        callsPerSecond,
        new CheckBudget(() -> callsPerSecond),
        100,
        random);
  }

  // ---- when ------------------------------------------------------------------------------

  /** When a task just created is checked first. */
  public long firstCheckAt(PendingTask task, long now) {
    if (task.callback()) {
      return now + jitter(safetyMillis);
    }
    if (bulk(task)) {
      long first = estimator.quantileMillis(FIRST_BULK_QUANTILE);
      return now + Math.min(Math.max(first, 1), maxMillis);
    }
    return now + nextDelay(0, 0);
  }

  /** When a task Nimble says is still running is checked next. */
  public long nextCheckAt(PendingTask task, boolean hinted, long now) {
    if (hinted) {
      return now + HINT_RECHECK_MILLIS;
    }
    if (task.callback()) {
      return now + jitter(safetyMillis);
    }
    if (bulk(task)) {
      return now + Math.min(Math.max(minMillis, listInterval(now)), maxMillis);
    }
    return now + nextDelay(task.checks(), now - task.submittedAt());
  }

  /** When a task whose status check failed (429, 5xx, IO) is checked again. */
  public long retryCheckAt(PendingTask task, long now, Optional<Duration> retryAfter) {
    long delay = nextDelay(Math.max(1, task.checks()), now - task.submittedAt());
    return now + Math.max(delay, retryAfter.map(Duration::toMillis).orElse(0L));
  }

  /** When a task whose results could not be downloaded is checked again. */
  public long retryFetchAt(long now) {
    return now + minMillis;
  }

  /** When a task read back from the state topic is checked first. */
  public long restoredCheckAt(PendingTask task, long now) {
    long expectedAt = task.submittedAt() + estimator.expectedMillis();
    return Math.max(now, expectedAt) + (long) (random.getAsDouble() * RESTORE_SPREAD_MILLIS);
  }

  /** When submissions start again after Nimble could not take one (429, 5xx, IO). */
  public long submitRetryAt(long now, Optional<Duration> retryAfter) {
    return now + retryAfter.map(Duration::toMillis).orElse(SUBMIT_RETRY_MILLIS);
  }

  // ---- how -------------------------------------------------------------------------------

  /**
   * Splits the tasks due now into reads: one of the latest tasks for those bulk reads cover (when
   * one may go), one per batch and one per task for the rest, as far as {@code calls} in flight and
   * the budget allow. The tasks left over wait: for the next read of the latest tasks, or until the
   * budget has room again.
   */
  public Reads plan(List<PendingTask> due, long now, int calls) {
    List<PendingTask> listed = new ArrayList<>();
    Map<String, List<PendingTask>> batches = new LinkedHashMap<>();
    List<PendingTask> singles = new ArrayList<>();
    Map<PendingTask, Long> later = new LinkedHashMap<>();
    List<PendingTask> alone = new ArrayList<>();
    for (PendingTask task : due) {
      (bulk(task) ? listed : alone).add(task);
    }
    long retry = Math.max(minMillis / 4, (long) (1000 / budget.readsPerSecond(now)));
    long budgetAt = now + Math.min(retry, maxMillis);
    if (!listed.isEmpty()) {
      boolean wait = listInFlight || now < listReadyAt;
      if (wait || calls <= 0 || !budget.take(now)) {
        long at = wait && !listInFlight ? listReadyAt : budgetAt;
        listed.forEach(task -> later.put(task, at));
        listed.clear();
      } else {
        calls--;
      }
    }
    for (PendingTask task : alone) {
      String batch = task.batchId();
      List<PendingTask> joined = batch == null ? null : batches.get(batch);
      if (joined != null) {
        joined.add(task);
      } else if (calls > 0 && budget.take(now)) {
        calls--;
        if (batch == null) {
          singles.add(task);
        } else {
          batches.computeIfAbsent(batch, b -> new ArrayList<>()).add(task);
        }
      } else {
        later.put(task, budgetAt);
      }
    }
    return new Reads(listed, batches, singles, later);
  }

  /** How many of the account's latest tasks a bulk read asks for. */
  public int listLimit() {
    return listLimit;
  }

  /** A read of the latest tasks went out at {@code now}. */
  public void listSent(long now) {
    listInFlight = true;
    listReadyAt = now + Math.max(LIST_MIN_INTERVAL_MILLIS, listInterval(now));
  }

  /**
   * The read of the latest tasks answered ({@code refused}: Nimble would not serve it). A refused
   * read is tried once more with Nimble's default page of {@value #DEFAULT_LIST_LIMIT} (a service
   * may cap the page), and never again after that.
   */
  public void listAnswered(long now, boolean failed, boolean refused) {
    listInFlight = false;
    if (refused) {
      if (listLimit > DEFAULT_LIST_LIMIT) {
        listLimit = DEFAULT_LIST_LIMIT;
      } else {
        listRefused = true;
      }
    } else if (failed) {
      listReadyAt = Math.max(listReadyAt, now + LIST_BACKOFF_MILLIS);
    }
  }

  /** A create or a results fetch went out: the reads' budget is what they leave. */
  public void spent(long now) {
    budget.spent(now);
  }

  /** Create calls, and separately status checks and fetches, in flight at most. */
  public int maxCallsInFlight() {
    return maxCallsInFlight;
  }

  /** Learns from one finished task how long tasks take. */
  public void observeDuration(long millis) {
    estimator.observe(millis);
  }

  public DurationEstimator estimator() {
    return estimator;
  }

  /** Whether reads of the latest tasks are off for good (Nimble refused even the default page). */
  public boolean listRefused() {
    return listRefused;
  }

  /** Whether bulk reads of the latest tasks cover this task. */
  private boolean bulk(PendingTask task) {
    return !listRefused && !task.unlisted() && listLimit > 0;
  }

  /** The wait between two reads of the latest tasks the budget allows. */
  private long listInterval(long now) {
    return (long) Math.ceil(1000 / budget.readsPerSecond(now));
  }

  /** Delay before check number {@code checksDone + 1} of a task created {@code ageMillis} ago. */
  long nextDelay(int checksDone, long ageMillis) {
    long expected = estimator.expectedMillis();
    if (checksDone == 0) {
      long delay = Math.max(expected - ageMillis, 0) + Math.max(expected / 50, 5);
      delay = Math.min(Math.max(delay, minMillis / 4), maxMillis);
      // jitter only later: a first check before the task can be done costs a whole extra interval
      return Math.max(1, (long) (delay * (1.0 + 0.05 * random.getAsDouble())));
    }
    double grown = Math.max(minMillis, expected / 4.0) * Math.pow(1.5, checksDone - 1);
    return jitter((long) Math.min(grown, maxMillis));
  }

  private long jitter(long delay) {
    double factor = 0.9 + 0.2 * random.getAsDouble();
    return Math.max(1, (long) (delay * factor));
  }
}
