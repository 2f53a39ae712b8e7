package dev.nimblekafka.config;

import dev.nimblekafka.usage.PriceTable;

/**
 * The usage ledger.
 *
 * @param topic the compacted topic the running totals per tenant and day go to, partitioned like
 *     the requests topic
 * @param prices what a successful task costs, by driver
 */
public record LedgerConfig(String topic, PriceTable prices) {

  /** The default topic and Nimble's published prices. */
  public static LedgerConfig defaults() {
    return new LedgerConfig("nimble.usage", PriceTable.defaults());
  }
}
