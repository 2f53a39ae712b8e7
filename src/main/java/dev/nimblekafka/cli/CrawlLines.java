package dev.nimblekafka.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/** How a crawl's page records and summary read on one line. */
final class CrawlLines {
  private CrawlLines() {}

  /** {@code #3 succeeded URL 12.5 KB}, or {@code #4 failed URL PAGE_FAILED message}. */
  static String page(JsonNode value) {
    String url = value.path("url").asText(value.path("result").path("url").asText("(no url)"));
    String head = "#" + value.path("page_index").asText("?") + "  " + value.path("state").asText();
    if (value.has("error")) {
      JsonNode error = value.path("error");
      return head
          + "  "
          + url
          + "  "
          + error.path("code").asText()
          + "  "
          + brief(error.path("message").asText());
    }
    return head
        + "  "
        + url
        + "  "
        + size(value.path("result").toString().getBytes(StandardCharsets.UTF_8).length);
  }

  /** {@code crawl c-5f0c succeeded 20 pages: 19 succeeded, 1 failed, 0 not run in 12.3s}. */
  static String summary(JsonNode summary) {
    JsonNode pages = summary.path("pages");
    return String.format(
        "crawl %s %s  %d pages: %d succeeded, %d failed, %d not run  in %s",
        summary.path("crawl_id").asText("?"),
        summary.path("crawl_state").asText("?"),
        pages.path("listed").asLong(),
        pages.path("succeeded").asLong(),
        pages.path("failed").asLong(),
        pages.path("not_run").asLong(),
        duration(summary.path("duration_ms").asLong()));
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    if (bytes < 1024 * 1024) {
      return String.format("%.1f KB", bytes / 1024.0);
    }
    return String.format("%.1f MB", bytes / (1024.0 * 1024));
  }

  static String duration(long millis) {
    long minutes = millis / 60_000;
    return minutes > 0
        ? String.format("%dm%02ds", minutes, millis / 1000 % 60)
        : String.format("%.1fs", millis / 1000.0);
  }

  private static String brief(String message) {
    String line = message.strip().replaceAll("\\s+", " ");
    return line.length() > 100 ? line.substring(0, 100) + "..." : line;
  }
}
