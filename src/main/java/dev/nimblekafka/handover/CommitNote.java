package dev.nimblekafka.handover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a commit says in its offset's metadata, for the partition's next owner and for the fleet:
 * {@code nkw1;t=<ms>;held=<n>;clean=<0|1>;h=<ms>;q=<class>:<n>,...}, key=value fields after a
 * version token.
 *
 * <p>The one codec of the format: a reader ignores the fields it does not know and takes a default
 * for those that are missing, so an older pod reads what a newer one writes and the other way
 * round. Metadata that is not this format (another client's, or none) reads as {@link #UNKNOWN}:
 * not clean, no time known.
 *
 * @param since the oldest time (epoch ms) a create call the commit does not record may have gone
 *     out: the commit's time, or the oldest create still out then; -1 when unknown
 * @param held the requests the owner held for the partition (the fleet's share of the key)
 * @param clean whether the owner handed the partition over with nothing unrecorded
 * @param settledAfter until when (epoch ms) a create call the owner sent could still reach Nimble;
 *     -1 when not said
 * @param demand the requests held by class ({@code <h|n|l>:<tenant>}, priority and tenant), for the
 *     fleet's split of the key: the {@value #MAX_CLASSES} largest, the rest of each priority folded
 *     into {@code <p>:*}; empty when not said
 * @param extra fields this version does not know, kept so they can be shown
 */
public record CommitNote(
    long since,
    long held,
    boolean clean,
    long settledAfter,
    Map<String, Long> demand,
    Map<String, String> extra) {
  static final String VERSION = "nkw1";

  /** Classes a note names at most (so it stays well under Kafka's 4 KB of offset metadata). */
  public static final int MAX_CLASSES = 8;

  /** The tenant of a class that folds every tenant beyond the largest. */
  public static final String OTHERS = "*";

  /** What metadata that is not a worker's says: nothing known, nothing clean. */
  public static final CommitNote UNKNOWN = new CommitNote(-1, 0, false, -1, Map.of(), Map.of());

  public CommitNote {
    demand = Map.copyOf(demand);
    extra = Map.copyOf(extra);
  }

  /** A note of the current fields. */
  public CommitNote(long since, long held, boolean clean, long settledAfter) {
    this(since, held, clean, settledAfter, Map.of(), Map.of());
  }

  /** A note of the current fields with the demand by class (bounded when encoded). */
  public CommitNote(
      long since, long held, boolean clean, long settledAfter, Map<String, Long> demand) {
    this(since, held, clean, settledAfter, demand, Map.of());
  }

  /** The class of requests of this priority ({@code h}, {@code n}, {@code l}) and tenant. */
  public static String classOf(char priority, String tenant) {
    return priority + ":" + tenant;
  }

  /** The metadata string. */
  public String encode() {
    StringBuilder out = new StringBuilder(VERSION);
    out.append(";t=").append(since);
    out.append(";held=").append(held);
    out.append(";clean=").append(clean ? 1 : 0);
    if (settledAfter >= 0) {
      out.append(";h=").append(settledAfter);
    }
    if (!demand.isEmpty()) {
      StringBuilder classes = new StringBuilder();
      bounded(demand)
          .forEach(
              (name, count) ->
                  classes
                      .append(classes.length() == 0 ? "" : ",")
                      .append(name)
                      .append(':')
                      .append(count));
      out.append(";q=").append(classes);
    }
    return out.toString();
  }

  /**
   * The {@value #MAX_CLASSES} largest classes (counting the folded ones), every other folded into
   * its priority's {@code <p>:*}.
   */
  static Map<String, Long> bounded(Map<String, Long> demand) {
    List<Map.Entry<String, Long>> largest = new ArrayList<>(demand.entrySet());
    largest.removeIf(e -> e.getValue() <= 0);
    largest.sort(
        Map.Entry.<String, Long>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    Map<String, Long> kept = new TreeMap<>();
    Map<String, Long> folded = new TreeMap<>();
    for (Map.Entry<String, Long> e : largest) {
      String priority = e.getKey().substring(0, Math.max(0, e.getKey().indexOf(':')));
      if (kept.size() < MAX_CLASSES - 3 && !e.getKey().endsWith(":" + OTHERS)) {
        kept.put(e.getKey(), e.getValue());
      } else {
        folded.merge(priority + ":" + OTHERS, e.getValue(), Long::sum);
      }
    }
    kept.putAll(folded); // at most three folded classes, one per priority
    return kept;
  }

  /** Reads a commit's metadata (null or foreign: {@link #UNKNOWN}); never throws. */
  public static CommitNote decode(String metadata) {
    if (metadata == null || !(metadata.equals(VERSION) || metadata.startsWith(VERSION + ";"))) {
      return UNKNOWN;
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : metadata.substring(VERSION.length()).split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        fields.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    long since = number(fields.remove("t"), -1);
    long held = Math.max(0, number(fields.remove("held"), 0));
    boolean clean = "1".equals(fields.remove("clean")) && since >= 0;
    long settledAfter = number(fields.remove("h"), -1);
    Map<String, Long> demand = classes(fields.remove("q"));
    return new CommitNote(since, held, clean, settledAfter, demand, fields);
  }

  /** {@code h:acme:12,n:*:3}; an entry that does not read is left out. */
  private static Map<String, Long> classes(String text) {
    if (text == null || text.isEmpty()) {
      return Map.of();
    }
    Map<String, Long> classes = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      int last = entry.lastIndexOf(':');
      int first = entry.indexOf(':');
      if (first != 1 || last <= first + 1 || "hnl".indexOf(entry.charAt(0)) < 0) {
        continue;
      }
      long count = number(entry.substring(last + 1), -1);
      if (count > 0) {
        classes.merge(entry.substring(0, last), count, Long::sum);
      }
    }
    return classes;
  }

  private static long number(String text, long fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
