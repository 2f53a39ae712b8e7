package dev.nimblekafka.config;

import dev.nimblekafka.request.AllowedDestinations;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ALLOWED_CALLBACK_HOSTS} and {@code ALLOWED_STORAGE_PREFIXES}: comma-separated lists of
 * where a request may have Nimble call back or write its result. Unset allows anything.
 */
final class DestinationSettings {
  private static final String LABEL = "[a-z0-9]([a-z0-9-]*[a-z0-9])?";
  private static final String HOST = "(\\*\\.)?" + LABEL + "(\\." + LABEL + ")*";

  /** {@code s3://} or {@code gs://}, a bucket, and a path that ends in a slash. */
  private static final String PREFIX = "(s3|gs)://[^/\\s]+/([^\\s]*/)?";

  private DestinationSettings() {}

  static AllowedDestinations read(Settings s) {
    s.describe(
        "ALLOWED_CALLBACK_HOSTS", "unset", "comma-separated host names or *.domain wildcards");
    s.describe(
        "ALLOWED_STORAGE_PREFIXES",
        "unset",
        "comma-separated s3:// or gs:// URL prefixes ending with /");
    List<String> hosts = list(s, "ALLOWED_CALLBACK_HOSTS");
    for (String host : hosts) {
      if (!host.toLowerCase(java.util.Locale.ROOT).matches(HOST)) {
        s.problem(
            "ALLOWED_CALLBACK_HOSTS must list host names or *.domain wildcards"
                + " (e.g. hooks.example.com, *.example.com) but has '"
                + host
                + "'");
      }
    }
    List<String> prefixes = list(s, "ALLOWED_STORAGE_PREFIXES");
    for (String prefix : prefixes) {
      if (!prefix.matches(PREFIX) || prefix.contains("/../")) {
        s.problem(
            "ALLOWED_STORAGE_PREFIXES must list s3:// or gs:// URL prefixes ending with /"
                + " (e.g. s3://bucket/prefix/, so that s3://bucket does not also allow"
                + " s3://bucket-other) but has '"
                + prefix
                + "'");
      }
    }
    return AllowedDestinations.of(hosts, prefixes);
  }

  private static List<String> list(Settings s, String name) {
    List<String> items = new ArrayList<>();
    for (String item : s.optional(name).orElse("").split(",")) {
      if (!item.isBlank()) {
        items.add(item.strip());
      }
    }
    return List.copyOf(items);
  }
}
