package dev.nimblekafka.request;

import java.util.Locale;

/** Which Nimble endpoint a request goes to. */
public enum Kind {
  /** {@code POST /v1/extract/async}. */
  EXTRACT,
  /** {@code POST /v1/agents/async}. */
  AGENT,
  /** {@code POST /v1/serp/async} (or v2's): a search engine results page. */
  SERP,
  /**
   * {@code POST /v1/crawl} (or v2's): a whole site, one page task per page; its id is the crawl's.
   */
  CRAWL;

  /** The name used in messages: {@code extract}, {@code agent}, {@code serp} or {@code crawl}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Kind fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
