package dev.nimblekafka.sim;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Nimble's per-key request rate: a token bucket per API key holding one second's worth of calls and
 * refilling continuously. Measured with the monotonic system timer, not the simulator's clock,
 * since it is about real throughput.
 */
final class RateLimiter {
  private final int perSecond;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /** {@code perSecond} 0 means no limit. */
  RateLimiter(int perSecond) {
    this.perSecond = perSecond;
  }

  boolean enabled() {
    return perSecond > 0;
  }

  int perSecond() {
    return perSecond;
  }

  /** Takes a token for {@code key}: the tokens left (>= 0), or -1 if the call is over the rate. */
  long acquire(String key) {
    if (perSecond <= 0) {
      return Long.MAX_VALUE;
    }
    return buckets.computeIfAbsent(key, k -> new Bucket(perSecond)).acquire(System.nanoTime());
  }

  private static final class Bucket {
    private final int capacity;
    private double tokens;
    private long last;

    Bucket(int capacity) {
      this.capacity = capacity;
      this.tokens = capacity;
      this.last = System.nanoTime();
    }

    synchronized long acquire(long now) {
      tokens = Math.min(capacity, tokens + (now - last) * capacity / 1e9);
      last = now;
      if (tokens < 1) {
        return -1;
      }
      tokens -= 1;
      return (long) tokens;
    }
  }
}
