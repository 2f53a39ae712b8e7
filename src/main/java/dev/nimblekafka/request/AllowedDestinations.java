package dev.nimblekafka.request;

import java.util.List;
import java.util.Locale;

/**
 * Where a request may have Nimble deliver: the hosts its {@code callback_url} may name and the
 * prefixes its {@code storage_url} must start with. An empty list allows anything. A host entry is
 * a name ({@code hooks.example.com}) or a wildcard for the names below one ({@code *.example.com},
 * which does not allow {@code example.com} itself); names compare without case.
 */
public final class AllowedDestinations {
  private static final AllowedDestinations ANYTHING = new AllowedDestinations(List.of(), List.of());

  private final List<String> callbackHosts;
  private final List<String> storagePrefixes;

  private AllowedDestinations(List<String> callbackHosts, List<String> storagePrefixes) {
    this.callbackHosts = callbackHosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
    this.storagePrefixes = List.copyOf(storagePrefixes);
  }

  /** Allows every destination. */
  public static AllowedDestinations anything() {
    return ANYTHING;
  }

  /**
   * @param callbackHosts host names and {@code *.}-wildcards; empty allows any host
   * @param storagePrefixes URL prefixes such as {@code s3://bucket/prefix/}; empty allows any
   */
  public static AllowedDestinations of(List<String> callbackHosts, List<String> storagePrefixes) {
    return new AllowedDestinations(callbackHosts, storagePrefixes);
  }

  public List<String> callbackHosts() {
    return callbackHosts;
  }

  public List<String> storagePrefixes() {
    return storagePrefixes;
  }

  /** Whether an http(s) URL's host is allowed; a host that cannot be read plainly is not. */
  boolean allowsCallback(String url) {
    if (callbackHosts.isEmpty()) {
      return true;
    }
    String host = hostOf(url);
    if (host == null) {
      return false;
    }
    for (String allowed : callbackHosts) {
      if (allowed.startsWith("*.") ? host.endsWith(allowed.substring(1)) : host.equals(allowed)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a storage URL starts with an allowed prefix and climbs out of none with "..". */
  boolean allowsStorage(String url) {
    if (storagePrefixes.isEmpty()) {
      return true;
    }
    return !hasParentSegment(url) && storagePrefixes.stream().anyMatch(url::startsWith);
  }

  /**
   * The host of an {@code http(s)://} URL, lower case, without user info, port or a final dot; null
   * when it is not a plain name or IPv4 address, or when the authority holds a backslash (which
   * clients read differently, so any reading of it could reach another host).
   */
  static String hostOf(String url) {
    int start = url.indexOf("://");
    if (start < 0) {
      return null;
    }
    int end = start + 3;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start + 3, end);
    if (authority.indexOf('\\') >= 0) {
      return null;
    }
    String host = authority.substring(authority.lastIndexOf('@') + 1);
    int colon = host.indexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    return host.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?") ? host : null;
  }

  /** Whether a path has a {@code ..} segment (between slashes or backslashes, or at an end). */
  static boolean hasParentSegment(String path) {
    for (String segment : path.split("[/\\\\]", -1)) {
      if (segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "AllowedDestinations[callbackHosts="
        + callbackHosts
        + ", storagePrefixes="
        + storagePrefixes
        + "]";
  }
}
