package dev.nimblekafka.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableTest {

  @Test
  void theDefaultsAreNimblesPricesPerThousandSuccessfulTasks() {
    PriceTable prices = PriceTable.defaults();

    assertThat(prices.cost(Map.of("vx6", 1_000L))).isEqualByComparingTo("0.90");
    assertThat(prices.cost(Map.of("vx8", 1_000L))).isEqualByComparingTo("1.30");
    assertThat(prices.cost(Map.of("vx10", 1_000L))).isEqualByComparingTo("1.45");
  }

  @Test
  void costsAreExactToTheTask() {
    PriceTable prices = PriceTable.defaults();

    assertThat(prices.cost(Map.of("vx6", 1L))).isEqualTo(new BigDecimal("0.0009"));
    assertThat(prices.cost(Map.of("vx10", 3L, "vx8", 7L))).isEqualTo(new BigDecimal("0.01345"));
  }

  @Test
  void anOverrideReplacesOnlyTheDriversItNames() {
    PriceTable prices = PriceTable.parse("vx8=2.5, VX12=3", "vx6");

    assertThat(prices.perThousand("vx8")).isEqualByComparingTo("2.5");
    assertThat(prices.perThousand("vx12")).isEqualByComparingTo("3");
    assertThat(prices.perThousand("vx6")).isEqualByComparingTo("0.90");
  }

  @Test
  void anUnknownOrMissingDriverIsCountedAtTheDefaultDriversPrice() {
    PriceTable prices = PriceTable.parse("", "vx10");

    assertThat(prices.perThousand("vx99")).isEqualByComparingTo("1.45");
    assertThat(prices.perThousand(null)).isEqualByComparingTo("1.45");
    assertThat(PriceTable.driverName(null)).isEqualTo(PriceTable.UNKNOWN);
    assertThat(PriceTable.driverName("not a driver!")).isEqualTo(PriceTable.UNKNOWN);
    assertThat(PriceTable.driverName(" VX8 ")).isEqualTo("vx8");
  }

  @Test
  void aMalformedPriceNamesTheSettingAndTheRule() {
    assertThatThrownBy(() -> PriceTable.parse("vx6=cheap", "vx6"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PRICE_TABLE")
        .hasMessageContaining("dollars per 1,000 successful tasks")
        .hasMessageContaining("'vx6=cheap'");
    assertThatThrownBy(() -> PriceTable.parse("vx6=-1", "vx6")).hasMessageContaining("'vx6=-1'");
    assertThatThrownBy(() -> PriceTable.parse("", "vx99"))
        .hasMessageContaining("PRICE_DEFAULT_DRIVER")
        .hasMessageContaining("vx99");
  }

  @Test
  void usageAddsUpOverPartitionsAndSubtractsToWhatIsNew() {
    Usage a =
        new Usage(
            "acme",
            java.time.LocalDate.of(2026, 12, 7),
            0,
            3,
            2,
            1,
            0,
            9,
            Map.of("vx6", 2L),
            new BigDecimal("0.0018"));
    Usage b =
        new Usage(
            "acme",
            java.time.LocalDate.of(2026, 12, 7),
            1,
            1,
            1,
            0,
            1,
            4,
            Map.of("vx8", 1L),
            new BigDecimal("0.0013"));

    Usage sum = a.plus(b);

    assertThat(sum.partition()).isEqualTo(-1);
    assertThat(sum.created()).isEqualTo(4);
    assertThat(sum.succeededByDriver()).isEqualTo(Map.of("vx6", 2L, "vx8", 1L));
    assertThat(sum.costUsd()).isEqualByComparingTo("0.0031");
    assertThat(sum.since(a).succeededByDriver()).isEqualTo(Map.of("vx8", 1L));
    assertThat(sum.since(a).calls()).isEqualTo(4);
  }
}
