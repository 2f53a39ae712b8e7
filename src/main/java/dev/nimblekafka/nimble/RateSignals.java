package dev.nimblekafka.nimble;

import java.time.Duration;
import java.util.Optional;

/**
 * What Nimble's answers say about the key's rate, for whoever paces the calls: a 429, and the
 * {@code ratelimit-limit}/{@code ratelimit-remaining} headers when an answer carries them. Called
 * on the HTTP client's threads.
 */
public interface RateSignals {
  /** Nimble answered 429; {@code retryAfter} when it said how long to wait. */
  void rateLimited(Optional<Duration> retryAfter);

  /** An answer said how many calls the key has left in its current window, of {@code limit}. */
  void remaining(long remaining, long limit);

  RateSignals NONE =
      new RateSignals() {
        @Override
        public void rateLimited(Optional<Duration> retryAfter) {}

        @Override
        public void remaining(long remaining, long limit) {}
      };
}
