package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The production logging configuration's plain format (logback.xml): one event is one line,
 * whatever text from Nimble or a target site its message quotes.
 */
class PlainLogPatternTest {

  @Test
  void aMessageWithNewlinesCannotForgeALogLine() throws Exception {
    String forged =
        "task failed: boom\n12:00:00.000 INFO  [consume-loop] Worker - forged\r\u001b[2J\u0085x";

    String line = render(forged);

    assertThat(line).endsWith("\n");
    String body = line.substring(0, line.length() - 1);
    assertThat(body).doesNotContain("\n", "\r", "\u001b", "\u0085");
    assertThat(body)
        .contains("task failed: boom\\n12:00:00.000 INFO  [consume-loop] Worker - forged\\r");
  }

  @Test
  void anOrdinaryMessageIsPrintedAsItIs() throws Exception {
    assertThat(render("Created topic nimble.requests (tab\there)"))
        .endsWith(" - Created topic nimble.requests (tab\there)\n");
  }

  /** The message as the plain appender of the product's logback.xml writes it. */
  private static String render(String message) throws Exception {
    LoggerContext context = new LoggerContext();
    context.putProperty("LOG_FORMAT", "plain");
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(PlainLogPatternTest.class.getResource("/logback.xml"));
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> plain =
        (OutputStreamAppender<ILoggingEvent>)
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("plain");
    assertThat(plain).as("the plain appender").isNotNull();
    LoggingEvent event =
        new LoggingEvent(
            PlainLogPatternTest.class.getName(),
            context.getLogger("dev.nimblekafka.worker.Checker"),
            Level.INFO,
            message,
            null,
            null);
    String line = new String(plain.getEncoder().encode(event), StandardCharsets.UTF_8);
    context.stop();
    return line;
  }
}
