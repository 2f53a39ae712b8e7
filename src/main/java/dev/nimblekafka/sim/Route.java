package dev.nimblekafka.sim;

import dev.nimblekafka.wire.ApiVersion;
import java.util.function.Function;

/**
 * The API endpoints the simulator answers, and how a request is matched to one. Every endpoint is
 * served under both API versions on the same port ({@code /v1/...} and {@code /v2/...}, agents
 * under v2's name, extract templates; crawls under {@code /v1/crawl} and {@code /v2/crawl}); the
 * match says which version was called.
 */
enum Route {
  EXTRACT("POST", ApiVersion::extract, true),
  EXTRACT_ASYNC("POST", ApiVersion::extractAsync, true),
  EXTRACT_BATCH("POST", ApiVersion::extractBatch, true),
  AGENTS_RUN("POST", ApiVersion::templateRun, true),
  AGENTS_ASYNC("POST", ApiVersion::templateAsync, true),
  AGENTS_BATCH("POST", ApiVersion::templateBatch, true),
  SERP_ASYNC("POST", ApiVersion::serpAsync, true),
  SERP_BATCH("POST", ApiVersion::serpBatch, true),
  AGENTS_LIST("GET", ApiVersion::templates, false),
  AGENT_GET("GET", v -> v.template("{name}"), false),
  TASKS_LIST("GET", ApiVersion::tasks, false),
  TASK_GET("GET", v -> v.task("{id}"), false),
  TASK_RESULTS("GET", v -> v.taskResults("{id}"), false),
  BATCH_GET("GET", v -> v.batch("{id}"), false),
  BATCH_PROGRESS("GET", v -> v.batchProgress("{id}"), false),
  CRAWL_RUN("POST", v -> crawl(v), true),
  CRAWL_LIST("GET", v -> crawl(v), false),
  CRAWL_GET("GET", v -> crawl(v) + "/{id}", false),
  CRAWL_CANCEL("DELETE", v -> crawl(v) + "/{id}", false);

  final String method;
  final boolean createsTasks;
  private final String[] templates;
  private final String[][] segments;
  private final int wildcards;

  Route(String method, Function<ApiVersion, String> path, boolean createsTasks) {
    this.method = method;
    this.createsTasks = createsTasks;
    ApiVersion[] versions = ApiVersion.values();
    this.templates = new String[versions.length];
    this.segments = new String[versions.length][];
    for (ApiVersion version : versions) {
      templates[version.ordinal()] = path.apply(version);
      segments[version.ordinal()] = templates[version.ordinal()].substring(1).split("/");
    }
    int n = 0;
    for (String s : segments[0]) {
      if (s.startsWith("{")) {
        n++;
      }
    }
    this.wildcards = n;
  }

  /** True for the crawl endpoints, which {@link CrawlEndpoints} answers. */
  boolean isCrawl() {
    return this == CRAWL_RUN || this == CRAWL_LIST || this == CRAWL_GET || this == CRAWL_CANCEL;
  }

  /** {@code /v1/crawl} or {@code /v2/crawl}. */
  private static String crawl(ApiVersion version) {
    return "/" + version.wire() + "/crawl";
  }

  /** The path template under a version, e.g. {@code /v2/tasks/{id}}. */
  String template(ApiVersion version) {
    return templates[version.ordinal()];
  }

  /** The endpoint name used in statistics, e.g. {@code "GET /v1/tasks/{id}"}. */
  String key(ApiVersion version) {
    return method + " " + template(version);
  }

  /**
   * A request matched to a route: {@code route} is null when nothing matched ({@code status} 404)
   * or only another method did (405); {@code param} is the path parameter, if any; {@code version}
   * the API version of the path (null when nothing matched).
   */
  record Match(Route route, ApiVersion version, String param, String key, int status) {}

  static Match match(String method, String rawPath) {
    String path =
        rawPath.length() > 1 && rawPath.endsWith("/")
            ? rawPath.substring(0, rawPath.length() - 1)
            : rawPath;
    String[] parts = path.startsWith("/") ? path.substring(1).split("/") : path.split("/");
    Route best = null;
    ApiVersion bestVersion = null;
    Route otherMethod = null;
    ApiVersion otherVersion = null;
    String param = null;
    for (ApiVersion version : ApiVersion.values()) {
      for (Route r : values()) {
        String p = r.params(version, parts);
        if (p == null) {
          continue;
        }
        if (!r.method.equals(method)) {
          if (otherMethod == null) {
            otherMethod = r;
            otherVersion = version;
          }
        } else if (best == null || r.wildcards < best.wildcards) {
          best = r;
          bestVersion = version;
          param = p;
        }
      }
    }
    if (best != null) {
      return new Match(
          best, bestVersion, param.isEmpty() ? null : param, best.key(bestVersion), 200);
    }
    if (otherMethod != null) {
      return new Match(
          null, otherVersion, null, method + " " + otherMethod.template(otherVersion), 405);
    }
    return new Match(null, null, null, method + " (unknown)", 404);
  }

  /** The path parameter ("" when there is none) if {@code parts} match this route, else null. */
  private String params(ApiVersion version, String[] parts) {
    String[] own = segments[version.ordinal()];
    if (parts.length != own.length) {
      return null;
    }
    String param = "";
    for (int i = 0; i < parts.length; i++) {
      if (own[i].startsWith("{")) {
        if (parts[i].isEmpty()) {
          return null;
        }
        param = parts[i];
      } else if (!own[i].equals(parts[i])) {
        return null;
      }
    }
    return param;
  }
}
