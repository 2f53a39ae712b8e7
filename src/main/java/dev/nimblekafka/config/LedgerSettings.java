package dev.nimblekafka.config;

import dev.nimblekafka.usage.PriceTable;

/** {@code USAGE_TOPIC}, {@code PRICE_TABLE} and {@code PRICE_DEFAULT_DRIVER}. */
final class LedgerSettings {
  private LedgerSettings() {}

  static LedgerConfig read(Settings s) {
    String topic = topic(s);
    s.describe(
        "PRICE_TABLE",
        PriceTable.DEFAULTS,
        "driver=price pairs, US dollars per 1,000 successful tasks, over the defaults");
    s.describe("PRICE_DEFAULT_DRIVER", PriceTable.DEFAULT_DRIVER, "a driver of the price table");
    String overrides = s.optional("PRICE_TABLE").orElse("");
    String fallback = s.optional("PRICE_DEFAULT_DRIVER").orElse(PriceTable.DEFAULT_DRIVER);
    PriceTable prices;
    try {
      prices = PriceTable.parse(overrides, fallback);
    } catch (IllegalArgumentException e) {
      s.problem(e.getMessage());
      prices = PriceTable.defaults();
    }
    return new LedgerConfig(topic, prices);
  }

  /** {@code USAGE_TOPIC}, checked. */
  static String topic(Settings s) {
    String topic = s.string("USAGE_TOPIC", "nimble.usage");
    s.describe("USAGE_TOPIC", "nimble.usage", "a Kafka topic name, unlike the other five");
    if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
      s.problem("USAGE_TOPIC must be a valid Kafka topic name but was '" + topic + "'");
    }
    return topic;
  }
}
