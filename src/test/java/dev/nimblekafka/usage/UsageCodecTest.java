package dev.nimblekafka.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UsageCodecTest {
  private final UsageCodec codec = new UsageCodec(new ObjectMapper());

  @Test
  void aRecordReadsBackAsWritten() {
    Usage usage =
        new Usage(
            "acme",
            LocalDate.of(2026, 12, 7),
            3,
            5,
            4,
            1,
            0,
            12,
            Map.of("vx6", 3L, "vx10", 1L),
            new BigDecimal("0.00415"));

    byte[] value = codec.encode(usage, 1_800_000_000_000L);

    assertThat(new String(codec.key(usage), StandardCharsets.UTF_8)).isEqualTo("acme|2026-12-07");
    assertThat(codec.decode(value)).isEqualTo(usage);
  }

  @Test
  void aCostOfAFewTasksIsWrittenInFullNotInExponents() {
    Usage usage =
        new Usage(
            "a",
            LocalDate.of(2026, 12, 7),
            0,
            0,
            1,
            0,
            0,
            0,
            Map.of("tiny", 1L),
            new BigDecimal("0.000000001"));

    assertThat(new String(codec.encode(usage, 0), StandardCharsets.UTF_8))
        .contains("\"cost_usd\":0.000000001");
  }

  @Test
  void aRecordOfAnotherVersionIsRefusedWithItsVersion() {
    assertThatThrownBy(
            () -> codec.decode("{\"version\":2,\"tenant\":\"a\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version 2");
  }
}
