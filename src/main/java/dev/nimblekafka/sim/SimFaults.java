package dev.nimblekafka.sim;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Run-time switch board of injected faults, shared by the in-process API ({@link
 * NimbleSimulator#faults()}) and the admin endpoint ({@code POST /sim/faults}). Thread-safe; every
 * setter takes effect for the next API call. Periods are measured with the simulator's clock.
 */
public final class SimFaults {
  private final Clock clock;
  private volatile FaultSettings settings = FaultSettings.NONE;
  private volatile long stormUntil;
  private volatile long outageUntil;
  private volatile long paymentUntil;

  SimFaults(Clock clock) {
    this.clock = clock;
  }

  /** Replaces every fault with {@code faults}; its periods start now. */
  public synchronized SimFaults apply(FaultSettings faults) {
    long now = clock.millis();
    settings = faults;
    stormUntil = now + faults.storm().toMillis();
    outageUntil = now + faults.outage().toMillis();
    paymentUntil = now + faults.payment().toMillis();
    return this;
  }

  /** Switches every fault off. */
  public SimFaults clear() {
    return apply(FaultSettings.NONE);
  }

  /** The faults in force now; periods are the time left. */
  public synchronized FaultSettings current() {
    long now = clock.millis();
    return settings
        .withStorm(left(stormUntil, now))
        .withOutage(left(outageUntil, now))
        .withPayment(left(paymentUntil, now), settings.paymentMessage());
  }

  public SimFaults latency(Duration value) {
    return apply(current().withLatency(value));
  }

  /** Answers {@code rate} of API calls with a 500 (Nimble's documented body). */
  public SimFaults serverErrors(double rate) {
    return serverErrors(rate, 500);
  }

  /** Answers {@code rate} of API calls with {@code status}: 500, 502 or 503. */
  public SimFaults serverErrors(double rate, int status) {
    return apply(current().withServerErrors(rate, status));
  }

  /** Closes the connection of {@code rate} of API calls before handling them. */
  public SimFaults dropConnections(double rate) {
    return apply(current().withDropRate(rate));
  }

  /** Handles {@code rate} of API calls, then closes their connection without answering. */
  public SimFaults loseResponses(double rate) {
    return apply(current().withLostResponseRate(rate));
  }

  /** Writes every API response body spread over {@code value}. */
  public SimFaults slowBodies(Duration value) {
    return apply(current().withSlowBody(value));
  }

  /** Answers every API call 429 for {@code value} (zero ends a storm). */
  public SimFaults rateLimitStorm(Duration value) {
    return apply(current().withStorm(value));
  }

  /**
   * Answers every API call 429 for {@code value}, each carrying {@code Retry-After: retryAfter}
   * (whole seconds, rounded up) however long the storm has left.
   */
  public SimFaults rateLimitStorm(Duration value, Duration retryAfter) {
    return apply(current().withStorm(value).withStormRetryAfter(retryAfter));
  }

  /** Drops every API call's connection for {@code value} (zero ends an outage). */
  public SimFaults outage(Duration value) {
    return apply(current().withOutage(value));
  }

  /** Answers every task-creating call 402 {@code no budget} for {@code value}. */
  public SimFaults paymentRequired(Duration value) {
    return paymentRequired(value, "no budget");
  }

  /** Answers every task-creating call 402 with {@code message} for {@code value}. */
  public SimFaults paymentRequired(Duration value, String message) {
    return apply(current().withPayment(value, message));
  }

  long latencyMillis() {
    return settings.latency().toMillis();
  }

  long slowBodyMillis() {
    return settings.slowBody().toMillis();
  }

  boolean outageActive() {
    return clock.millis() < outageUntil;
  }

  boolean stormActive() {
    return clock.millis() < stormUntil;
  }

  /** The {@code Retry-After} of a storm's 429 in whole seconds, at least 1. */
  long stormRetryAfterSeconds() {
    long fixed = settings.stormRetryAfter().toMillis();
    long millis = fixed > 0 ? fixed : Math.max(0, stormUntil - clock.millis());
    return Math.max(1, (millis + 999) / 1000);
  }

  /** The 402 message while a payment period lasts, else null. */
  String paymentMessageIfActive() {
    return clock.millis() < paymentUntil ? settings.paymentMessage() : null;
  }

  boolean rollDrop() {
    return roll(settings.dropRate());
  }

  boolean rollLostResponse() {
    return roll(settings.lostResponseRate());
  }

  /** The status to answer instead of handling this call, or 0. */
  int rollServerError() {
    FaultSettings s = settings;
    return roll(s.errorRate()) ? s.errorStatus() : 0;
  }

  private static boolean roll(double rate) {
    return rate > 0 && (rate >= 1 || ThreadLocalRandom.current().nextDouble() < rate);
  }

  private static Duration left(long until, long now) {
    return Duration.ofMillis(Math.max(0, until - now));
  }
}
