package dev.nimblekafka.task;

import dev.nimblekafka.request.ExtractionRequest;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.request.RequestHeaders;
import io.opentelemetry.api.trace.Span;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One request the worker is responsible for, from consumption to outcome: the request as parsed
 * once when consumed, and where it stands. Read by anyone on the consume loop's thread; changed
 * only by the {@link TaskBook}, one transition at a time.
 */
public final class PendingTask {
  /**
   * What a held request costs besides its bytes: this object, its request's id, kind and delivery,
   * the book's entries for it (by id, in the queue, its timer), rounded up.
   */
  public static final int OVERHEAD_BYTES = 1_024;

  /**
   * Stands for a record key that is the request id's UTF-8 bytes (requests are keyed by their id as
   * a rule): the id is held once, and the key made again from it when asked.
   */
  private static final byte[] KEY_IS_ID = new byte[0];

  private final int partition;
  private final long sourceOffset;
  private final byte[] key;
  private final byte[] value;
  private final ExtractionRequest request;
  private final RequestHeaders headers;
  private final int heldBytes;
  private TaskPhase phase;
  private String taskId;
  private int attempts;
  private long submittedAt;
  private long firstSubmittedAt;
  private int checks;
  private long dueAt;
  private boolean callback;
  private String hintedTaskId;
  private long completedAt;
  private long queuedAt;
  private long sentAt;
  private long suspectSince = -1;
  private boolean alone;
  private CrawlProgress crawl;
  private String batchId;
  private boolean unconfirmed;
  private boolean unlisted;
  private Span span;

  private PendingTask(
      int partition,
      long sourceOffset,
      byte[] key,
      byte[] value,
      ExtractionRequest request,
      RequestHeaders headers) {
    this.partition = partition;
    this.sourceOffset = sourceOffset;
    this.key = isId(key, request.requestId()) ? KEY_IS_ID : key;
    this.value = value;
    this.request = request;
    this.headers = headers == null ? RequestHeaders.NONE : headers;
    this.heldBytes = Math.toIntExact(heldBytes(key, value, this.headers));
  }

  private static boolean isId(byte[] key, String requestId) {
    return key != null
        && key.length >= requestId.length()
        && Arrays.equals(key, requestId.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The bytes a request held by the worker takes: its record's value, key and headers as kept, plus
   * {@link #OVERHEAD_BYTES}.
   */
  public static long heldBytes(byte[] key, byte[] value, RequestHeaders headers) {
    long bytes =
        OVERHEAD_BYTES + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    for (RequestHeaders.Header header : headers.kept()) {
      bytes += header.name().length() + (header.value() == null ? 0 : header.value().length);
    }
    return bytes;
  }

  /**
   * A valid request just consumed, not yet in the book.
   *
   * @param key the request record's key, or null
   * @param value the request record's value, as consumed
   * @param request what parsing the value found
   */
  public static PendingTask consumed(
      int partition, long offset, byte[] key, byte[] value, ExtractionRequest request) {
    return consumed(partition, offset, key, value, request, RequestHeaders.NONE);
  }

  /**
   * A valid request just consumed, with the record's headers its outcome will carry.
   *
   * @param headers the request record's headers, as kept
   */
  public static PendingTask consumed(
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      ExtractionRequest request,
      RequestHeaders headers) {
    PendingTask task = new PendingTask(partition, offset, key, value, request, headers);
    task.phase = TaskPhase.QUEUED;
    return task;
  }

  /** A request read back from the state topic: with a task id, Nimble already has its task. */
  static PendingTask restored(StoredTask stored, int partition, ExtractionRequest request) {
    PendingTask task =
        new PendingTask(
            partition,
            stored.sourceOffset(),
            stored.requestKey(),
            stored.request(),
            request,
            stored.headers());
    task.phase = stored.taskId() == null ? TaskPhase.QUEUED : TaskPhase.WAITING;
    task.taskId = stored.taskId();
    task.attempts = stored.attempts();
    task.submittedAt = stored.submittedAt();
    task.firstSubmittedAt = stored.firstSubmittedAt();
    task.callback = stored.callback();
    task.batchId = stored.batchId();
    if (stored.crawl() != null) {
      task.crawl = CrawlProgress.restored(stored.crawl());
    }
    return task;
  }

  void moveTo(TaskPhase next) {
    phase = phase.moveTo(next);
  }

  /** Nimble created a task for this request. */
  void created(String newTaskId, String newBatchId, long now) {
    taskId = newTaskId;
    batchId = newBatchId;
    unlisted = false;
    attempts++;
    submittedAt = now;
    if (firstSubmittedAt == 0) {
      firstSubmittedAt = now;
    }
    checks = 0;
  }

  /**
   * The state record of the request as it stands: a queued request has no task at Nimble (a task
   * that failed and is to be created again is over), so it is recorded without one, with the
   * attempts made so far.
   */
  public StoredTask toStored(String sourceTopic) {
    return new StoredTask(
        request.requestId(),
        phase == TaskPhase.QUEUED ? null : taskId,
        request.kind(),
        attempts,
        submittedAt,
        firstSubmittedAt,
        sourceTopic,
        sourceOffset,
        value,
        callback,
        key(),
        headers,
        batchId,
        crawl() == null ? null : crawl.saved());
  }

  /**
   * How far the crawl this request starts is followed (and whether the worker ends it); null when
   * the request is no crawl.
   */
  public CrawlProgress crawl() {
    if (crawl == null && kind() == Kind.CRAWL) {
      crawl = CrawlProgress.started();
    }
    return crawl;
  }

  /** Whether a callback named {@code id} before the worker could act on it (then: check now). */
  boolean takeHint(String id) {
    boolean match = hintedTaskId != null && hintedTaskId.equals(id);
    if (match) {
      hintedTaskId = null;
    }
    return match;
  }

  void hinted(String id) {
    hintedTaskId = id;
  }

  void queuedAt(long at) {
    queuedAt = at;
  }

  void suspectSince(long since) {
    suspectSince = since;
  }

  void sentAt(long at) {
    sentAt = at;
  }

  void alone(boolean value) {
    alone = value;
  }

  void callback(boolean value) {
    callback = value;
  }

  void completedAt(long at) {
    completedAt = at;
  }

  void unconfirmed(boolean value) {
    unconfirmed = value;
  }

  void markUnlisted() {
    unlisted = true;
  }

  void leftBatch() {
    batchId = null;
  }

  void countCheck() {
    checks++;
  }

  void dueAt(long at) {
    dueAt = at;
  }

  public String requestId() {
    return request.requestId();
  }

  /**
   * The request as checked when consumed: kind and delivery options at hand, the Nimble body and
   * the metadata read again from {@link #value()} when asked.
   */
  public ExtractionRequest request() {
    return request;
  }

  public Kind kind() {
    return request.kind();
  }

  public int partition() {
    return partition;
  }

  public long sourceOffset() {
    return sourceOffset;
  }

  /** The request record's key, or null when it had none. */
  public byte[] key() {
    return key == KEY_IS_ID ? request.requestId().getBytes(StandardCharsets.UTF_8) : key;
  }

  /** The request record's headers that its outcome carries. */
  public RequestHeaders headers() {
    return headers;
  }

  /** The bytes holding this request takes ({@link #heldBytes(byte[], byte[], RequestHeaders)}). */
  public long heldBytes() {
    return heldBytes;
  }

  /** The request record's value, byte for byte. */
  public byte[] value() {
    return value;
  }

  public TaskPhase phase() {
    return phase;
  }

  public String taskId() {
    return taskId;
  }

  public int attempts() {
    return attempts;
  }

  public long submittedAt() {
    return submittedAt;
  }

  public long firstSubmittedAt() {
    return firstSubmittedAt;
  }

  public int checks() {
    return checks;
  }

  public long dueAt() {
    return dueAt;
  }

  /** Whether Nimble will call the worker back for the current task. */
  public boolean callback() {
    return callback;
  }

  /** When Nimble finished the task (epoch ms), once a status check said so. */
  public long completedAt() {
    return completedAt;
  }

  /** When the request last joined the submission queue (epoch ms). */
  public long queuedAt() {
    return queuedAt;
  }

  /**
   * Since when a previous owner may have created this request's task (epoch ms), or -1 when the
   * request is not suspect.
   */
  public long suspectSince() {
    return suspectSince;
  }

  /** When the last create call for this request went out (epoch ms). */
  public long sentAt() {
    return sentAt;
  }

  /** The Nimble batch the current task was created in, or null: one read checks them all. */
  public String batchId() {
    return batchId;
  }

  /**
   * Whether the results are being fetched on a callback's word alone, with no status check saying
   * the task succeeded: a refused fetch then means "look again", not "gone".
   */
  public boolean unconfirmed() {
    return unconfirmed;
  }

  /**
   * Whether a read of the account's recent tasks missed this task once: it is checked on its own
   * (or through its batch) from then on.
   */
  public boolean unlisted() {
    return unlisted;
  }

  /** Submit this one on its own (its batch was refused as a whole, or it was created before). */
  public boolean alone() {
    return alone || attempts > 0 || kind() == Kind.CRAWL;
  }

  @Override
  public String toString() {
    return "PendingTask[" + requestId() + ", " + taskId + ", " + phase.code() + "]";
  }

  /** The request's trace span, or null before it is traced (a request read back). */
  public Span span() {
    return span;
  }

  /** The request is traced by {@code span} from now on. */
  public void traced(Span span) {
    this.span = span;
  }
}
