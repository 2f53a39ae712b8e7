package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.nimble.BatchSubmission;
import dev.nimblekafka.nimble.CrawlListing;
import dev.nimblekafka.nimble.CrawlStatus;
import dev.nimblekafka.nimble.NimbleGateway;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskPage;
import dev.nimblekafka.nimble.TaskResults;
import dev.nimblekafka.request.Kind;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The Nimble calls the lifecycle makes, and nothing else: the seam between the request lifecycle
 * and the resilient HTTP client. Every call carries a fence, asked right before each attempt (after
 * any wait for a permit or a retry): a call no longer wanted fails as {@code FENCED}, having sent
 * nothing. Futures complete on other threads; failures carry a {@link
 * dev.nimblekafka.nimble.NimbleException}.
 */
interface NimbleCalls {
  /**
   * A create call, sent only while {@code live} holds when it is about to go out (after any wait
   * for a permit or a retry); otherwise it fails as {@code FENCED}, having created nothing.
   */
  CompletableFuture<TaskInfo> submit(Kind kind, JsonNode body, BooleanSupplier live);

  /** A batch create call, fenced as {@link #submit} is. */
  CompletableFuture<BatchSubmission> submitBatch(Kind kind, JsonNode body, BooleanSupplier live);

  /** A status check, sent only while {@code live} holds when it is about to go out. */
  CompletableFuture<TaskInfo> task(String taskId, BooleanSupplier live);

  /** A result download, fenced as {@link #task} is. */
  CompletableFuture<TaskResults> results(String taskId, long maxBytes, BooleanSupplier live);

  /**
   * A page of the account's tasks, newest first; a task's input is kept only when {@code
   * keepInputOfTag} accepts its tag (else it is null). Fenced as {@link #task} is.
   */
  CompletableFuture<TaskPage> recentTasks(
      String cursor, int limit, Predicate<String> keepInputOfTag, BooleanSupplier live);

  /**
   * The account's latest {@code limit} tasks with their states: one call that checks every task it
   * shows (a bulk status read; which tasks it shows is Nimble's business). No inputs are kept.
   */
  CompletableFuture<TaskPage> latestStates(int limit, BooleanSupplier live);

  /** {@code GET /v1/batches/{id}}: every task of a batch with its state (null: no such task). */
  CompletableFuture<List<TaskInfo>> batch(String batchId, BooleanSupplier live);

  /** {@code GET /crawl/{id}}: a crawl's state and page tasks, fenced as {@link #task} is. */
  CompletableFuture<CrawlStatus> crawl(String crawlId, BooleanSupplier live);

  /** {@code GET /crawl?limit=}: the account's latest crawls, fenced as {@link #task} is. */
  CompletableFuture<List<CrawlListing>> recentCrawls(int limit, BooleanSupplier live);

  /** {@code DELETE /crawl/{id}}: cancels a crawl, fenced as {@link #task} is. */
  CompletableFuture<JsonNode> cancelCrawl(String crawlId, BooleanSupplier live);

  /** True while no new work should start (the circuit breaker is open). */
  boolean circuitOpen();

  /** Where a task's results can be downloaded (for a result too large to publish). */
  String resultsUrl(String taskId);

  static NimbleCalls of(NimbleGateway gateway) {
    return new NimbleCalls() {
      @Override
      public CompletableFuture<TaskInfo> submit(Kind kind, JsonNode body, BooleanSupplier live) {
        return switch (kind) {
          case EXTRACT -> gateway.submitExtract(body, live);
          case AGENT -> gateway.submitAgent(body, live);
          case SERP -> gateway.submitSerp(body, live);
          case CRAWL -> gateway.submitCrawl(body, live);
        };
      }

      @Override
      public CompletableFuture<BatchSubmission> submitBatch(
          Kind kind, JsonNode body, BooleanSupplier live) {
        return switch (kind) {
          case EXTRACT -> gateway.submitExtractBatch(body, live);
          case AGENT -> gateway.submitAgentBatch(body, live);
          case SERP -> gateway.submitSerpBatch(body, live);
          case CRAWL -> throw new IllegalArgumentException("a crawl is never created in a batch");
        };
      }

      @Override
      public CompletableFuture<TaskInfo> task(String taskId, BooleanSupplier live) {
        return gateway.task(taskId, live);
      }

      @Override
      public CompletableFuture<TaskResults> results(
          String taskId, long maxBytes, BooleanSupplier live) {
        return gateway.results(taskId, maxBytes, live);
      }

      @Override
      public CompletableFuture<TaskPage> recentTasks(
          String cursor, int limit, Predicate<String> keepInputOfTag, BooleanSupplier live) {
        return gateway.recentTasks(cursor, limit, keepInputOfTag, live);
      }

      @Override
      public CompletableFuture<TaskPage> latestStates(int limit, BooleanSupplier live) {
        return gateway.recentTasks(null, limit, tag -> false, live);
      }

      @Override
      public CompletableFuture<List<TaskInfo>> batch(String batchId, BooleanSupplier live) {
        return gateway.batchTasks(batchId, live);
      }

      @Override
      public CompletableFuture<CrawlStatus> crawl(String crawlId, BooleanSupplier live) {
        return gateway.crawl(crawlId, live);
      }

      @Override
      public CompletableFuture<List<CrawlListing>> recentCrawls(int limit, BooleanSupplier live) {
        return gateway.recentCrawls(limit, live);
      }

      @Override
      public CompletableFuture<JsonNode> cancelCrawl(String crawlId, BooleanSupplier live) {
        return gateway.cancelCrawl(crawlId, live);
      }

      @Override
      public boolean circuitOpen() {
        return gateway.circuitOpen();
      }

      @Override
      public String resultsUrl(String taskId) {
        return gateway.client().resultsUrl(taskId);
      }
    };
  }
}
