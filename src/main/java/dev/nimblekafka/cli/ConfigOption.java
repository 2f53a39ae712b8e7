package dev.nimblekafka.cli;

import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.config.ConfigSource;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --config FILE}: the properties file every command reads, as the worker does. */
final class ConfigOption {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file with the same names as the environment variables (or set"
              + " WORKER_CONFIG_FILE); a variable set in the environment wins.")
  Path file;

  /**
   * The settings of this run, with LOG_LEVEL and LOG_FORMAT applied to the logging; {@code tool}
   * quiets the Kafka clients' own warnings (the tools report failures themselves, in one line).
   */
  ConfigSource source(boolean tool) {
    ConfigSource source = ConfigSource.of(System.getenv(), Optional.ofNullable(file));
    Logging.apply(ConfigLoader.logging(source), tool);
    return source;
  }
}
