package dev.nimblekafka.sim;

import dev.nimblekafka.wire.NimbleErrors;
import java.time.Duration;
import java.util.Set;

/**
 * A set of injected faults: what {@link SimFaults#apply} switches on and what {@link
 * SimFaults#current} reports. Periods ({@code storm}, {@code outage}, {@code payment}) count from
 * the moment they are applied; in a snapshot they are the time left.
 *
 * @param latency added before every API call is handled
 * @param errorRate share of API calls answered with {@code errorStatus} instead of being handled
 * @param errorStatus 500 (Nimble's documented body), 502 or 503 (a proxy's HTML page)
 * @param dropRate share of API calls whose connection is closed before they are handled
 * @param lostResponseRate share of API calls handled (tasks are created) whose connection is then
 *     closed without a response
 * @param slowBody time over which every API response body is written, in small chunks
 * @param storm every API call is answered 429 (with {@code Retry-After}) for this long
 * @param outage every API call's connection is closed without a response for this long
 * @param payment every task-creating call is answered 402 for this long
 * @param paymentMessage the 402's {@code msg}: one of Nimble's four documented values
 * @param stormRetryAfter the {@code Retry-After} a storm's 429 carries, in whole seconds (rounded
 *     up); zero: the time the storm has left
 */
public record FaultSettings(
    Duration latency,
    double errorRate,
    int errorStatus,
    double dropRate,
    double lostResponseRate,
    Duration slowBody,
    Duration storm,
    Duration outage,
    Duration payment,
    String paymentMessage,
    Duration stormRetryAfter) {

  /** The server-error statuses that can be injected. */
  public static final Set<Integer> ERROR_STATUSES = Set.of(500, 502, 503);

  /** No faults. */
  public static final FaultSettings NONE =
      new FaultSettings(
          Duration.ZERO,
          0,
          500,
          0,
          0,
          Duration.ZERO,
          Duration.ZERO,
          Duration.ZERO,
          Duration.ZERO,
          "no budget",
          Duration.ZERO);

  public FaultSettings {
    requireNonNegative("latency", latency);
    requireRate("errorRate", errorRate);
    if (!ERROR_STATUSES.contains(errorStatus)) {
      throw new IllegalArgumentException(
          "errorStatus must be one of 500, 502, 503 but was " + errorStatus);
    }
    requireRate("dropRate", dropRate);
    requireRate("lostResponseRate", lostResponseRate);
    requireNonNegative("slowBody", slowBody);
    requireNonNegative("storm", storm);
    requireNonNegative("outage", outage);
    requireNonNegative("payment", payment);
    requireNonNegative("stormRetryAfter", stormRetryAfter);
    if (!NimbleErrors.PAYMENT_MESSAGES.contains(paymentMessage)) {
      throw new IllegalArgumentException(
          "paymentMessage must be one of "
              + NimbleErrors.PAYMENT_MESSAGES
              + " but was '"
              + paymentMessage
              + "'");
    }
  }

  public FaultSettings withLatency(Duration value) {
    return new FaultSettings(
        value,
        errorRate,
        errorStatus,
        dropRate,
        lostResponseRate,
        slowBody,
        storm,
        outage,
        payment,
        paymentMessage,
        stormRetryAfter);
  }

  public FaultSettings withServerErrors(double rate, int status) {
    return new FaultSettings(
        latency,
        rate,
        status,
        dropRate,
        lostResponseRate,
        slowBody,
        storm,
        outage,
        payment,
        paymentMessage,
        stormRetryAfter);
  }

  public FaultSettings withDropRate(double value) {
    return new FaultSettings(
        latency,
        errorRate,
        errorStatus,
        value,
        lostResponseRate,
        slowBody,
        storm,
        outage,
        payment,
        paymentMessage,
        stormRetryAfter);
  }

  public FaultSettings withLostResponseRate(double value) {
    return new FaultSettings(
        latency,
        errorRate,
        errorStatus,
        dropRate,
        value,
        slowBody,
        storm,
        outage,
        payment,
        paymentMessage,
        stormRetryAfter);
  }

  public FaultSettings withSlowBody(Duration value) {
    return new FaultSettings(
        latency,
        errorRate,
        errorStatus,
        dropRate,
        lostResponseRate,
        value,
        storm,
        outage,
        payment,
        paymentMessage,
        stormRetryAfter);
  }

  public FaultSettings withStorm(Duration value) {
    return new FaultSettings(
        latency,
        errorRate,
        errorStatus,
        dropRate,
        lostResponseRate,
        slowBody,
        value,
        outage,
        payment,
        paymentMessage,
        stormRetryAfter);
  }

  public FaultSettings withOutage(Duration value) {
    return new FaultSettings(
        latency,
        errorRate,
        errorStatus,
        dropRate,
        lostResponseRate,
        slowBody,
        storm,
        value,
        payment,
        paymentMessage,
        stormRetryAfter);
  }

  public FaultSettings withPayment(Duration value, String message) {
    return new FaultSettings(
        latency,
        errorRate,
        errorStatus,
        dropRate,
        lostResponseRate,
        slowBody,
        storm,
        outage,
        value,
        message,
        stormRetryAfter);
  }

  public FaultSettings withStormRetryAfter(Duration value) {
    return new FaultSettings(
        latency,
        errorRate,
        errorStatus,
        dropRate,
        lostResponseRate,
        slowBody,
        storm,
        outage,
        payment,
        paymentMessage,
        value);
  }

  private static void requireNonNegative(String name, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0 but was " + value);
    }
  }

  private static void requireRate(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1] but was " + value);
    }
  }
}
