package dev.nimblekafka.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@link KafkaBroker} parameters with one broker per test JVM, started on first use and
 * stopped when the test engine finishes (it lives in the root extension context's store).
 *
 * <p>Which broker, in order:
 *
 * <ol>
 *   <li>{@code NKW_EXTERNAL_BOOTSTRAP} set: that broker (e.g. one from {@code make kafka-up}); it
 *       has no SASL listener, so SASL tests are skipped. {@code KAFKA_BOOTSTRAP_SERVERS} is not
 *       read: exported in a shell it often names a work cluster;
 *   <li>a reachable Docker engine: a Testcontainers {@code apache/kafka} container;
 *   <li>otherwise: an in-process KRaft broker from Apache Kafka's own jars.
 * </ol>
 *
 * {@code KAFKA_TEST_BROKER=in-process} or {@code =container} skips the detection.
 */
public final class KafkaBrokerExtension implements ParameterResolver {

  private static final Logger log = LoggerFactory.getLogger(KafkaBrokerExtension.class);
  private static final Namespace NAMESPACE = Namespace.create(KafkaBrokerExtension.class);

  /** The JVM's shared broker, started if need be; for other extensions. */
  public static KafkaBroker broker(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(SharedBroker.class, key -> SharedBroker.start(), SharedBroker.class)
        .broker();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return broker(context);
  }

  /** Closed by JUnit when the root store closes, at the end of the run. */
  private record SharedBroker(KafkaBroker broker) implements AutoCloseable {

    static SharedBroker start() {
      long started = System.nanoTime();
      KafkaBroker broker = new KafkaBroker(chooseBackend());
      log.info(
          "Kafka for tests: {} (ready in {} ms)",
          broker.description(),
          (System.nanoTime() - started) / 1_000_000);
      return new SharedBroker(broker);
    }

    @Override
    public void close() {
      long started = System.nanoTime();
      broker.close();
      log.info("Kafka for tests stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
  }

  private static BrokerBackend chooseBackend() {
    BrokerChoice choice = BrokerChoice.from(System.getenv());
    switch (choice.kind()) {
      case EXTERNAL:
        return new ExternalBroker(choice.externalBootstrap());
      case CONTAINER:
        return ContainerBroker.start();
      case IN_PROCESS:
        return InProcessBroker.start();
      default:
        break;
    }
    if (ContainerBroker.dockerAvailable()) {
      return ContainerBroker.start();
    }
    log.info("No Docker engine reachable; starting Kafka in-process");
    return InProcessBroker.start();
  }
}
