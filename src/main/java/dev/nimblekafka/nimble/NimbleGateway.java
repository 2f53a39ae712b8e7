package dev.nimblekafka.nimble;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The Nimble client behind a {@link CallPacer} for this pod's share of the key's calls per second
 * (waited for without blocking a thread, and held back while Nimble asked to wait), and behind
 * Resilience4j: a circuit breaker that only IO errors, timeouts and 5xx can open, and retry with
 * exponential backoff and jitter for 429/5xx/IO that honours any retry-after hint up to the longest
 * backoff ({@code NIMBLE_BACKOFF_MAX}). Status checks are not retried here: the caller simply
 * checks again later.
 */
public final class NimbleGateway {
  /** Calls that may wait this long for a rate-limit permit; beyond it they fail as throttled. */
  private static final Duration MAX_PERMIT_WAIT = Duration.ofSeconds(30);

  /** A caller that wants its call whenever it goes out. */
  private static final BooleanSupplier ALWAYS = () -> true;

  private final NimbleClient client;
  private final ScheduledExecutorService scheduler;
  private final CircuitBreaker breaker;
  private final CallPacer pacer;
  private final LongSupplier pausedUntil;
  private final Retry retry;
  private final Retry createRetry;
  private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
  private final RetryRegistry retries = RetryRegistry.ofDefaults();

  /** A gateway spending the whole of {@code settings.callsPerSecond()} (one pod, or a test). */
  public NimbleGateway(
      NimbleClient client, ResilienceSettings settings, ScheduledExecutorService scheduler) {
    this(client, settings, scheduler, settings::callsPerSecond, () -> Long.MIN_VALUE);
  }

  /**
   * @param callsPerSecond the rate to pace calls at, read at every call (the pod's share now)
   * @param pausedUntil epoch ms before which no call goes (Nimble said to retry after)
   */
  public NimbleGateway(
      NimbleClient client,
      ResilienceSettings settings,
      ScheduledExecutorService scheduler,
      DoubleSupplier callsPerSecond,
      LongSupplier pausedUntil) {
    this.client = client;
    this.pausedUntil = pausedUntil;
    this.pacer = new CallPacer(callsPerSecond, System::nanoTime, MAX_PERMIT_WAIT.toNanos());
    this.scheduler = scheduler;
    this.breaker =
        breakers.circuitBreaker(
            "nimble",
            CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.breakerFailureRate())
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(Math.max(1, settings.breakerWindow() / 2))
                .waitDurationInOpenState(settings.breakerOpenWait())
                .permittedNumberOfCallsInHalfOpenState(3)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(NimbleGateway::opensCircuit)
                .ignoreException(opensCircuit().negate())
                .build());
    IntervalFunction backoff =
        IntervalFunction.ofExponentialRandomBackoff(
            settings.backoffInitial(), 2.0, 0.5, settings.backoffMax());
    IntervalBiFunction<Object> interval =
        (attempt, outcome) -> {
          long computed = backoff.apply(attempt);
          if (outcome.isLeft()
              && NimbleException.of(outcome.getLeft()) instanceof NimbleException.Unavailable u
              && u.retryAfter().isPresent()) {
            long asked = u.retryAfter().get().toMillis();
            return Math.min(
                Math.max(asked, settings.backoffInitial().toMillis()),
                settings.backoffMax().toMillis());
          }
          return computed;
        };
    this.retry =
        retries.retry(
            "nimble",
            RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalBiFunction(interval)
                .retryOnException(NimbleGateway::retryable)
                .failAfterMaxAttempts(false)
                .build());
    this.createRetry =
        retries.retry(
            "nimble-create",
            RetryConfig.custom()
                .maxAttempts(settings.maxAttempts())
                .intervalBiFunction(interval)
                .retryOnException(NimbleGateway::safeToCreateAgain)
                .failAfterMaxAttempts(false)
                .build());
  }

  /** Publishes Resilience4j's own meters (breaker state, retries). */
  public void bindMetrics(MeterRegistry registry) {
    TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
    TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(registry);
  }

  public CircuitBreaker circuitBreaker() {
    return breaker;
  }

  public NimbleClient client() {
    return client;
  }

  /** True while new work should not be started (circuit open or forced open). */
  public boolean circuitOpen() {
    CircuitBreaker.State state = breaker.getState();
    return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
  }

  public CompletableFuture<TaskInfo> submitExtract(JsonNode body) {
    return submitExtract(body, ALWAYS);
  }

  /**
   * A create call that goes out only while {@code live} holds, asked right before each attempt
   * (after any wait for a permit): a call of a partition no longer owned is never sent, and fails
   * as {@code FENCED}.
   */
  public CompletableFuture<TaskInfo> submitExtract(JsonNode body, BooleanSupplier live) {
    return created(() -> client.submitExtract(body), live);
  }

  public CompletableFuture<TaskInfo> submitAgent(JsonNode body) {
    return submitAgent(body, ALWAYS);
  }

  /** As {@link #submitExtract(JsonNode, BooleanSupplier)}, for an agent. */
  public CompletableFuture<TaskInfo> submitAgent(JsonNode body, BooleanSupplier live) {
    return created(() -> client.submitAgent(body), live);
  }

  public CompletableFuture<BatchSubmission> submitExtractBatch(JsonNode body) {
    return submitExtractBatch(body, ALWAYS);
  }

  /** As {@link #submitExtract(JsonNode, BooleanSupplier)}, for a batch. */
  public CompletableFuture<BatchSubmission> submitExtractBatch(
      JsonNode body, BooleanSupplier live) {
    return created(() -> client.submitExtractBatch(body), live);
  }

  public CompletableFuture<BatchSubmission> submitAgentBatch(JsonNode body) {
    return submitAgentBatch(body, ALWAYS);
  }

  /** As {@link #submitExtract(JsonNode, BooleanSupplier)}, for a batch of agents. */
  public CompletableFuture<BatchSubmission> submitAgentBatch(JsonNode body, BooleanSupplier live) {
    return created(() -> client.submitAgentBatch(body), live);
  }

  /** As {@link #submitExtract(JsonNode, BooleanSupplier)}, for a search engine results page. */
  public CompletableFuture<TaskInfo> submitSerp(JsonNode body, BooleanSupplier live) {
    return created(() -> client.submitSerp(body), live);
  }

  /** As {@link #submitExtract(JsonNode, BooleanSupplier)}, for a crawl: its id is the task's. */
  public CompletableFuture<TaskInfo> submitCrawl(JsonNode body, BooleanSupplier live) {
    return created(() -> client.submitCrawl(body), live);
  }

  /** A crawl's state and page tasks; throttled and guarded, not retried (it is read again). */
  public CompletableFuture<CrawlStatus> crawl(String crawlId, BooleanSupplier live) {
    return guarded(() -> client.crawl(crawlId), live).toCompletableFuture();
  }

  /** The account's latest crawls; throttled and guarded, not retried. */
  public CompletableFuture<List<CrawlListing>> recentCrawls(int limit, BooleanSupplier live) {
    return guarded(() -> client.recentCrawls(limit), live).toCompletableFuture();
  }

  /** Cancels a crawl, retried (a cancel that is not heard is simply sent again). */
  public CompletableFuture<JsonNode> cancelCrawl(String crawlId, BooleanSupplier live) {
    return retried(() -> client.cancelCrawl(crawlId), live);
  }

  /** As {@link #submitExtract(JsonNode, BooleanSupplier)}, for a batch of SERP requests. */
  public CompletableFuture<BatchSubmission> submitSerpBatch(JsonNode body, BooleanSupplier live) {
    return created(() -> client.submitSerpBatch(body), live);
  }

  /** A single status check: throttled and guarded, not retried. */
  public CompletableFuture<TaskInfo> task(String taskId) {
    return task(taskId, ALWAYS);
  }

  /** As {@link #task(String)}, sent only while {@code live} holds when it is about to go out. */
  public CompletableFuture<TaskInfo> task(String taskId, BooleanSupplier live) {
    return guarded(() -> client.task(taskId), live).toCompletableFuture();
  }

  public CompletableFuture<TaskResults> results(String taskId, long maxBytes) {
    return results(taskId, maxBytes, ALWAYS);
  }

  /** A result download, retried; each attempt goes out only while {@code live} holds. */
  public CompletableFuture<TaskResults> results(
      String taskId, long maxBytes, BooleanSupplier live) {
    return retried(() -> client.results(taskId, maxBytes), live);
  }

  /** {@code GET /v1/batches/{id}}: every task of the batch; throttled and guarded, not retried. */
  public CompletableFuture<List<TaskInfo>> batchTasks(String batchId) {
    return batchTasks(batchId, ALWAYS);
  }

  /** As {@link #batchTasks(String)}, fenced as {@link #task(String, BooleanSupplier)} is. */
  public CompletableFuture<List<TaskInfo>> batchTasks(String batchId, BooleanSupplier live) {
    return guarded(() -> client.batchTasks(batchId), live).toCompletableFuture();
  }

  /**
   * {@code GET /v1/tasks}: one page of the account's tasks, newest first, each with its input;
   * throttled and guarded, not retried.
   */
  public CompletableFuture<TaskPage> recentTasks(String cursor, int limit) {
    return guarded(() -> client.recentTasks(cursor, limit), ALWAYS).toCompletableFuture();
  }

  /**
   * {@code GET /v1/tasks}: one page of the account's tasks, newest first, keeping a task's input
   * only when {@code keepInputOfTag} accepts its tag; throttled and guarded, not retried.
   */
  public CompletableFuture<TaskPage> recentTasks(
      String cursor, int limit, Predicate<String> keepInputOfTag) {
    return recentTasks(cursor, limit, keepInputOfTag, ALWAYS);
  }

  /** As {@link #recentTasks(String, int, Predicate)}, fenced as {@link #task} is. */
  public CompletableFuture<TaskPage> recentTasks(
      String cursor, int limit, Predicate<String> keepInputOfTag, BooleanSupplier live) {
    return guarded(() -> client.recentTasks(cursor, limit, keepInputOfTag), live)
        .toCompletableFuture();
  }

  /**
   * A create call: tried again only when Nimble surely created nothing (429, a refused connection,
   * the local throttle). A timeout, a lost answer or a 5xx comes back to the caller, which looks
   * the task up before it creates another.
   */
  private <T> CompletableFuture<T> created(
      Supplier<CompletableFuture<T>> call, BooleanSupplier live) {
    return Retry.decorateCompletionStage(createRetry, scheduler, () -> guarded(call, live))
        .get()
        .toCompletableFuture();
  }

  private <T> CompletableFuture<T> retried(
      Supplier<CompletableFuture<T>> call, BooleanSupplier live) {
    return Retry.decorateCompletionStage(retry, scheduler, () -> guarded(call, live))
        .get()
        .toCompletableFuture();
  }

  /**
   * Rate limit first (waiting on the scheduler, not a thread), then {@code live}, asked right
   * before the call goes out, then the circuit breaker.
   */
  private <T> CompletionStage<T> guarded(
      Supplier<CompletableFuture<T>> call, BooleanSupplier live) {
    Supplier<CompletionStage<T>> breaking =
        CircuitBreaker.decorateCompletionStage(breaker, call::get);
    Supplier<CompletionStage<T>> broken =
        () -> live.getAsBoolean() ? breaking.get() : CompletableFuture.failedFuture(fenced());
    long waitNanos = pacer.reserve();
    long until = pausedUntil.getAsLong();
    long now = System.currentTimeMillis();
    if (waitNanos >= 0 && until > now) {
      waitNanos = Math.max(waitNanos, TimeUnit.MILLISECONDS.toNanos(until - now));
    }
    if (waitNanos < 0 || waitNanos > MAX_PERMIT_WAIT.toNanos()) {
      return CompletableFuture.failedFuture(
          new NimbleException.Unavailable(
              0, "THROTTLED", "local rate limit: no permit within " + MAX_PERMIT_WAIT, null, null));
    }
    if (waitNanos == 0) {
      return broken.get();
    }
    CompletableFuture<T> later = new CompletableFuture<>();
    scheduler.schedule(
        () ->
            broken
                .get()
                .whenComplete(
                    (value, failure) -> {
                      if (failure != null) {
                        later.completeExceptionally(failure);
                      } else {
                        later.complete(value);
                      }
                    }),
        waitNanos,
        TimeUnit.NANOSECONDS);
    return later;
  }

  /**
   * 429, 5xx and IO errors are tried again; an open circuit is not (the caller waits it out), nor a
   * call its caller no longer wants.
   */
  static boolean retryable(Throwable failure) {
    Throwable cause = ErrorClassifier.unwrap(failure);
    return !(cause instanceof CallNotPermittedException)
        && NimbleException.of(cause) instanceof NimbleException.Unavailable u
        && !u.fenced();
  }

  private static NimbleException.Unavailable fenced() {
    return new NimbleException.Unavailable(
        0,
        NimbleException.Unavailable.FENCED,
        "not sent: the caller no longer owns it",
        null,
        null);
  }

  /** Retriable, and no task can have been created: safe to send a create call again. */
  static boolean safeToCreateAgain(Throwable failure) {
    return retryable(failure)
        && NimbleException.of(failure) instanceof NimbleException.Unavailable u
        && !u.mayHaveCreated();
  }

  /** IO errors, timeouts and 5xx open the circuit; 4xx (429 included) never do. */
  static boolean opensCircuit(Throwable failure) {
    NimbleException error = NimbleException.of(failure);
    return error instanceof NimbleException.Unavailable u
        && !u.isRateLimit()
        && !u.fenced()
        && !"THROTTLED".equals(u.code());
  }

  private static Predicate<Throwable> opensCircuit() {
    return NimbleGateway::opensCircuit;
  }
}
