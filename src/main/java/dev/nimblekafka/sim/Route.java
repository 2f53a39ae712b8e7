package dev.nimblekafka.sim;

import dev.nimblekafka.wire.NimblePaths;

/** The API endpoints the simulator answers, and how a request is matched to one. */
enum Route {
  EXTRACT("POST", NimblePaths.EXTRACT, true),
  EXTRACT_ASYNC("POST", NimblePaths.EXTRACT_ASYNC, true),
  EXTRACT_BATCH("POST", NimblePaths.EXTRACT_BATCH, true),
  AGENTS_RUN("POST", NimblePaths.AGENTS_RUN, true),
  AGENTS_ASYNC("POST", NimblePaths.AGENTS_ASYNC, true),
  AGENTS_BATCH("POST", NimblePaths.AGENTS_BATCH, true),
  AGENTS_LIST("GET", NimblePaths.AGENTS, false),
  AGENT_GET("GET", NimblePaths.AGENTS + "/{name}", false),
  TASKS_LIST("GET", NimblePaths.TASKS, false),
  TASK_GET("GET", NimblePaths.task("{id}"), false),
  TASK_RESULTS("GET", NimblePaths.taskResults("{id}"), false),
  BATCH_GET("GET", NimblePaths.batch("{id}"), false),
  BATCH_PROGRESS("GET", NimblePaths.batchProgress("{id}"), false);

  final String method;
  final String template;
  final boolean createsTasks;
  private final String[] segments;
  private final int wildcards;

  Route(String method, String template, boolean createsTasks) {
    this.method = method;
    this.template = template;
    this.createsTasks = createsTasks;
    this.segments = template.substring(1).split("/");
    int n = 0;
    for (String s : segments) {
      if (s.startsWith("{")) {
        n++;
      }
    }
    this.wildcards = n;
  }

  /** The endpoint name used in statistics, e.g. {@code "GET /v1/tasks/{id}"}. */
  String key() {
    return method + " " + template;
  }

  /**
   * A request matched to a route: {@code route} is null when nothing matched ({@code status} 404)
   * or only another method did (405); {@code param} is the path parameter, if any.
   */
  record Match(Route route, String param, String key, int status) {}

  static Match match(String method, String rawPath) {
    String path =
        rawPath.length() > 1 && rawPath.endsWith("/")
            ? rawPath.substring(0, rawPath.length() - 1)
            : rawPath;
    String[] parts = path.startsWith("/") ? path.substring(1).split("/") : path.split("/");
    Route best = null;
    Route otherMethod = null;
    String param = null;
    for (Route r : values()) {
      String p = r.params(parts);
      if (p == null) {
        continue;
      }
      if (!r.method.equals(method)) {
        otherMethod = otherMethod == null ? r : otherMethod;
      } else if (best == null || r.wildcards < best.wildcards) {
        best = r;
        param = p;
      }
    }
    if (best != null) {
      return new Match(best, param.isEmpty() ? null : param, best.key(), 200);
    }
    if (otherMethod != null) {
      return new Match(null, null, method + " " + otherMethod.template, 405);
    }
    return new Match(null, null, method + " (unknown)", 404);
  }

  /** The path parameter ("" when there is none) if {@code parts} match this route, else null. */
  private String params(String[] parts) {
    if (parts.length != segments.length) {
      return null;
    }
    String param = "";
    for (int i = 0; i < parts.length; i++) {
      if (segments[i].startsWith("{")) {
        if (parts[i].isEmpty()) {
          return null;
        }
        param = parts[i];
      } else if (!segments[i].equals(parts[i])) {
        return null;
      }
    }
    return param;
  }
}
