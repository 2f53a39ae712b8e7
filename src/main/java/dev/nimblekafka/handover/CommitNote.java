package dev.nimblekafka.handover;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a commit says in its offset's metadata, for the partition's next owner and for the fleet:
 * {@code nkw1;t=<ms>;held=<n>;clean=<0|1>;h=<ms>}, key=value fields after a version token.
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
 * @param extra fields this version does not know, kept so they can be shown
 */
public record CommitNote(
    long since, long held, boolean clean, long settledAfter, Map<String, String> extra) {
  static final String VERSION = "nkw1";

  /** What metadata that is not a worker's says: nothing known, nothing clean. */
  public static final CommitNote UNKNOWN = new CommitNote(-1, 0, false, -1, Map.of());

  public CommitNote {
    extra = Map.copyOf(extra);
  }

  /** A note of the current fields. */
  public CommitNote(long since, long held, boolean clean, long settledAfter) {
    this(since, held, clean, settledAfter, Map.of());
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
    return out.toString();
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
    return new CommitNote(since, held, clean, settledAfter, fields);
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
