package dev.nimblekafka.nimble;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {

  @Test
  void readsTheFormsNimbleWritesAsTheJdkDoes() {
    for (String text :
        List.of(
            "2026-12-01T10:00:02Z",
            "2026-12-01T10:00:02.5Z",
            "2026-12-01T10:00:02.123Z",
            "2026-12-01T10:00:02.123456Z",
            "2026-12-01T10:00:02.999999999Z",
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59.001Z",
            "1969-12-31T23:59:59.999Z")) {
      assertThat(Timestamps.utc(text)).as(text).isEqualTo(Instant.parse(text).toEpochMilli());
    }
  }

  @Test
  void agreesWithTheJdkOnRandomInstants() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(random.nextLong() % 10_000_000_000L, random.nextInt(1_000_000_000));
      String text = instant.toString();
      assertThat(Timestamps.epochMillis(text))
          .as(text)
          .isEqualTo(OptionalLong.of(Instant.parse(text).toEpochMilli()));
    }
  }

  @Test
  void otherFormsAreLeftToTheJdkAndNonsenseIsNoTimestamp() {
    assertThat(Timestamps.utc("2026-12-01T10:00:02+00:00")).isEqualTo(Long.MIN_VALUE);
    assertThat(Timestamps.utc("2026-02-30T10:00:02Z")).isEqualTo(Long.MIN_VALUE);
    assertThat(Timestamps.utc("2026-12-01T24:00:00Z")).isEqualTo(Long.MIN_VALUE);
    assertThat(Timestamps.utc("2026-12-01T10:00:02.Z")).isEqualTo(Long.MIN_VALUE);
    assertThat(Timestamps.utc("2026-12-01T10:00:02.1234567890Z")).isEqualTo(Long.MIN_VALUE);
    assertThat(Timestamps.utc("2026-1a-01T10:00:02Z")).isEqualTo(Long.MIN_VALUE);
    for (String text : List.of("2026-12-01T10:00:02+01:00", "2026-12-01T23:59:60Z")) {
      OptionalLong jdk;
      try {
        jdk = OptionalLong.of(Instant.parse(text).toEpochMilli());
      } catch (DateTimeParseException e) {
        jdk = OptionalLong.empty();
      }
      assertThat(Timestamps.epochMillis(text)).as(text).isEqualTo(jdk);
    }
    assertThat(Timestamps.epochMillis("yesterday")).isEmpty();
    assertThat(Timestamps.epochMillis(null)).isEmpty();
  }
}
