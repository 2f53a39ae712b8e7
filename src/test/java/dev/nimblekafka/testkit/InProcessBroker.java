package dev.nimblekafka.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft broker (combined broker and controller) running inside the test JVM, built
 * from Apache Kafka's own artifacts. Its data lives in a temporary folder that {@link #close()}
 * deletes.
 */
final class InProcessBroker implements BrokerBackend {

  private static final Logger log = LoggerFactory.getLogger(InProcessBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final int START_ATTEMPTS = 3;

  private final Path dataDir;
  private final KafkaRaftServer server;
  private final int port;
  private final int saslPort;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;

  private InProcessBroker(Path dataDir, KafkaRaftServer server, int port, int saslPort) {
    this.dataDir = dataDir;
    this.server = server;
    this.port = port;
    this.saslPort = saslPort;
    // Normally JUnit closes the broker; this covers a JVM that ends without that.
    this.shutdownHook = new Thread(this::close, "in-process-kafka-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Formats a fresh data folder and starts the broker. Free ports are picked just before start; if
   * another process takes one in between, the start is retried on new ports.
   */
  static InProcessBroker start() {
    Path root = createTempDirectory();
    List<Exception> failures = new ArrayList<>();
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      Path dataDir = root.resolve("attempt-" + attempt);
      int[] ports = freePorts(3);
      KafkaRaftServer server = null;
      try {
        Properties props = serverProperties(dataDir, ports[0], ports[1], ports[2]);
        format(dataDir, props);
        server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        return new InProcessBroker(root, server, ports[0], ports[1]);
      } catch (RuntimeException e) {
        failures.add(e);
        if (server != null) {
          stop(server);
        }
        if (!causedByBind(e)) {
          break;
        }
        log.warn("Broker could not bind its ports (attempt {}), retrying", attempt);
      }
    }
    deleteRecursively(root);
    IllegalStateException failure =
        new IllegalStateException("in-process Kafka broker did not start");
    failures.forEach(failure::addSuppressed);
    throw failure;
  }

  /** The broker's settings: single node, quick to start, nothing auto-created. */
  static Properties serverProperties(Path dataDir, int port, int saslPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://%s:%d,SASL_PLAINTEXT://%s:%d,CONTROLLER://%s:%d"
            .formatted(HOST, port, HOST, saslPort, HOST, controllerPort));
    p.put(
        "advertised.listeners",
        "PLAINTEXT://%s:%d,SASL_PLAINTEXT://%s:%d".formatted(HOST, port, HOST, saslPort));
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("logs").toString());

    // SASL/PLAIN on its own listener, one user.
    p.put("sasl.enabled.mechanisms", "PLAIN");
    p.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN");
    p.put(
        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required user_%s=\"%s\";"
            .formatted(KafkaBroker.SASL_USERNAME, KafkaBroker.SASL_PASSWORD));

    // The product creates its own topics.
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");

    // Internal topics on one node: replication factor 1, one partition each.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");

    // Transactions: any client timeout up to 15 min; timed-out ones are aborted within ~1 s.
    p.put("transaction.max.timeout.ms", "900000");
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");

    // Groups: no join delay; KIP-848 consumer groups notice a dead member in 10 s, not 45 s.
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("group.consumer.min.session.timeout.ms", "6000");
    p.put("group.consumer.session.timeout.ms", "10000");
    p.put("group.consumer.min.heartbeat.interval.ms", "500");
    p.put("group.consumer.heartbeat.interval.ms", "1000");

    // Fewer threads and a small cleaner buffer: two cores, shared.
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("background.threads", "4");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
    return p;
  }

  private static void format(Path dataDir, Properties props) {
    try {
      Files.createDirectories(dataDir);
      Path config = dataDir.resolve("server.properties");
      try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
        props.store(out, "in-process test broker");
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      int exitCode;
      try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
        exitCode =
            StorageTool.execute(
                new String[] {
                  "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()
                },
                printStream);
      }
      if (exitCode != 0) {
        throw new IllegalStateException(
            "formatting "
                + dataDir
                + " failed with exit code "
                + exitCode
                + ": "
                + output.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  @Override
  public Optional<String> saslBootstrapServers() {
    return Optional.of(HOST + ":" + saslPort);
  }

  @Override
  public String description() {
    return "in-process KRaft broker at " + bootstrapServers() + " (data in " + dataDir + ")";
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stop(server);
      deleteRecursively(dataDir);
      if (Thread.currentThread() != shutdownHook) {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      }
    }
  }

  private static void stop(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("In-process broker did not shut down cleanly", e);
    }
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  /** Distinct free ports: all sockets are held open together, then released. */
  private static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      InetAddress loopback = InetAddress.getByName(HOST);
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, loopback));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException e) {
          log.debug("Closing probe socket failed", e);
        }
      }
    }
  }

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("nimble-kafka-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(InProcessBroker::deleteQuietly);
    } catch (IOException e) {
      log.warn("Could not delete broker data in {}", dir, e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("Could not delete {}", path, e);
    }
  }
}
