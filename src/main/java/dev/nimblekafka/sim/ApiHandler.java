package dev.nimblekafka.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles every API call, in this order: connection faults (outage, dropped connection), added
 * latency (scheduled, no thread waits), 429 storm, authentication (401), the per-key rate (429),
 * injected server errors (500/502/503), routing (404/405), the payment period (402, task-creating
 * calls only: creates and {@code POST /crawl}), then the endpoint. After the endpoint answered, a
 * lost-response fault may still close the connection instead of answering. Each call is counted by
 * endpoint and outcome.
 *
 * <p>Every answer within the rate limit carries {@code ratelimit-limit} and {@code
 * ratelimit-remaining}; task answers carry {@code x-task-id}. The ordinary 429 has the OpenAPI body
 * and no {@code Retry-After}; a storm's 429 has the introduction page's body and a {@code
 * Retry-After} in seconds: the time the storm has left, or the storm's fixed value.
 */
final class ApiHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

  private final byte[] apiKey;
  private final SimFaults faults;
  private final RateLimiter limiter;
  private final StatsRecorder stats;
  private final CreateEndpoints create;
  private final ReadEndpoints read;
  private final CrawlEndpoints crawls;
  private final ScheduledExecutorService scheduler;
  private final Executor executor;
  private final ResponseWriter writer;

  ApiHandler(
      String apiKey,
      SimFaults faults,
      RateLimiter limiter,
      StatsRecorder stats,
      CreateEndpoints create,
      ReadEndpoints read,
      CrawlEndpoints crawls,
      ScheduledExecutorService scheduler,
      Executor executor,
      ResponseWriter writer) {
    this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
    this.faults = faults;
    this.limiter = limiter;
    this.stats = stats;
    this.create = create;
    this.read = read;
    this.crawls = crawls;
    this.scheduler = scheduler;
    this.executor = executor;
    this.writer = writer;
  }

  @Override
  public void handle(HttpExchange exchange) {
    Route.Match match =
        Route.match(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath());
    if (faults.outageActive() || faults.rollDrop()) {
      drop(exchange, match);
      return;
    }
    long latency = faults.latencyMillis();
    if (latency <= 0) {
      process(exchange, match);
      return;
    }
    try {
      scheduler.schedule(
          () -> executor.execute(() -> process(exchange, match)), latency, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      exchange.close();
    }
  }

  private void process(HttpExchange exchange, Route.Match match) {
    CompletionStage<Reply> reply;
    try {
      reply = answer(exchange, match);
    } catch (IOException | RuntimeException e) {
      log.error("{} failed", match.key(), e);
      reply = CompletableFuture.completedFuture(Replies.serverError(randomId()));
    }
    reply.whenComplete(
        (r, error) -> {
          if (error != null) {
            log.error("{} failed", match.key(), error);
          }
          respond(exchange, match, r != null ? r : Replies.serverError(randomId()));
        });
  }

  private CompletionStage<Reply> answer(HttpExchange exchange, Route.Match match)
      throws IOException {
    if (faults.stormActive()) {
      return done(Replies.storm(faults.stormRetryAfterSeconds(), limiter.perSecond()));
    }
    String key = bearer(exchange.getRequestHeaders().getFirst("Authorization"));
    if (!accepts(key)) {
      return done(Replies.unauthorized());
    }
    long remaining = limiter.acquire(key);
    if (remaining < 0) {
      return done(rateHeaders(Replies.rateLimited(), 0));
    }
    CompletionStage<Reply> reply = route(exchange, match);
    return limiter.enabled() ? reply.thenApply(r -> rateHeaders(r, remaining)) : reply;
  }

  private CompletionStage<Reply> route(HttpExchange exchange, Route.Match match)
      throws IOException {
    int injected = faults.rollServerError();
    if (injected == 500) {
      String id = match.route() != null && match.param() != null ? match.param() : randomId();
      return done(Replies.serverError(id));
    }
    if (injected != 0) {
      return done(Replies.gatewayError(injected));
    }
    Route route = match.route();
    if (route == null) {
      return done(match.status() == 405 ? Replies.methodNotAllowed() : Replies.unknownPath());
    }
    String query = exchange.getRequestURI().getRawQuery();
    if (!route.createsTasks) {
      return done(
          route.isCrawl()
              ? crawls.handle(route, match.version(), match.param(), query, null)
              : read.handle(route, match.version(), match.param(), query));
    }
    String payment = faults.paymentMessageIfActive();
    if (payment != null) {
      return done(Replies.paymentRequired(payment));
    }
    byte[] body = exchange.getRequestBody().readAllBytes();
    if (route.isCrawl()) {
      return done(crawls.handle(route, match.version(), match.param(), query, body));
    }
    return create.handle(route, match.version(), body);
  }

  private void respond(HttpExchange exchange, Route.Match match, Reply reply) {
    if (faults.rollLostResponse()) {
      drop(exchange, match);
      return;
    }
    stats.call(match.key(), Integer.toString(reply.status()));
    writer.send(exchange, reply, faults.slowBodyMillis());
  }

  private void drop(HttpExchange exchange, Route.Match match) {
    stats.call(match.key(), "dropped");
    ResponseWriter.drop(exchange);
  }

  private Reply rateHeaders(Reply reply, long remaining) {
    return reply
        .withHeader("ratelimit-limit", Integer.toString(limiter.perSecond()))
        .withHeader("ratelimit-remaining", Long.toString(remaining));
  }

  private boolean accepts(String key) {
    if (key == null) {
      return false;
    }
    return apiKey == null || MessageDigest.isEqual(apiKey, key.getBytes(StandardCharsets.UTF_8));
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null. */
  static String bearer(String header) {
    if (header == null || header.length() < 7) {
      return null;
    }
    if (!header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }

  private static String randomId() {
    return TaskFactory.randomId(ThreadLocalRandom.current());
  }

  private static CompletionStage<Reply> done(Reply reply) {
    return CompletableFuture.completedFuture(reply);
  }
}
