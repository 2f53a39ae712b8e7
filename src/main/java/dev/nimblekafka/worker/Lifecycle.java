package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.config.WorkerConfig;
import dev.nimblekafka.fleet.KeyShare;
import dev.nimblekafka.publish.OutcomeRecords;
import dev.nimblekafka.request.ExtractionRequest;
import dev.nimblekafka.request.RequestParser;
import dev.nimblekafka.task.CheckBudget;
import dev.nimblekafka.task.DurationEstimator;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.PollPolicy;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.trace.RequestTracing;
import dev.nimblekafka.usage.UsageCodec;
import dev.nimblekafka.usage.UsageView;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request lifecycle as the consume loop sees it: records in, one turn of work, and every event
 * handled here, in one place. Admitting requests, creating tasks and watching them are done by
 * {@link Admission}, {@link Submitter} and {@link Checker}; what a request is and where it stands
 * is kept by the {@link TaskBook} alone. Nothing here blocks.
 */
final class Lifecycle implements LoopEvent.Handler {
  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  private final TaskContext context;
  private final Admission admission;
  private final Submitter submitter;
  private final Checker checker;
  private final Restorer restorer;
  private final RequestParser parser;
  private final WorkerStatus status;
  private final Ledger ledger;
  private final RestoreRetries restoreRetries = new RestoreRetries();
  private final RestoreBacklog backlog = new RestoreBacklog();
  private final Set<Integer> waitingReported = new HashSet<>();

  /**
   * What a lifecycle is built from besides the settings.
   *
   * @param outcomes how result and failure records are made
   * @param unit where they go: the loop's unit of work
   * @param random uniform in [0, 1), for the polling policy's jitter
   * @param share this pod's part of the key's limits, as the fleet splits them
   * @param ownership which partitions calls may still go out for (kept by the consume loop)
   * @param tracing the spans of requests and their Nimble calls
   * @param fleetUsage the fleet's tasks created today, as the usage topic was last read
   */
  record Parts(
      NimbleCalls nimble,
      KeyShare share,
      OutcomeRecords outcomes,
      UnitOfWork unit,
      Restorer restorer,
      Clock clock,
      WorkerMetrics metrics,
      WorkerStatus status,
      Queue<LoopEvent> events,
      DoubleSupplier random,
      Ownership ownership,
      RequestTracing tracing,
      Supplier<UsageView.Snapshot> fleetUsage) {}

  /**
   * Wires a lifecycle for these settings.
   *
   * @param maxRequestBytes the largest request whose state record fits the state topic
   */
  static Lifecycle create(
      WorkerConfig config, Parts parts, ObjectMapper json, int maxRequestBytes) {
    TaskBook book =
        new TaskBook(
            config.tasks().maxPendingBytes(),
            config.tenants()::weight,
            config.tenants().aging().toMillis());
    PollPolicy policy =
        new PollPolicy(
            new DurationEstimator(config.tasks().expectedDuration().toMillis()),
            config.tasks().pollMinInterval(),
            config.tasks().pollMaxInterval(),
            config.callbacks().safetyInterval(),
            config.resilience().callsPerSecond(),
            new CheckBudget(parts.share()::callsPerSecond),
            listLimit(config),
            parts.random());
    Set<String> named = new HashSet<>(config.tenants().weights().keySet());
    named.addAll(config.tenants().maxTasks().keySet());
    named.addAll(config.tenants().dailyTasks().keySet());
    Ledger ledger =
        new Ledger(
            config.ledger().topic(),
            config.ledger().prices(),
            new UsageCodec(json),
            parts.clock(),
            parts.unit()::send,
            new TenantMeters(parts.metrics().registry(), named));
    OutcomeWriter writer =
        new OutcomeWriter(
            book,
            new OutcomeWriter.Target(
                config.topics(),
                parts.outcomes(),
                config.tasks().maxResultBytes(),
                parts.nimble()::resultsUrl,
                parts.unit()),
            json,
            parts.clock(),
            parts.metrics(),
            parts.tracing(),
            ledger);
    TaskContext context =
        new TaskContext(
            book,
            parts.nimble(),
            new Calls(
                book, parts.ownership(), parts.metrics(), parts.events(), parts.tracing(), ledger),
            writer,
            policy,
            parts.share(),
            parts.clock(),
            parts.metrics(),
            parts.ownership(),
            parts.tracing());
    BudgetMeters budgetMeters =
        new BudgetMeters(parts.metrics().registry(), config.tenants().dailyTasks());
    TenantBudgets budgets =
        new TenantBudgets(
            config.tenants(),
            parts.clock(),
            parts.fleetUsage(),
            ledger,
            book,
            () -> (double) parts.share().tasks() / Math.max(1, config.key().fleetTasks()),
            budgetMeters);
    Checker checker = new Checker(context, config.tasks(), json, budgets::remaining);
    return new Lifecycle(
        context,
        new Admission(
            context,
            new RequestParser(json, config.destinations(), config.tenants().header()),
            json,
            maxRequestBytes,
            checker.crawls()::cancel),
        new Submitter(
            context,
            config.tasks(),
            config.key(),
            config.batch(),
            config.callbacks(),
            config.tenants(),
            budgets,
            budgetMeters),
        checker,
        parts.restorer(),
        new RequestParser(json, config.destinations(), config.tenants().header()),
        parts.status(),
        ledger);
  }

  /**
   * Tasks one read of the latest tasks asks for: twice what the fleet keeps at Nimble covers its
   * tasks when nobody else uses the key, and {@code POLL_LIST_LIMIT} bounds it.
   */
  static int listLimit(WorkerConfig config) {
    return Math.min(config.key().listLimit(), Math.max(100, 2 * config.key().fleetTasks()));
  }

  Lifecycle(
      TaskContext context,
      Admission admission,
      Submitter submitter,
      Checker checker,
      Restorer restorer,
      RequestParser parser,
      WorkerStatus status,
      Ledger ledger) {
    this.context = context;
    this.admission = admission;
    this.submitter = submitter;
    this.checker = checker;
    this.restorer = restorer;
    this.parser = parser;
    this.status = status;
    this.ledger = ledger;
  }

  /** Starts reading state back (on its own thread). */
  void start() {
    restorer.start();
  }

  void close() {
    restorer.close();
  }

  TaskBook book() {
    return context.book();
  }

  void admit(ConsumerRecord<byte[], byte[]> record) {
    admission.admit(record);
  }

  /**
   * Starts what may start now: submissions (unless draining), due checks, due restore retries.
   * While {@code holding} (commits fail, or the unit of work is full) no call starts: what is done
   * could not be recorded.
   */
  void dispatch(boolean draining, boolean holding) {
    long now = context.clock().millis();
    if (!holding) {
      if (!draining) {
        submitter.dispatch(now);
      }
      checker.dispatch(now);
    }
    for (RestoreRetries.Retry retry : restoreRetries.due(now)) {
      if (backlog.has(retry.partition())) {
        backlog.retry(retry.partition());
      } else if (context.book().current(retry.partition(), retry.epoch())) {
        restorer.restore(retry.partition(), retry.epoch());
      }
    }
    loadRestored();
  }

  /**
   * Reads the state records restores left for later, as many as fit beside the requests held; a
   * partition whose records must wait for room is held back, and shows why.
   */
  private void loadRestored() {
    TaskBook book = context.book();
    for (RestoreBacklog.Load load : backlog.next(book.heldBytes(), book.heldLimit())) {
      restorer.load(load.partition(), load.epoch(), load.records());
    }
    for (int partition : backlog.waiting()) {
      book.holdBack(partition, backlog.why(partition));
      if (waitingReported.add(partition)) {
        log.warn(
            "Partition {} waits for room to read the rest of its state: {}",
            partition,
            backlog.why(partition));
      }
    }
  }

  /**
   * Takes a partition on; it stays paused until its state is read back. After a handover that was
   * not clean, requests the previous owner may have submitted are looked up before they are.
   */
  void assign(int partition, long epoch, TaskBook.Handover handover) {
    context.book().assign(partition, epoch, handover);
    context.ownership().own(partition, epoch);
    context.metrics().partitionSeen(partition);
    restorer.restore(partition, epoch);
  }

  /** Forgets a partition: its tasks belong to the next owner now. */
  void drop(int partition) {
    context.ownership().release(java.util.List.of(partition));
    for (PendingTask task : context.book().heldIn(partition)) {
      if (task.span() != null) {
        RequestTracing.ended(task.span(), task.taskId(), "HANDED_OVER");
      }
    }
    submitter.drop(partition);
    context.book().drop(partition);
    restoreRetries.forget(partition);
    backlog.forget(partition);
    waitingReported.remove(partition);
    ledger.drop(partition);
  }

  /**
   * Writes into the unit of work, before it commits, what must commit with the records in it: the
   * state records of crawls whose pages were published, and the usage totals that changed ({@code
   * all}: those whose calls alone changed too, as a forced commit before a hand-over or a
   * shutdown).
   */
  void beforeCommit(boolean all) {
    checker.crawls().flush();
    ledger.flush(all);
  }

  /** The unit of work committed. */
  void committed() {
    submitter.committed();
  }

  Submitter submitter() {
    return submitter;
  }

  /** Which partitions calls may still go out for. */
  Ownership ownership() {
    return context.ownership();
  }

  // ---- events -----------------------------------------------------------------------------

  /**
   * Puts a partition's restored requests back under watch (none with a task is created again), and
   * keeps where the rest are to read them as there is room. A record of a version this worker
   * cannot read holds the whole partition back: skipping it would leave an older state of its
   * request, created twice or never ended.
   */
  @Override
  public void restored(LoopEvent.Restored event) {
    TaskBook book = context.book();
    if (!book.current(event.partition(), event.epoch())) {
      return;
    }
    restoreRetries.forget(event.partition());
    if (event.unreadable() > 0) {
      context.metrics().unreadableState(event.unreadable());
    }
    if (event.unknown() != null) {
      context.metrics().unknownStateVersion();
      book.holdBack(event.partition(), event.unknown());
      log.error(
          "Partition {} is held back, not fetched: its state holds {}. A worker that reads it"
              + " takes the partition over; none of its requests is submitted here",
          event.partition(),
          event.unknown());
      return;
    }
    backlog.add(event.partition(), event.epoch(), event.later());
    take(event.partition(), event.epoch(), event.tasks(), event.later().isEmpty());
  }

  /** The partition's usage totals as last committed: its ledger goes on from them. */
  @Override
  public void usageRead(LoopEvent.UsageRead event) {
    if (context.book().current(event.partition(), event.epoch())) {
      ledger.load(event.partition(), event.totals());
    }
  }

  /** Requests read from the records a restore left for later. */
  @Override
  public void loaded(LoopEvent.Loaded event) {
    if (!context.book().current(event.partition(), event.epoch())
        || !backlog.reading(event.partition(), event.epoch())) {
      return;
    }
    boolean more = backlog.loaded(event.partition());
    take(event.partition(), event.epoch(), event.tasks(), !more);
    if (!more && waitingReported.remove(event.partition())) {
      log.info("Partition {} has its state read back", event.partition());
    }
  }

  private void take(int partition, long epoch, List<StoredTask> tasks, boolean last) {
    long now = context.clock().millis();
    boolean taken =
        context
            .book()
            .restore(
                partition,
                epoch,
                tasks,
                this::facts,
                now,
                task -> context.policy().restoredCheckAt(task, now),
                last);
    if (taken) {
      status.restored(tasks.size());
    }
  }

  @Override
  public void restoreFailed(LoopEvent.RestoreFailed event) {
    if (!context.book().current(event.partition(), event.epoch())) {
      return;
    }
    backlog.failed(event.partition());
    long now = context.clock().millis();
    long next = restoreRetries.failed(event.partition(), event.epoch(), now);
    log.warn(
        "Reading the state of partition {} failed ({}); trying again in {} ms",
        event.partition(),
        event.error().toString(),
        next - now);
  }

  @Override
  public void hint(LoopEvent.Hint event) {
    checker.hint(event.hint(), event.receivedNanos());
  }

  /** Every Nimble answer: counted off its lane, fenced by epoch, handed to the step that asked. */
  @Override
  public void answered(LoopEvent.Answered event) {
    context.calls().settle(event);
  }

  private ExtractionRequest facts(StoredTask stored) {
    return parser.recorded(stored.requestId(), stored.kind(), stored.request(), stored.headers());
  }
}
