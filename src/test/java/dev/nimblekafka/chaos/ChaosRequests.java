package dev.nimblekafka.chaos;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The requests of a run, each with what it must end as. Mostly extract requests with distinct URLs;
 * some agent requests; some invalid ones (a failure without any call); some the simulator always
 * fails (a failure after every attempt).
 */
final class ChaosRequests {
  /** The agent used for agent requests; its parameter makes every input distinct. */
  static final String AGENT = "amazon_pdp";

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
      String url = "https://chaos.example/" + run + "/" + i;
      String metadata = "\"metadata\":{\"run\":\"" + run + "\",\"i\":" + i + "}";
      int roll = random.nextInt(100);
      Request request;
      if (roll == 0) {
        String ftp = "ftp://chaos.example/" + run + "/" + i;
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
                    .formatted(id, AGENT, asin, metadata));
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
}
