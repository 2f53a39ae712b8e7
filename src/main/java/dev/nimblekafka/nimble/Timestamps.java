package dev.nimblekafka.nimble;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;

/**
 * Nimble's ISO-8601 timestamps in epoch milliseconds. The form Nimble writes ({@code
 * 2026-12-01T10:00:02Z}, or with a fraction of a second) is read by hand: the worker reads two for
 * every task it settles, and the JDK's general parser was a visible share of its CPU. Anything else
 * is left to {@link Instant#parse}, so the two ways always agree.
 */
final class Timestamps {
  private Timestamps() {}

  /** The timestamp in epoch ms; empty when it is null or not an ISO-8601 instant. */
  static OptionalLong epochMillis(String timestamp) {
    if (timestamp == null) {
      return OptionalLong.empty();
    }
    long fast = utc(timestamp);
    if (fast != Long.MIN_VALUE) {
      return OptionalLong.of(fast);
    }
    try {
      return OptionalLong.of(Instant.parse(timestamp).toEpochMilli());
    } catch (DateTimeParseException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} in epoch ms, or {@link Long#MIN_VALUE} when the text is
   * in any other form (or names no real date).
   */
  static long utc(String t) {
    int n = t.length();
    if (n < 20
        || t.charAt(n - 1) != 'Z'
        || t.charAt(4) != '-'
        || t.charAt(7) != '-'
        || t.charAt(10) != 'T'
        || t.charAt(13) != ':'
        || t.charAt(16) != ':') {
      return Long.MIN_VALUE;
    }
    int year = digits(t, 0, 4);
    int month = digits(t, 5, 2);
    int day = digits(t, 8, 2);
    int hour = digits(t, 11, 2);
    int minute = digits(t, 14, 2);
    int second = digits(t, 17, 2);
    if ((year | month | day | hour | minute | second) < 0) {
      return Long.MIN_VALUE; // a part with a non-digit
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return Long.MIN_VALUE; // 24:00 and leap seconds: left to the JDK
    }
    int millis = 0;
    if (n > 20) {
      int fraction = n - 21; // between the '.' and the 'Z'
      if (t.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return Long.MIN_VALUE;
      }
      int value = digits(t, 20, fraction);
      if (value < 0) {
        return Long.MIN_VALUE;
      }
      for (int i = fraction; i < 3; i++) {
        value *= 10;
      }
      for (int i = fraction; i > 3; i--) {
        value /= 10;
      }
      millis = value;
    }
    long days;
    try {
      days = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException notADate) {
      return Long.MIN_VALUE;
    }
    return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1_000L + millis;
  }

  /** The {@code count} digits at {@code from} as a number; -1 when one is not a digit. */
  private static int digits(String t, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
