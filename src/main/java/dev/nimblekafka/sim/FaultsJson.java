package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of {@code /sim/faults}. A POST body changes only the fields it names:
 *
 * <pre>{@code
 * {"latency_ms": 200, "error_rate": 0.1, "error_status": 503, "drop_rate": 0.05,
 *  "lost_response_rate": 0.05, "slow_body_ms": 2000, "storm_seconds": 5,
 *  "storm_retry_after": 3600, "outage_seconds": 3, "payment_seconds": 10,
 *  "payment_msg": "no budget"}
 * }</pre>
 *
 * <p>{@code storm_retry_after} (whole seconds, 0: the time left) is the {@code Retry-After} a
 * storm's 429 carries.
 *
 * <p>Periods may also be given in milliseconds ({@code storm_ms}, {@code outage_ms}, {@code
 * payment_ms}); 0 ends one. The answer (and {@code GET}) reports periods as the time left: {@code
 * storm_ms}, {@code outage_ms}, {@code payment_ms}.
 */
final class FaultsJson {
  private static final Set<String> FIELDS =
      Set.of(
          "latency_ms",
          "error_rate",
          "error_status",
          "drop_rate",
          "lost_response_rate",
          "slow_body_ms",
          "storm_seconds",
          "storm_ms",
          "storm_retry_after",
          "outage_seconds",
          "outage_ms",
          "payment_seconds",
          "payment_ms",
          "payment_msg");

  private FaultsJson() {}

  static ObjectNode toJson(FaultSettings f) {
    ObjectNode node = Json.object();
    node.put("latency_ms", f.latency().toMillis());
    node.put("error_rate", f.errorRate());
    node.put("error_status", f.errorStatus());
    node.put("drop_rate", f.dropRate());
    node.put("lost_response_rate", f.lostResponseRate());
    node.put("slow_body_ms", f.slowBody().toMillis());
    node.put("storm_ms", f.storm().toMillis());
    node.put("storm_retry_after", (f.stormRetryAfter().toMillis() + 999) / 1000);
    node.put("outage_ms", f.outage().toMillis());
    node.put("payment_ms", f.payment().toMillis());
    node.put("payment_msg", f.paymentMessage());
    return node;
  }

  /**
   * {@code current} changed by the fields of {@code body}; throws {@link IllegalArgumentException}
   * naming an unknown field or a bad value.
   */
  static FaultSettings merge(FaultSettings current, JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      String name = it.next().getKey();
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException("unknown fault '" + name + "'; known: " + FIELDS);
      }
    }
    FaultSettings f = current;
    if (body.has("latency_ms")) {
      f = f.withLatency(Duration.ofMillis(number(body, "latency_ms").longValue()));
    }
    if (body.has("error_rate") || body.has("error_status")) {
      double rate = body.has("error_rate") ? number(body, "error_rate") : f.errorRate();
      int status =
          body.has("error_status") ? number(body, "error_status").intValue() : f.errorStatus();
      f = f.withServerErrors(rate, status);
    }
    if (body.has("drop_rate")) {
      f = f.withDropRate(number(body, "drop_rate"));
    }
    if (body.has("lost_response_rate")) {
      f = f.withLostResponseRate(number(body, "lost_response_rate"));
    }
    if (body.has("slow_body_ms")) {
      f = f.withSlowBody(Duration.ofMillis(number(body, "slow_body_ms").longValue()));
    }
    Duration storm = period(body, "storm");
    if (storm != null) {
      f = f.withStorm(storm);
    }
    if (body.has("storm_retry_after")) {
      double seconds = number(body, "storm_retry_after");
      if (seconds < 0) {
        throw new IllegalArgumentException(
            "storm_retry_after must be >= 0 seconds but was " + body.get("storm_retry_after"));
      }
      f = f.withStormRetryAfter(Duration.ofMillis(Math.round(seconds * 1000)));
    }
    Duration outage = period(body, "outage");
    if (outage != null) {
      f = f.withOutage(outage);
    }
    Duration payment = period(body, "payment");
    String message =
        body.has("payment_msg") ? body.get("payment_msg").asText() : f.paymentMessage();
    f = f.withPayment(payment != null ? payment : f.payment(), message);
    return f;
  }

  private static Duration period(JsonNode body, String name) {
    if (body.has(name + "_seconds")) {
      return Duration.ofMillis(Math.round(number(body, name + "_seconds") * 1000));
    }
    if (body.has(name + "_ms")) {
      return Duration.ofMillis(number(body, name + "_ms").longValue());
    }
    return null;
  }

  private static Double number(JsonNode body, String name) {
    JsonNode value = body.get(name);
    if (!value.isNumber()) {
      throw new IllegalArgumentException(name + " must be a number but was " + value);
    }
    return value.asDouble();
  }
}
