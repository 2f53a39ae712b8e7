package dev.nimblekafka.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.joran.util.ConfigurationWatchListUtil;
import dev.nimblekafka.config.LogSettings;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Applies LOG_LEVEL and LOG_FORMAT once the settings are read. Logback configures itself before
 * that, from the environment only; this configures it again from the same file (logback.xml) with
 * the values of the environment and the properties file (the environment wins, as everywhere). The
 * worker logs to stdout, as a container's log stream; the tools log to stderr, since their stdout
 * is data.
 */
final class Logging {
  private Logging() {}

  /** Logback's property (logback.xml) that names the console stream. */
  static final String TARGET_PROPERTY = "nimbleLogTarget";

  /**
   * @param tool a command-line tool: logs to stderr, with the Kafka clients quieter; else the
   *     worker, which logs to stdout
   */
  static void apply(LogSettings settings, boolean tool) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    URL configuration = configuration(context);
    if (configuration != null) {
      context.reset();
      context.putProperty("LOG_LEVEL", settings.level());
      context.putProperty("LOG_FORMAT", settings.format());
      context.putProperty(TARGET_PROPERTY, tool ? "System.err" : "System.out");
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      try {
        configurator.doConfigure(configuration);
      } catch (JoranException e) {
        throw new IllegalStateException("cannot configure logging from " + configuration, e);
      }
    }
    if (tool) {
      context.getLogger("org.apache.kafka").setLevel(Level.ERROR);
    }
  }

  /** The file Logback configured itself from, found the way Logback finds it. */
  private static URL configuration(LoggerContext context) {
    URL watched = ConfigurationWatchListUtil.getMainWatchURL(context);
    if (watched != null) {
      return watched;
    }
    String property = System.getProperty("logback.configurationFile");
    if (property != null) {
      try {
        return new URL(property);
      } catch (MalformedURLException notUrl) {
        Path path = Path.of(property);
        if (Files.exists(path)) {
          try {
            return path.toUri().toURL();
          } catch (MalformedURLException impossible) {
            return null;
          }
        }
        return Logging.class.getClassLoader().getResource(property);
      }
    }
    URL test = Logging.class.getClassLoader().getResource("logback-test.xml");
    return test != null ? test : Logging.class.getClassLoader().getResource("logback.xml");
  }
}
