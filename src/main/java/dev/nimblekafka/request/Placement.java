package dev.nimblekafka.request;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Whose a request is and how urgent: its tenant and its {@link Priority}. The request's own
 * top-level {@code tenant} and {@code priority} fields win; absent, the record's headers say (the
 * tenant header's name is a setting, the priority's is {@code priority}); neither means tenant
 * {@value #DEFAULT_TENANT}, priority normal.
 */
public record Placement(String tenant, Priority priority) {
  /** One string per tenant name however many requests carry it. */
  private static final ConcurrentHashMap<String, String> NAMES = new ConcurrentHashMap<>();

  /** Names kept shared at most (beyond them each request keeps its own copy). */
  private static final int SHARED_NAMES = 10_000;

  public static final String DEFAULT_TENANT = "default";
  public static final Placement DEFAULT = new Placement(DEFAULT_TENANT, Priority.NORMAL);
  public static final int MAX_TENANT_LENGTH = 64;
  public static final String PRIORITY_HEADER = "priority";
  static final String TENANT_RULE = "1 to " + MAX_TENANT_LENGTH + " characters of A-Za-z0-9._-";

  private static final Pattern TENANT =
      Pattern.compile("[A-Za-z0-9._-]{1," + MAX_TENANT_LENGTH + "}");

  public Placement {
    tenant = shared(tenant);
  }

  /**
   * The placement of a request whose own fields say {@code tenant} and {@code priority} (null when
   * absent, already checked), else its headers.
   *
   * @throws Violation when a header names an invalid tenant or priority
   */
  static Placement of(String tenant, String priority, RequestHeaders headers, String tenantHeader) {
    String t = tenant;
    if (t == null && tenantHeader != null) {
      t = header(headers, tenantHeader);
      if (t != null) {
        tenant(t, "header " + tenantHeader);
      }
    }
    String p = priority;
    if (p == null) {
      p = header(headers, PRIORITY_HEADER);
      if (p != null) {
        priority(p, "header " + PRIORITY_HEADER);
      }
    }
    Priority level = p == null ? Priority.NORMAL : Priority.of(p);
    if (t == null && level == Priority.NORMAL) {
      return DEFAULT;
    }
    return new Placement(t == null ? DEFAULT_TENANT : t, level);
  }

  /** Checks a tenant name. */
  static void tenant(String value, String field) {
    if (!TENANT.matcher(value).matches()) {
      throw new Violation(
          "INVALID_FIELD",
          field,
          MAX_TENANT_LENGTH,
          field + " must be " + TENANT_RULE + " but is \"" + brief(value) + "\"");
    }
  }

  /** Checks a priority name. */
  static void priority(String value, String field) {
    if (Priority.of(value) == null) {
      throw new Violation(
          "INVALID_FIELD",
          field,
          null,
          field + " must be one of high, normal, low but is \"" + brief(value) + "\"");
    }
  }

  /** Whether {@code value} is a valid tenant name (for settings). */
  public static boolean validTenant(String value) {
    return value != null && TENANT.matcher(value).matches();
  }

  private static String header(RequestHeaders headers, String name) {
    return headers == null ? null : headers.text(name);
  }

  private static String shared(String name) {
    String known = NAMES.get(name);
    if (known != null) {
      return known;
    }
    if (NAMES.size() >= SHARED_NAMES) {
      return name;
    }
    String before = NAMES.putIfAbsent(name, name);
    return before == null ? name : before;
  }

  private static String brief(String value) {
    String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
