package dev.nimblekafka.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a successful task costs, by the driver that ran it, in US dollars per 1,000 tasks (Nimble
 * bills only successful tasks). A driver the table does not name is counted at the price of its
 * default driver.
 */
public final class PriceTable {
  /** Nimble's published prices for Extract, per 1,000 successful tasks. */
  public static final String DEFAULTS = "vx6=0.90,vx8=1.30,vx10=1.45";

  /** The driver an unknown one is counted as, unless configured. */
  public static final String DEFAULT_DRIVER = "vx6";

  /** How a driver not named in a result (or named oddly) is recorded. */
  public static final String UNKNOWN = "unknown";

  private static final Pattern NAME = Pattern.compile("[a-z0-9._-]{1,32}");
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1_000);
  private static final BigDecimal MAX_PRICE = BigDecimal.valueOf(1_000_000);

  private final Map<String, BigDecimal> perThousand;
  private final String fallback;

  private PriceTable(Map<String, BigDecimal> perThousand, String fallback) {
    this.perThousand = Map.copyOf(perThousand);
    this.fallback = fallback;
  }

  /** Nimble's published prices, unknown drivers counted as {@value #DEFAULT_DRIVER}. */
  public static PriceTable defaults() {
    return parse("", DEFAULT_DRIVER);
  }

  /**
   * The defaults with {@code overrides} ({@code driver=price} pairs, dollars per 1,000 successful
   * tasks, separated by commas) on top, unknown drivers counted as {@code fallback}.
   *
   * @throws IllegalArgumentException naming the setting and the rule broken
   */
  public static PriceTable parse(String overrides, String fallback) {
    Map<String, BigDecimal> prices = new TreeMap<>();
    pairs(DEFAULTS, prices);
    pairs(overrides == null ? "" : overrides, prices);
    String name = fallback == null ? "" : fallback.strip().toLowerCase(Locale.ROOT);
    if (!prices.containsKey(name)) {
      throw new IllegalArgumentException(
          "PRICE_DEFAULT_DRIVER must name a driver of the price table "
              + prices.keySet()
              + " but was '"
              + fallback
              + "'");
    }
    return new PriceTable(prices, name);
  }

  private static void pairs(String text, Map<String, BigDecimal> into) {
    for (String item : text.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      String[] parts = item.strip().split("=", 2);
      String driver = parts[0].strip().toLowerCase(Locale.ROOT);
      BigDecimal price = parts.length == 2 ? number(parts[1].strip()) : null;
      if (!NAME.matcher(driver).matches()
          || driver.equals(UNKNOWN)
          || price == null
          || price.signum() < 0
          || price.compareTo(MAX_PRICE) > 0
          || price.scale() > 6) {
        throw new IllegalArgumentException(
            "PRICE_TABLE must list driver=price pairs (drivers of 1 to 32 characters of"
                + " a-z0-9._-, other than "
                + UNKNOWN
                + "; prices in dollars per 1,000 successful tasks, 0 to 1000000, at most 6"
                + " decimals) but has '"
                + item.strip()
                + "'");
      }
      into.put(driver, price.stripTrailingZeros());
    }
  }

  private static BigDecimal number(String text) {
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The name a driver is recorded under: lower case, or {@value #UNKNOWN} when absent or not a
   * plausible driver name.
   */
  public static String driverName(String driver) {
    if (driver == null) {
      return UNKNOWN;
    }
    String name = driver.strip().toLowerCase(Locale.ROOT);
    return NAME.matcher(name).matches() ? name : UNKNOWN;
  }

  /** Dollars per 1,000 successful tasks of this driver (the default driver's when unknown). */
  public BigDecimal perThousand(String driver) {
    BigDecimal price = perThousand.get(driverName(driver));
    return price != null ? price : perThousand.get(fallback);
  }

  /** What these successful tasks cost, by driver, exactly. */
  public BigDecimal cost(Map<String, Long> succeededByDriver) {
    BigDecimal total = BigDecimal.ZERO;
    for (Map.Entry<String, Long> e : succeededByDriver.entrySet()) {
      total = total.add(perThousand(e.getKey()).multiply(BigDecimal.valueOf(e.getValue())));
    }
    return total.divide(THOUSAND, 9, RoundingMode.UNNECESSARY).stripTrailingZeros();
  }

  /** The driver an unknown one is counted as. */
  public String fallback() {
    return fallback;
  }

  /** The prices, by driver. */
  public Map<String, BigDecimal> prices() {
    return perThousand;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(perThousand)
        .forEach(
            (d, p) ->
                text.append(text.isEmpty() ? "" : ",")
                    .append(d)
                    .append('=')
                    .append(p.toPlainString()));
    return text + " (unknown drivers as " + fallback + ")";
  }
}
