package dev.nimblekafka.testkit;

import java.util.Optional;

/** Where the shared test broker actually runs: a process we own, a container, or elsewhere. */
interface BrokerBackend extends AutoCloseable {

  /** Bootstrap address of the PLAINTEXT listener. */
  String bootstrapServers();

  /** Bootstrap address of a SASL_PLAINTEXT listener with the PLAIN mechanism, if there is one. */
  Optional<String> saslBootstrapServers();

  /**
   * A short description for logs and failure messages, e.g. {@code in-process KRaft} and the
   * version.
   */
  String description();

  /** Stops the broker if this backend started it. Idempotent. */
  @Override
  void close();
}
