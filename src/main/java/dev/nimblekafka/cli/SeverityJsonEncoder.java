package dev.nimblekafka.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;

/**
 * Logback's JSON lines with a {@code severity} field first ({@code DEBUG}, {@code INFO}, {@code
 * WARNING}, {@code ERROR}: the names log collectors such as Google Cloud Logging read), beside
 * Logback's own {@code level}. Without it such collectors mark every line of a container as an
 * error or as unknown.
 */
public final class SeverityJsonEncoder extends JsonEncoder {

  @Override
  public byte[] encode(ILoggingEvent event) {
    byte[] line = super.encode(event);
    if (line.length == 0 || line[0] != '{') {
      return line;
    }
    byte[] field =
        ("\"severity\":\"" + severity(event.getLevel()) + "\",").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[line.length + field.length];
    out[0] = '{';
    System.arraycopy(field, 0, out, 1, field.length);
    System.arraycopy(line, 1, out, 1 + field.length, line.length - 1);
    return out;
  }

  static String severity(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> "ERROR";
      case Level.WARN_INT -> "WARNING";
      case Level.INFO_INT -> "INFO";
      default -> "DEBUG";
    };
  }
}
