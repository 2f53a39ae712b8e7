package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.nimble.BatchSubmission;
import dev.nimblekafka.nimble.CrawlStatus;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskPage;
import dev.nimblekafka.nimble.TaskResults;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.request.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Nimble in memory, for the fast tier: every call is kept, unanswered, until the test answers it,
 * so a test decides what Nimble says and when. Used by the test's thread only.
 */
final class FakeNimble implements NimbleCalls {

  enum Op {
    SUBMIT,
    BATCH,
    STATUS,
    RESULTS,
    LIST,
    /** A bulk read of the account's latest tasks' states. */
    LATEST,
    /** A batch's read; the call's {@code taskId} is the batch id. */
    BATCH_STATUS,
    /** A crawl's read; the call's {@code taskId} is the crawl id. */
    CRAWL,
    /** A crawl's cancel; the call's {@code taskId} is the crawl id. */
    CANCEL_CRAWL,
    /** A read of the account's latest crawls. */
    CRAWLS
  }

  /** One call the worker made: the body it sent (or the task id it asked about) and its answer. */
  static final class Call {
    final Op op;
    final Kind kind;
    final JsonNode body;
    final String taskId;
    private final CompletableFuture<Object> answer = new CompletableFuture<>();
    private BooleanSupplier live = () -> true;
    private java.util.function.Predicate<String> keepInputOfTag = tag -> true;

    Call(Op op, Kind kind, JsonNode body, String taskId) {
      this.op = op;
      this.kind = kind;
      this.body = body;
      this.taskId = taskId;
    }

    Call fencedBy(BooleanSupplier fence) {
      this.live = fence;
      return this;
    }

    /** Whether the worker would still send this call if it went out now (its fence). */
    boolean live() {
      return live.getAsBoolean();
    }

    boolean answered() {
      return answer.isDone();
    }

    /** Answers a create or status call with a task in this state. */
    void task(String id, TaskState state) {
      answer.complete(info(id, state));
    }

    /** Answers a batch call with one created task per id, in order. */
    void batch(String... ids) {
      batchNamed("batch-1", ids);
    }

    /** Answers a batch call as batch {@code batchId}, with one created task per id, in order. */
    void batchNamed(String batchId, String... ids) {
      List<TaskInfo> tasks = new ArrayList<>();
      for (String id : ids) {
        tasks.add(info(id, TaskState.PENDING));
      }
      answer.complete(new BatchSubmission(batchId, tasks));
    }

    /** Answers a batch call with these created tasks, each echoing its input. */
    void batchEchoing(String batchId, TaskPage.Listed... tasks) {
      List<TaskInfo> infos = new ArrayList<>();
      List<JsonNode> inputs = new ArrayList<>();
      for (TaskPage.Listed task : tasks) {
        infos.add(task.info());
        inputs.add(task.input());
      }
      answer.complete(new BatchSubmission(batchId, infos, inputs));
    }

    /** Answers a read of the latest tasks, or of a batch, with these tasks' states. */
    void states(TaskInfo... tasks) {
      if (op == Op.LATEST) {
        List<TaskPage.Listed> listed = new ArrayList<>();
        for (TaskInfo task : tasks) {
          listed.add(new TaskPage.Listed(task, null));
        }
        answer.complete(new TaskPage(listed, null));
      } else {
        answer.complete(new ArrayList<>(Arrays.asList(tasks)));
      }
    }

    /** Answers a results call with this JSON body. */
    void results(String json) {
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      answer.complete(new TaskResults(body, body.length, "http://nimble/results/" + taskId));
    }

    /**
     * Answers a list call with these tasks (newest first) and where the next page starts, keeping
     * only the inputs the worker asked to keep, as the client does.
     */
    void page(String nextCursor, TaskPage.Listed... tasks) {
      List<TaskPage.Listed> kept = new ArrayList<>();
      for (TaskPage.Listed task : tasks) {
        String tag = task.input() == null ? null : SubmissionMark.tagOf(task.input());
        kept.add(keepInputOfTag.test(tag) ? task : new TaskPage.Listed(task.info(), null));
      }
      answer.complete(new TaskPage(kept, nextCursor));
    }

    /**
     * Answers a crawl read: the crawl in {@code state}, its pages listed in order, each {@code
     * "<task id>:<pending|completed|failed>"}.
     */
    void crawl(String state, String... pages) {
      List<CrawlStatus.Page> listed = new ArrayList<>();
      for (String page : pages) {
        int colon = page.lastIndexOf(':');
        listed.add(
            new CrawlStatus.Page(
                page.substring(0, colon),
                CrawlStatus.PageState.fromWire(page.substring(colon + 1))));
      }
      answer.complete(new CrawlStatus(taskId, state, listed.size(), listed));
    }

    /** Answers a read of the latest crawls with these, newest first. */
    void crawls(dev.nimblekafka.nimble.CrawlListing... crawls) {
      answer.complete(new ArrayList<>(Arrays.asList(crawls)));
    }

    /** Answers a cancel. */
    void canceled() {
      answer.complete(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
    }

    void fail(NimbleException error) {
      answer.completeExceptionally(error);
    }

    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> future() {
      return (CompletableFuture<T>) (CompletableFuture<?>) answer;
    }

    @Override
    public String toString() {
      return op + (taskId != null ? " " + taskId : "") + (answered() ? " (answered)" : "");
    }
  }

  static TaskInfo info(String id, TaskState state) {
    String wire = state.name().toLowerCase(Locale.ROOT);
    return new TaskInfo(id, state, wire, null, null, null, null, null);
  }

  /** A listed task with this input, created at {@code createdAt}. */
  static TaskPage.Listed listed(String id, long createdAt, JsonNode input) {
    String at = java.time.Instant.ofEpochMilli(createdAt).toString();
    return new TaskPage.Listed(
        new TaskInfo(id, TaskState.PENDING, "pending", null, null, null, at, at), input);
  }

  /** A create whose answer was lost: the connection closed after the request went out. */
  static NimbleException.Unavailable lost() {
    return new NimbleException.Unavailable(0, "IO_ERROR", "connection closed", null, null);
  }

  static NimbleException.Unavailable unavailable(int status, Duration retryAfter) {
    String code = status == 429 ? "RATE_LIMITED" : "NIMBLE_UNAVAILABLE";
    return new NimbleException.Unavailable(status, code, "status " + status, retryAfter, null);
  }

  static NimbleException.Rejected rejected(int status) {
    return new NimbleException.Rejected(status, "NOT_FOUND", "status " + status, null);
  }

  static NimbleException.AccessDenied denied(int status) {
    return new NimbleException.AccessDenied(status, "PAYMENT_REQUIRED", "status " + status);
  }

  private final List<Call> calls = new ArrayList<>();
  boolean circuitOpen;

  List<Call> calls() {
    return calls;
  }

  /** The calls of this kind not answered yet, oldest first. */
  List<Call> open(Op op) {
    List<Call> open = new ArrayList<>();
    for (Call call : calls) {
      if (call.op == op && !call.answered()) {
        open.add(call);
      }
    }
    return open;
  }

  /** The only open call of this kind (fails when there is not exactly one). */
  Call only(Op op) {
    List<Call> open = open(op);
    if (open.size() != 1) {
      throw new AssertionError(
          "expected one open " + op + " call but found " + open + " in " + calls);
    }
    return open.get(0);
  }

  long count(Op op) {
    return calls.stream().filter(call -> call.op == op).count();
  }

  @Override
  public CompletableFuture<TaskInfo> submit(Kind kind, JsonNode body, BooleanSupplier live) {
    return add(new Call(Op.SUBMIT, kind, body, null).fencedBy(live));
  }

  @Override
  public CompletableFuture<BatchSubmission> submitBatch(
      Kind kind, JsonNode body, BooleanSupplier live) {
    return add(new Call(Op.BATCH, kind, body, null).fencedBy(live));
  }

  @Override
  public CompletableFuture<TaskInfo> task(String taskId, BooleanSupplier live) {
    return add(new Call(Op.STATUS, null, null, taskId).fencedBy(live));
  }

  @Override
  public CompletableFuture<TaskResults> results(
      String taskId, long maxBytes, BooleanSupplier live) {
    return add(new Call(Op.RESULTS, null, null, taskId).fencedBy(live));
  }

  @Override
  public CompletableFuture<TaskPage> recentTasks(
      String cursor,
      int limit,
      java.util.function.Predicate<String> keepInputOfTag,
      BooleanSupplier live) {
    Call call = new Call(Op.LIST, null, null, cursor).fencedBy(live);
    call.keepInputOfTag = keepInputOfTag;
    return add(call);
  }

  @Override
  public CompletableFuture<TaskPage> latestStates(int limit, BooleanSupplier live) {
    return add(new Call(Op.LATEST, null, null, null).fencedBy(live));
  }

  @Override
  public CompletableFuture<List<TaskInfo>> batch(String batchId, BooleanSupplier live) {
    return add(new Call(Op.BATCH_STATUS, null, null, batchId).fencedBy(live));
  }

  @Override
  public CompletableFuture<CrawlStatus> crawl(String crawlId, BooleanSupplier live) {
    return add(new Call(Op.CRAWL, Kind.CRAWL, null, crawlId).fencedBy(live));
  }

  @Override
  public CompletableFuture<List<dev.nimblekafka.nimble.CrawlListing>> recentCrawls(
      int limit, BooleanSupplier live) {
    return add(new Call(Op.CRAWLS, Kind.CRAWL, null, null).fencedBy(live));
  }

  @Override
  public CompletableFuture<JsonNode> cancelCrawl(String crawlId, BooleanSupplier live) {
    return add(new Call(Op.CANCEL_CRAWL, Kind.CRAWL, null, crawlId).fencedBy(live));
  }

  @Override
  public boolean circuitOpen() {
    return circuitOpen;
  }

  @Override
  public String resultsUrl(String taskId) {
    return "http://nimble/v1/tasks/" + taskId + "/results";
  }

  private <T> CompletableFuture<T> add(Call call) {
    calls.add(call);
    return call.future();
  }
}
