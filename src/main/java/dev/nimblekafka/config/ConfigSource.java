package dev.nimblekafka.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the settings come from: environment variables over an optional properties file with the
 * same names ({@code --config FILE} or {@link #CONFIG_FILE}). The worker and the command-line tools
 * all read their settings through this.
 */
public final class ConfigSource {
  /** The properties file may also be named by this variable. */
  public static final String CONFIG_FILE = "WORKER_CONFIG_FILE";

  private final Map<String, String> environment;
  private final Optional<Path> path;
  private final Map<String, String> file;

  private ConfigSource(Map<String, String> environment, Optional<Path> path) {
    this.environment = Map.copyOf(environment);
    this.path = path;
    this.file = path.map(ConfigSource::read).orElse(Map.of());
  }

  /** Reads {@code file}, or else the file {@link #CONFIG_FILE} names, if any. */
  public static ConfigSource of(Map<String, String> environment, Optional<Path> file) {
    return new ConfigSource(
        environment,
        file.or(
            () ->
                Optional.ofNullable(environment.get(CONFIG_FILE))
                    .filter(name -> !name.isBlank())
                    .map(Path::of)));
  }

  /** Every setting, the environment's value where both have one. */
  Map<String, String> values() {
    Map<String, String> values = new HashMap<>(file);
    values.putAll(environment);
    return values;
  }

  Map<String, String> environment() {
    return environment;
  }

  Map<String, String> file() {
    return file;
  }

  Optional<Path> path() {
    return path;
  }

  private static Map<String, String> read(Path path) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(path)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(
          List.of(CONFIG_FILE + " cannot be read: " + path + " (" + e.getMessage() + ")"));
    }
    Map<String, String> values = new HashMap<>();
    properties
        .stringPropertyNames()
        .forEach(name -> values.put(name, properties.getProperty(name)));
    return values;
  }
}
