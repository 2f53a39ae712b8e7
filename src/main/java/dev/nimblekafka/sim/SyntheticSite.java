package dev.nimblekafka.sim;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The site a crawl walks, made up from its start URL alone, so the same start URL always gives the
 * same site. Every page links to a fixed number of child pages under its own path, named from
 * {@link #SECTIONS} ({@code /blog}, {@code /blog/docs}, ...; past the eighth {@code /blog-8}); the
 * site's sitemap lists the start page and a number of archive pages ({@code <start path>/archive/
 * <i>}), which link nowhere.
 *
 * <p>The host's labels shape the site: {@code links<N>} gives N child links per page (default
 * {@value #DEFAULT_LINKS}, at most {@value #MAX_COUNT}), {@code sitemap<N>} N archive pages
 * (default {@value #DEFAULT_SITEMAP}); a host whose first label is {@code fail} has a start page
 * that fails. For example {@code https://links2.sitemap0.shop.example/} has two links per page and
 * a sitemap of the start page alone.
 */
final class SyntheticSite {
  static final int DEFAULT_LINKS = 5;
  static final int DEFAULT_SITEMAP = 10;
  static final int MAX_COUNT = 50;
  static final String[] SECTIONS = {
    "blog", "docs", "products", "news", "about", "help", "careers", "pricing"
  };

  private final String origin;
  private final String startPath;
  final int linksPerPage;
  final int sitemapSize;
  final boolean startFails;

  private SyntheticSite(
      String origin, String startPath, int linksPerPage, int sitemapSize, boolean startFails) {
    this.origin = origin;
    this.startPath = startPath;
    this.linksPerPage = linksPerPage;
    this.sitemapSize = sitemapSize;
    this.startFails = startFails;
  }

  /** The site of a start URL (one with a host; see {@link #hostOf}). */
  static SyntheticSite of(String startUrl) {
    URI uri = URI.create(startUrl);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    int links = DEFAULT_LINKS;
    int sitemap = DEFAULT_SITEMAP;
    String[] labels = host.split("\\.");
    for (String label : labels) {
      links = count(label, "links", links);
      sitemap = count(label, "sitemap", sitemap);
    }
    String origin = uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority();
    return new SyntheticSite(
        origin, trimmed(uri.getRawPath()), links, sitemap, "fail".equals(labels[0]));
  }

  /** The host of {@code url} in lower case, or "" if it is no absolute http(s) URL with one. */
  static String hostOf(String url) {
    try {
      URI uri = URI.create(url);
      String scheme = uri.getScheme();
      if (uri.getHost() == null
          || scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        return "";
      }
      return uri.getHost().toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** The path of a page URL of this site, for {@code include_paths} and {@code exclude_paths}. */
  static String pathOf(String url) {
    String path = URI.create(url).getPath();
    return path == null || path.isEmpty() ? "/" : path;
  }

  /** The pages {@code pageUrl} links to, in link order. */
  List<String> links(String pageUrl) {
    String base = trimmed(URI.create(pageUrl).getRawPath());
    List<String> links = new ArrayList<>(linksPerPage);
    for (int i = 0; i < linksPerPage; i++) {
      String section = i < SECTIONS.length ? SECTIONS[i] : SECTIONS[i % SECTIONS.length] + "-" + i;
      links.add(origin + base + "/" + section);
    }
    return links;
  }

  /** The archive pages the sitemap lists besides the start page, in sitemap order. */
  List<String> sitemap() {
    List<String> pages = new ArrayList<>(sitemapSize);
    for (int i = 1; i <= sitemapSize; i++) {
      pages.add(origin + startPath + "/archive/" + i);
    }
    return pages;
  }

  private static int count(String label, String prefix, int otherwise) {
    if (!label.startsWith(prefix) || label.length() == prefix.length()) {
      return otherwise;
    }
    String digits = label.substring(prefix.length());
    if (digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
      return otherwise;
    }
    return Math.min(MAX_COUNT, Integer.parseInt(digits));
  }

  /** A path without its trailing slashes ("" for the root). */
  private static String trimmed(String path) {
    if (path == null) {
      return "";
    }
    int end = path.length();
    while (end > 0 && path.charAt(end - 1) == '/') {
      end--;
    }
    return path.substring(0, end);
  }
}
