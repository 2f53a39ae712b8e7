package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A fake web page made up from a seed: the same seed and URL always give the same title, paragraphs
 * and links, in every output format.
 */
final class PageContent {
  private static final String[] WORDS = {
    "market",
    "price",
    "product",
    "review",
    "delivery",
    "quality",
    "season",
    "stock",
    "design",
    "customer",
    "order",
    "value",
    "brand",
    "garden",
    "kitchen",
    "travel",
    "city",
    "coffee",
    "light",
    "signal",
    "north",
    "river",
    "house",
    "window",
    "paper",
    "silver",
    "green",
    "rapid",
    "quiet",
    "modern",
    "classic",
    "simple",
    "daily",
    "local",
    "global",
    "fresh",
    "smart",
    "open",
    "bright",
    "steady"
  };

  /** A 1x1 transparent PNG. */
  static final String SCREENSHOT_PNG_BASE64 =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

  final String url;
  final String host;
  final String title;
  final List<String> paragraphs;
  final List<String> links;
  private final long seed;

  PageContent(long seed, String url) {
    this.seed = seed;
    this.url = url;
    this.host = hostOf(url);
    SplittableRandom random = new SplittableRandom(seed);
    this.title = capitalize(words(random, 3 + random.nextInt(3)));
    List<String> ps = new ArrayList<>();
    for (int i = 0, n = 3 + random.nextInt(3); i < n; i++) {
      ps.add(sentence(random, 20 + random.nextInt(20)));
    }
    this.paragraphs = List.copyOf(ps);
    List<String> ls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ls.add("https://" + host + "/" + word(random) + "-" + word(random) + "-" + (i + 1));
    }
    this.links = List.copyOf(ls);
  }

  String html() {
    StringBuilder b = new StringBuilder(2048);
    b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
        .append(title)
        .append("</title></head><body><h1>")
        .append(title)
        .append("</h1>");
    for (String p : paragraphs) {
      b.append("<p>").append(p).append("</p>");
    }
    b.append("<ul>");
    for (String link : links) {
      b.append("<li><a href=\"").append(link).append("\">").append(link).append("</a></li>");
    }
    return b.append("</ul></body></html>").toString();
  }

  String markdown() {
    StringBuilder b = new StringBuilder(1024).append("# ").append(title).append("\n\n");
    for (String p : paragraphs) {
      b.append(p).append("\n\n");
    }
    for (String link : links) {
      b.append("- [").append(link).append("](").append(link).append(")\n");
    }
    return b.toString();
  }

  String text() {
    return title + "\n\n" + String.join("\n\n", paragraphs);
  }

  ArrayNode linksJson() {
    ArrayNode array = Json.array();
    links.forEach(array::add);
    return array;
  }

  ObjectNode headersJson() {
    ObjectNode headers = Json.object();
    headers.put("content-type", "text/html; charset=utf-8");
    headers.put("server", "nginx");
    headers.put("cache-control", "max-age=0");
    headers.put("etag", "\"" + Long.toHexString(seed) + "\"");
    return headers;
  }

  /** Deterministic filler text of exactly {@code length} plain ASCII characters. */
  String filler(int length) {
    StringBuilder b = new StringBuilder(length + 64);
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    while (b.length() < length) {
      b.append(sentence(random, 12)).append(' ');
    }
    b.setLength(length);
    return b.toString();
  }

  /** A short deterministic phrase for field {@code name}, e.g. a parsed value. */
  String phrase(String name, int words) {
    SplittableRandom random = new SplittableRandom(seed ^ name.hashCode());
    return capitalize(words(random, words));
  }

  private static String sentence(SplittableRandom random, int n) {
    return capitalize(words(random, n)) + ".";
  }

  private static String words(SplittableRandom random, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(word(random));
    }
    return b.toString();
  }

  private static String word(SplittableRandom random) {
    return WORDS[random.nextInt(WORDS.length)];
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }

  private static String hostOf(String url) {
    try {
      String host = URI.create(url).getHost();
      return host == null ? "example.com" : host;
    } catch (IllegalArgumentException e) {
      return "example.com";
    }
  }
}
