package dev.nimblekafka.bench;

import java.nio.file.Path;

/**
 * What every run shares.
 *
 * @param root the repository's folder
 * @param jar the product jar ({@code make build})
 * @param bootstrap the Kafka broker
 * @param runId a short id unique to this benchmark invocation, part of every topic name
 * @param logs where each run's logs, metrics and timelines go ({@code .local/bench/<stamp>})
 */
record Context(Path root, Path jar, String bootstrap, String runId, Path logs) {
  /** A run's log folder: {@code <logs>/<scenario>/<variant>}. */
  Path dir(Scenario scenario, Scenario.Variant variant) {
    return logs.resolve(scenario.name()).resolve(slug(variant.name()));
  }

  /** A run's topics: {@code bench-<runId>-<scenario>-<variant>.*}. */
  Topics topics(Scenario scenario, Scenario.Variant variant) {
    return new Topics("bench-" + runId + "-" + scenario.name() + "-" + slug(variant.name()));
  }

  static String slug(String name) {
    return name.replaceAll("[^A-Za-z0-9.]+", "-").replaceAll("^-+|-+$", "");
  }
}
