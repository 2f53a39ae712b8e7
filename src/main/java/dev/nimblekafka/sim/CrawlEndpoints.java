package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.ApiVersion;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The crawl endpoints, the same under {@code /v1} and {@code /v2}: {@code POST /crawl} (create),
 * {@code GET /crawl/{id}} (status with the page tasks), {@code GET /crawl?status=&cursor=&limit=}
 * (list) and {@code DELETE /crawl/{id}} (cancel).
 *
 * <p>Undocumented answers chosen here: an unknown or gone crawl is a 404 {@code {"status":
 * "failed","error":"Crawl not found"}} (the tasks' shape); the list is newest first with an opaque
 * UUID cursor (a crawl id is accepted too), {@code limit} default 100; {@code DELETE} answers 200
 * {@code {"status":"canceled","crawl_id"}} (the SDK's {@code CrawlTerminateResponse}) for a crawl
 * that was running, queued or already canceled, and 400 {@code {"status":"failed","msg":"Crawl
 * already ended","crawl_id","crawl_status"}} for one that succeeded or failed.
 */
final class CrawlEndpoints {
  static final String NOT_FOUND = "Crawl not found";
  static final String ALREADY_ENDED = "Crawl already ended";

  private final CrawlRunner runner;
  private final CrawlStore store;
  private final CrawlJson json;
  private final Clock clock;

  CrawlEndpoints(CrawlRunner runner, CrawlStore store, CrawlJson json, Clock clock) {
    this.runner = runner;
    this.store = store;
    this.json = json;
    this.clock = clock;
  }

  /** Answers a crawl route; {@code body} is the request body of a create, else null. */
  Reply handle(Route route, ApiVersion version, String id, String rawQuery, byte[] body) {
    return switch (route) {
      case CRAWL_RUN -> create(body, version);
      case CRAWL_GET -> status(id);
      case CRAWL_LIST -> list(Query.parse(rawQuery));
      case CRAWL_CANCEL -> cancel(id);
      default -> throw new IllegalArgumentException("not a crawl route: " + route);
    };
  }

  private Reply create(byte[] body, ApiVersion version) {
    CrawlParams.Outcome outcome = CrawlParams.read(parse(body));
    if (outcome.params() == null) {
      return Replies.badRequest(outcome.errors());
    }
    if (TaskFactory.forbidden(outcome.params().body())) {
      return Replies.forbidden();
    }
    SimCrawl crawl = runner.create(outcome.params(), version);
    return Reply.json(200, json.created(crawl));
  }

  private Reply status(String id) {
    SimCrawl crawl = store.get(id, clock.millis());
    return crawl == null ? notFound() : Reply.json(200, json.status(crawl));
  }

  private Reply cancel(String id) {
    SimCrawl crawl = store.get(id, clock.millis());
    if (crawl == null) {
      return notFound();
    }
    if (runner.cancel(crawl) == CrawlRunner.CancelOutcome.ALREADY_ENDED) {
      ObjectNode body = Json.object();
      body.put("status", "failed");
      body.put("msg", ALREADY_ENDED);
      body.put("crawl_id", crawl.id);
      body.put("crawl_status", crawl.status().wire);
      return Reply.json(400, body);
    }
    ObjectNode body = Json.object();
    body.put("status", SimCrawl.Status.CANCELED.wire);
    body.put("crawl_id", crawl.id);
    return Reply.json(200, body);
  }

  private Reply list(Map<String, String> query) {
    Validator v = new Validator();
    int limit = 100;
    String rawLimit = query.get("limit");
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
        if (limit < 1) {
          v.minimum("/limit", "#/properties/limit", 1);
        }
      } catch (NumberFormatException e) {
        v.type("/limit", "#/properties/limit", "integer");
      }
    }
    SimCrawl.Status status = null;
    String rawStatus = query.get("status");
    if (rawStatus != null && !rawStatus.isEmpty() && !rawStatus.equals("all")) {
      status = SimCrawl.Status.of(rawStatus);
      if (status == null) {
        TreeSet<String> allowed = new TreeSet<>();
        allowed.add("all");
        for (SimCrawl.Status s : SimCrawl.Status.values()) {
          allowed.add(s.wire);
        }
        v.enumeration("/status", "#/properties/status", allowed);
      }
    }
    long from = Long.MAX_VALUE;
    String cursor = query.get("cursor");
    if (cursor != null && !cursor.isEmpty()) {
      from = cursorPosition(cursor);
      if (from < 0) {
        v.format("/cursor", "#/properties/cursor", "uuid");
      }
    }
    if (!v.ok()) {
      return Replies.badRequest(v.errors());
    }
    CrawlStore.Listing page = store.list(from, limit, status, clock.millis());
    ObjectNode body = Json.object();
    ArrayNode data = body.putArray("data");
    page.crawls().forEach(crawl -> data.add(json.listed(crawl)));
    ObjectNode pagination = body.putObject("pagination");
    pagination.put("has_next", page.hasNext());
    if (page.hasNext()) {
      pagination.put("next_cursor", new UUID(0, page.nextSeq()).toString());
    } else {
      pagination.putNull("next_cursor");
    }
    pagination.put("total", store.size());
    return Reply.json(200, body);
  }

  /** The list position a cursor stands for, or -1 if it is no cursor. */
  private long cursorPosition(String cursor) {
    try {
      UUID uuid = UUID.fromString(cursor);
      if (uuid.getMostSignificantBits() == 0) {
        return uuid.getLeastSignificantBits();
      }
    } catch (IllegalArgumentException e) {
      return -1;
    }
    return store.seqOf(cursor);
  }

  private static Reply notFound() {
    return Reply.json(404, Json.object().put("status", "failed").put("error", NOT_FOUND));
  }

  private static JsonNode parse(byte[] body) {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }
}
