package dev.nimblekafka.testkit;

import java.util.Optional;

/** A broker someone else runs (e.g. {@code make kafka-up}); it is never stopped from here. */
final class ExternalBroker implements BrokerBackend {

  private final String bootstrapServers;

  ExternalBroker(String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public Optional<String> saslBootstrapServers() {
    return Optional.empty();
  }

  @Override
  public String description() {
    return "external broker at " + bootstrapServers;
  }

  @Override
  public void close() {}
}
