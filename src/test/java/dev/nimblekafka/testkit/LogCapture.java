package dev.nimblekafka.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of the JVM (all threads) while open, at the levels asked for, and
 * renders each one whole: message, MDC, thread, and the class and message of every throwable in its
 * chain. Restores the levels when closed.
 */
public final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Map<Logger, Level> saved = new HashMap<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  private LogCapture(Map<String, Level> levels) {
    levels.forEach(
        (name, level) -> {
          Logger logger = (Logger) LoggerFactory.getLogger(name);
          saved.put(logger, logger.getLevel());
          logger.setLevel(level);
        });
    appender.setName("log-capture");
    appender.start();
    root.addAppender(appender);
  }

  /** Starts capturing, with these loggers set to these levels meanwhile. */
  public static LogCapture start(Map<String, Level> levels) {
    return new LogCapture(levels);
  }

  /** Every event so far, rendered as one line each (throwables included). */
  public List<String> lines() {
    List<ILoggingEvent> events;
    synchronized (appender) {
      events = new ArrayList<>(appender.list);
    }
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : events) {
      StringBuilder line =
          new StringBuilder()
              .append(event.getLevel())
              .append(' ')
              .append(event.getLoggerName())
              .append(" [")
              .append(event.getThreadName())
              .append("] ")
              .append(event.getFormattedMessage())
              .append(' ')
              .append(event.getMDCPropertyMap());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        for (IThrowableProxy suppressed : t.getSuppressed()) {
          line.append(" | suppressed ").append(suppressed.getClassName());
          line.append(": ").append(suppressed.getMessage());
        }
      }
      lines.add(line.toString());
    }
    return lines;
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    saved.forEach(Logger::setLevel);
  }
}
