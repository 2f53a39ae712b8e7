package dev.nimblekafka.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code -Xlog:gc} file: every pause logs the heap in use before and after it, so the
 * largest "before" is the heap's high-water mark as seen at collections (the heap only grows
 * between them), and the largest "after" bounds the live set from above.
 *
 * @param collections pauses logged
 * @param peakBeforeBytes the largest heap in use when a collection started
 * @param peakAfterBytes the largest heap in use when a collection ended
 * @param peakCommittedBytes the largest heap size (committed) reported
 */
record GcLog(int collections, long peakBeforeBytes, long peakAfterBytes, long peakCommittedBytes) {
  private static final Pattern PAUSE =
      Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

  static GcLog read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return new GcLog(0, 0, 0, 0);
    }
    return parse(Files.readString(file));
  }

  static GcLog parse(String text) {
    int count = 0;
    long before = 0;
    long after = 0;
    long committed = 0;
    for (String line : text.split("\n")) {
      Matcher m = PAUSE.matcher(line);
      if (m.find()) {
        count++;
        before = Math.max(before, bytes(m.group(1), m.group(2)));
        after = Math.max(after, bytes(m.group(3), m.group(4)));
        committed = Math.max(committed, bytes(m.group(5), m.group(6)));
      }
    }
    return new GcLog(count, before, after, committed);
  }

  private static long bytes(String number, String unit) {
    long n = Long.parseLong(number);
    return switch (unit) {
      case "K" -> n << 10;
      case "M" -> n << 20;
      default -> n << 30;
    };
  }
}
