package dev.nimblekafka.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The requests of a run, each with what it must end as. Mostly extract requests with distinct URLs;
 * some agent requests; some invalid ones (a failure without any call); some the simulator always
 * fails (a failure after every attempt). They belong to {@link #TENANTS} in turn, each tenant's
 * pages on a host of its own, so that the simulator's count of completed tasks by host can be
 * compared with the usage ledger's tasks succeeded by tenant.
 */
final class ChaosRequests {
  /** The agent used for agent requests; its parameter makes every input distinct. */
  static final String AGENT = "amazon_pdp";

  /** The tenants of a run's requests: request {@code i} is tenant {@code i % 3}'s. */
  static final List<String> TENANTS = List.of("catalogue", "pricing", "research");

  /** The tenant every agent request belongs to. */
  static final String AGENT_TENANT = "pricing";

  /** The host the simulator counts an {@link #AGENT} task's completion under: the agent's site. */
  static final String AGENT_HOST = "www.amazon.com";

  /** The tenant a request names when it names none. */
  static final String DEFAULT_TENANT = "default";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a request is, and so which outcome it must get. */
  enum Kind {
    /** An extract request: a result whose {@code result.url} is the request's URL. */
    EXTRACT,
    /** An agent request: a result. */
    AGENT,
    /** Not a valid request (an ftp URL): a failure of stage {@code validate}. */
    INVALID,
    /** Tagged {@code sim:fail}: a failure with code {@code TASK_FAILED}. */
    FAILING,
    /** Its URL carries {@code sim:forbid}, which the simulator refuses with a 403: a failure. */
    FORBIDDEN,
    /**
     * A crawl request ({@code input} is its start URL): page records, one per page task, then one
     * result of kind {@code crawl}, the summary.
     */
    CRAWL
  }

  /**
   * One request record. {@code input} is what identifies its tasks at the simulator: the URL, or
   * the agent's {@code asin}.
   *
   * @param ref what names this record in the run's checks: the request id, or, for a record whose
   *     id another record of the run shares, the id and {@code #index}
   * @param partition the requests-topic partition it is produced to, -1: by its key
   * @param padding characters of filler added to its metadata when it is produced ({@link #value})
   * @param wave 0: produced from the start; 1: produced once every wave-0 record with the same id
   *     has its outcome
   */
  record Request(
      int index,
      String id,
      Kind kind,
      String input,
      String json,
      String ref,
      int partition,
      int padding,
      int wave) {

    Request(int index, String id, Kind kind, String input, String json) {
      this(index, id, kind, input, json, id, -1, 0, 0);
    }

    /** The record's value: the JSON, its {@code metadata.pad} filled with the padding. */
    byte[] value() {
      if (padding == 0) {
        return json.getBytes(StandardCharsets.UTF_8);
      }
      return json.replace(PAD, PAD.replace("\"\"", "\"" + "x".repeat(padding) + "\""))
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The empty filler in a padded request's metadata, filled when it is produced. */
  static final String PAD = "\"pad\":\"\"";

  private ChaosRequests() {}

  /** {@code count} requests with ids {@code <run>-<i>}, kinds drawn from {@code random}. */
  static List<Request> generate(String run, int count, Random random) {
    List<Request> requests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = run + "-" + i;
      String tenant = TENANTS.get(i % TENANTS.size());
      String url = "https://" + host(tenant) + "/" + run + "/" + i;
      String metadata = tail(tenant, run, i);
      int roll = random.nextInt(100);
      Request request;
      if (roll == 0) {
        String ftp = "ftp://" + host(tenant) + "/" + run + "/" + i;
        request =
            new Request(
                i,
                id,
                Kind.INVALID,
                ftp,
                "{\"request_id\":\"%s\",\"extract\":{\"url\":\"%s\"},%s}"
                    .formatted(id, ftp, metadata));
      } else if (roll == 1) {
        request =
            new Request(
                i,
                id,
                Kind.FAILING,
                url,
                "{\"request_id\":\"%s\",\"extract\":{\"url\":\"%s\",\"tag\":\"sim:fail\"},%s}"
                    .formatted(id, url, metadata));
      } else if (roll < 10) {
        String asin = "CH" + run + "X" + i;
        request =
            new Request(
                i,
                id,
                Kind.AGENT,
                asin,
                "{\"request_id\":\"%s\",\"agent\":{\"agent\":\"%s\",\"params\":{\"asin\":\"%s\"}},%s}"
                    .formatted(id, AGENT, asin, tail(AGENT_TENANT, run, i)));
      } else {
        request =
            new Request(
                i,
                id,
                Kind.EXTRACT,
                url,
                "{\"request_id\":\"%s\",\"extract\":{\"url\":\"%s\"},%s}"
                    .formatted(id, url, metadata));
      }
      requests.add(request);
    }
    return requests;
  }

  /** The fields after a request's kind: its tenant, and the metadata naming its run and index. */
  private static String tail(String tenant, String run, int i) {
    return "\"tenant\":\"%s\",\"metadata\":{\"run\":\"%s\",\"i\":%d}".formatted(tenant, run, i);
  }

  /** The host of a tenant's pages. */
  static String host(String tenant) {
    return tenant + ".chaos.example";
  }

  /**
   * The hosts the simulator counts the completed tasks of each tenant's requests under: the host of
   * an extract request's URL, an agent's site. Only requests that can succeed are counted.
   */
  static Map<String, Set<String>> hostsByTenant(Collection<Request> requests) {
    Map<String, Set<String>> hosts = new TreeMap<>();
    for (Request r : requests) {
      String host =
          switch (r.kind()) {
            case EXTRACT -> URI.create(r.input()).getHost();
            case AGENT -> AGENT_HOST;
            case INVALID, FAILING, FORBIDDEN -> null;
            case CRAWL -> URI.create(r.input()).getHost(); // its pages are on the crawl's host
          };
      if (host != null) {
        hosts.computeIfAbsent(tenantOf(r), t -> new TreeSet<>()).add(host);
      }
    }
    return hosts;
  }

  /** The tenant a request names in its {@code tenant} field, else {@link #DEFAULT_TENANT}. */
  static String tenantOf(Request request) {
    try {
      JsonNode tenant = JSON.readTree(request.json()).path("tenant");
      return tenant.isTextual() ? tenant.asText() : DEFAULT_TENANT;
    } catch (IOException notJson) {
      return DEFAULT_TENANT;
    }
  }
}
