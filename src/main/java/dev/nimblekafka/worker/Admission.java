package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.publish.Failure;
import dev.nimblekafka.publish.RequestRecord;
import dev.nimblekafka.request.ExtractionRequest;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestError;
import dev.nimblekafka.request.RequestHeaders;
import dev.nimblekafka.request.RequestParser;
import dev.nimblekafka.request.WireFrame;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.task.TaskPhase;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Takes consumed records in: one the requests held leave no room for waits, its partition read
 * again from it once there is room (the book's byte bound); the others are parsed once; a valid
 * request is recorded in the state topic at once (so its offset may commit with it, and a replay
 * never meets a request already settled) and joins the submission queue; anything else becomes a
 * failure naming the field and the limit. A request framed by a Schema Registry serializer is held
 * without its frame, so a state record and a failure carry its JSON. The record's headers ({@link
 * RequestHeaders}, bounded) go with the request to its outcome, a failure of its own included; they
 * count towards what must fit the state record.
 */
final class Admission {
  private static final Logger log = LoggerFactory.getLogger(Admission.class);

  /** Room a state record needs besides the request it carries (ids, times, envelope). */
  static final int STATE_RECORD_ALLOWANCE = 2_048;

  /**
   * Room a crawl's state record needs besides: its published pages, a bit each for up to 10,000
   * pages in base64 (about 1.7 KB), and its counts.
   */
  static final int CRAWL_STATE_BYTES = 2_048;

  private final TaskContext context;
  private final RequestParser parser;
  private final ObjectMapper json;
  private final int maxRequestBytes;
  private final Consumer<PendingTask> crawls;

  /**
   * @param parser parses and validates each record (with the destinations the worker allows)
   * @param maxRequestBytes the largest request value whose state record fits the state topic
   */
  Admission(TaskContext context, RequestParser parser, ObjectMapper json, int maxRequestBytes) {
    this(context, parser, json, maxRequestBytes, task -> {});
  }

  /**
   * @param crawls ends the crawl of a pending crawl request a cancel record names
   */
  Admission(
      TaskContext context,
      RequestParser parser,
      ObjectMapper json,
      int maxRequestBytes,
      Consumer<PendingTask> crawls) {
    this.context = context;
    this.parser = parser;
    this.json = json;
    this.maxRequestBytes = maxRequestBytes;
    this.crawls = crawls;
  }

  void admit(ConsumerRecord<byte[], byte[]> record) {
    TaskBook book = context.book();
    RequestHeaders headers = RequestHeaders.of(record.headers());
    if (book.owns(record.partition())
        && book.defer(
            record.partition(),
            record.offset(),
            PendingTask.heldBytes(record.key(), record.value(), headers))) {
      return; // no room for it now: read again once there is
    }
    context.metrics().consumed();
    if (!book.owns(record.partition())) {
      return;
    }
    try (MdcScope mdc = MdcScope.of(record)) {
      ParseResult parsed =
          parser.parse(
              record.topic(), record.partition(), record.offset(), record.value(), headers);
      book.settled(record.partition(), record.offset());
      // the request as held, recorded and copied into a failure: its JSON, without any frame
      byte[] value = WireFrame.payload(record.value());
      int headerBytes = StateCodec.headerBytes(headers);
      if (parsed instanceof ParseResult.Valid valid
          && value.length + headerBytes > maxBytes(valid.request())) {
        parsed = tooLarge(valid.request(), value.length, headerBytes);
      }
      if (parsed instanceof ParseResult.Invalid invalid) {
        refuse(record, value, invalid.error(), headers);
        return;
      }
      if (parsed instanceof ParseResult.Cancel cancel) {
        cancel(record.partition(), cancel.requestId());
        return;
      }
      ExtractionRequest request = ((ParseResult.Valid) parsed).request();
      MDC.put("request_id", request.requestId());
      if (book.byRequestId(record.partition(), request.requestId()) != null) {
        context.metrics().duplicate();
        log.debug("Request {} is already pending; not submitted again", request.requestId());
        return;
      }
      PendingTask task =
          PendingTask.consumed(
              record.partition(), record.offset(), record.key(), value, request, headers);
      task.traced(
          context
              .tracing()
              .request(record.partition(), record.offset(), request.requestId(), headers));
      context.writer().record(task);
      book.admit(task, context.clock().millis());
    }
  }

  /**
   * A cancel record: the pending crawl request it names, held in the same partition (produce the
   * cancel with the request's key), ends. A cancel of anything else changes nothing: Nimble cannot
   * cancel a task, and a request no longer pending has its outcome already.
   */
  private void cancel(int partition, String requestId) {
    MDC.put("request_id", requestId);
    PendingTask task = context.book().byRequestId(partition, requestId);
    if (task == null) {
      context.metrics().cancel("unknown");
      log.info(
          "A cancel names request {}, which is not pending in partition {}", requestId, partition);
    } else if (task.kind() != Kind.CRAWL) {
      context.metrics().cancel("not_a_crawl");
      log.info(
          "A cancel names request {}, which is no crawl: Nimble cannot cancel a task", requestId);
    } else if (task.phase() == TaskPhase.QUEUED && task.suspectSince() < 0) {
      // not created, and no create of it out (a suspect's previous owner may have sent one: it
      // is looked up first, then canceled or failed)
      context.metrics().cancel("canceled");
      context.writer().canceledBeforeCreated(task);
    } else {
      context.metrics().cancel("canceled");
      crawls.accept(task);
    }
  }

  /** The largest request of its kind whose state record fits the state topic. */
  private int maxBytes(ExtractionRequest request) {
    return request.kind() == Kind.CRAWL ? maxRequestBytes - CRAWL_STATE_BYTES : maxRequestBytes;
  }

  private ParseResult tooLarge(ExtractionRequest request, int size, int headerBytes) {
    int maxRequestBytes = maxBytes(request);
    String message =
        headerBytes == 0
            ? "the request must be at most "
                + maxRequestBytes
                + " bytes to fit the state topic but has "
                + size
            : "the request and its headers must be at most "
                + maxRequestBytes
                + " bytes to fit the state topic but have "
                + (size + headerBytes);
    return new ParseResult.Invalid(
        new RequestError(
            request.requestId(),
            Stage.VALIDATE.code(),
            "LIMIT_EXCEEDED",
            message,
            "request",
            maxRequestBytes,
            request.metadata()));
  }

  private void refuse(
      ConsumerRecord<byte[], byte[]> record,
      byte[] value,
      RequestError error,
      RequestHeaders headers) {
    log.debug("Rejected request {}: {}", error.requestId(), error.message());
    boolean derived =
        error
            .requestId()
            .equals(RequestParser.derivedId(record.topic(), record.partition(), record.offset()));
    context
        .writer()
        .publishFailure(
            new Failure(
                error.requestId(),
                derived,
                null,
                error.stage(),
                error.code(),
                error.message(),
                null,
                details(error),
                0,
                error.metadata(),
                new RequestRecord(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.key(),
                    value,
                    headers),
                RequestError.class.getName(),
                parser.placementOf(value, headers)));
  }

  private JsonNode details(RequestError error) {
    if (error.field() == null) {
      return null;
    }
    ObjectNode details = json.createObjectNode();
    details.put("field", error.field());
    if (error.limit() != null) {
      details.putPOJO("limit", error.limit());
    }
    return details;
  }
}
