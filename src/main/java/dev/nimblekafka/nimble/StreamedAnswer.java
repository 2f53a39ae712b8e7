package dev.nimblekafka.nimble;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * Reads a JSON object answer as it arrives, without a thread waiting on it and without holding it
 * whole: the elements of one array field ({@code data} of a page, {@code tasks} of a batch) are
 * read one at a time and each is handed to {@code element}, which keeps what it needs of it. Of the
 * other fields only those named are kept. The answer may be up to {@code maxBytes} long, and no
 * element or kept field over {@code maxPartBytes}; past either limit the download stops.
 *
 * @param <T> what is kept of an element
 */
final class StreamedAnswer<T> implements BodySubscriber<StreamedAnswer.Read<T>> {

  /**
   * What was read.
   *
   * @param head the kept fields outside the array
   * @param elements what was kept of each element, in order; null when the array was absent
   * @param refused why the answer was not read to its end (a limit, or not JSON), or null
   * @param overLimit whether it was refused for a limit
   */
  record Read<T>(ObjectNode head, List<T> elements, String refused, boolean overLimit) {}

  private enum Place {
    BEFORE,
    FIELDS,
    VALUE,
    ARRAY,
    AFTER
  }

  private final ObjectMapper json;
  private final String arrayField;
  private final Set<String> headFields;
  private final Function<JsonNode, T> element;
  private final long maxBytes;
  private final long maxPartBytes;
  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private final CompletableFuture<Read<T>> result = new CompletableFuture<>();
  private final ObjectNode head;
  private List<T> elements;
  private Flow.Subscription subscription;
  private long received;

  private Place place = Place.BEFORE;
  private String field;
  private boolean skipping;
  private TokenBuffer part;
  private int open;
  private long partStart;

  StreamedAnswer(
      ObjectMapper json,
      String arrayField,
      Set<String> headFields,
      Function<JsonNode, T> element,
      long maxBytes,
      long maxPartBytes) {
    this.json = json;
    this.arrayField = arrayField;
    this.headFields = headFields;
    this.element = element;
    this.maxBytes = maxBytes;
    this.maxPartBytes = maxPartBytes;
    this.head = json.createObjectNode();
    JsonFactory factory = json.getFactory().copy();
    // no single string may be longer than a part may be
    factory.setStreamReadConstraints(
        StreamReadConstraints.builder()
            .maxNestingDepth(2_000)
            .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxPartBytes))
            .build());
    try {
      this.parser = factory.createNonBlockingByteArrayParser();
    } catch (IOException e) {
      throw new IllegalStateException("Jackson reads JSON without blocking", e);
    }
    this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
  }

  @Override
  public CompletionStage<Read<T>> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    try {
      for (ByteBuffer item : items) {
        received += item.remaining();
        if (received > maxBytes) {
          refuse("it is over NIMBLE_MAX_PAGE_BYTES (" + maxBytes + " bytes)", true);
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        feeder.feedInput(chunk, 0, chunk.length);
        drain();
        if (result.isDone()) {
          return;
        }
      }
    } catch (StreamConstraintsException tooLong) {
      refuse("one value in it is over NIMBLE_MAX_ANSWER_BYTES (" + maxPartBytes + " bytes)", true);
    } catch (IOException | RuntimeException unreadable) {
      refuse("it is not readable JSON", false);
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    if (result.isDone()) {
      return;
    }
    try {
      feeder.endOfInput();
      drain();
      result.complete(
          new Read<>(
              head, elements, place == Place.AFTER ? null : "it ends before its JSON does", false));
    } catch (IOException | RuntimeException unreadable) {
      result.complete(new Read<>(head, elements, "it is not readable JSON", false));
    }
  }

  private void refuse(String why, boolean overLimit) {
    subscription.cancel();
    result.complete(new Read<>(head, elements, why, overLimit));
  }

  private void drain() throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
      take(token);
      if (result.isDone()) {
        return;
      }
    }
  }

  private void take(JsonToken token) throws IOException {
    if (part != null || skipping) {
      inPart(token);
      return;
    }
    switch (place) {
      case BEFORE -> {
        if (token != JsonToken.START_OBJECT) {
          throw new IOException("not a JSON object");
        }
        place = Place.FIELDS;
      }
      case FIELDS -> {
        if (token == JsonToken.END_OBJECT) {
          place = Place.AFTER;
        } else {
          field = parser.currentName();
          place = Place.VALUE;
        }
      }
      case VALUE -> {
        if (field.equals(arrayField) && token == JsonToken.START_ARRAY) {
          elements = new ArrayList<>();
          place = Place.ARRAY;
        } else {
          place = Place.FIELDS;
          startPart(token, headFields.contains(field));
        }
      }
      case ARRAY -> {
        if (token != JsonToken.END_ARRAY) {
          startPart(token, true);
        } else {
          place = Place.FIELDS;
        }
      }
      case AFTER -> {
        // whatever follows the object is not read
      }
    }
  }

  /** A value starts: kept (buffered until it ends) or skipped. */
  private void startPart(JsonToken token, boolean keep) throws IOException {
    partStart = parser.currentTokenLocation().getByteOffset();
    if (keep) {
      part = new TokenBuffer(json, false);
    } else {
      skipping = true;
    }
    open = 0;
    inPart(token);
  }

  private void inPart(JsonToken token) throws IOException {
    if (part != null) {
      if (parser.currentLocation().getByteOffset() - partStart > maxPartBytes) {
        refuse("one task in it is over NIMBLE_MAX_ANSWER_BYTES (" + maxPartBytes + " bytes)", true);
        return;
      }
      part.copyCurrentEvent(parser);
    }
    if (token.isStructStart()) {
      open++;
    } else if (token.isStructEnd()) {
      open--;
    }
    if (open > 0) {
      return;
    }
    skipping = false;
    if (part == null) {
      return;
    }
    JsonNode value;
    try (JsonParser replay = part.asParser(json)) {
      value = json.readTree(replay);
    }
    part = null;
    if (place == Place.ARRAY) {
      elements.add(element.apply(value));
    } else {
      head.set(field, value);
    }
  }
}
