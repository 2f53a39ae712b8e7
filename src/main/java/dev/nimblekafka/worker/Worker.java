package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.callback.CallbackEndpoint;
import dev.nimblekafka.callback.CallbackRouter;
import dev.nimblekafka.callback.CallbackTokens;
import dev.nimblekafka.callback.HintForwarder;
import dev.nimblekafka.config.KafkaConfig;
import dev.nimblekafka.config.OutcomeConfig;
import dev.nimblekafka.config.ProcessingGuarantee;
import dev.nimblekafka.config.WorkerConfig;
import dev.nimblekafka.fleet.FleetView;
import dev.nimblekafka.fleet.KeyBudget;
import dev.nimblekafka.http.AdminEndpoints;
import dev.nimblekafka.http.WorkerHttpServer;
import dev.nimblekafka.nimble.NimbleClient;
import dev.nimblekafka.nimble.NimbleGateway;
import dev.nimblekafka.publish.AtLeastOnceOutput;
import dev.nimblekafka.publish.CloudEvents;
import dev.nimblekafka.publish.OutcomeFormat;
import dev.nimblekafka.publish.OutcomeRecords;
import dev.nimblekafka.publish.Output;
import dev.nimblekafka.publish.SchemaRegistry;
import dev.nimblekafka.publish.TransactionalOutput;
import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.trace.RequestTracing;
import dev.nimblekafka.usage.UsageCodec;
import dev.nimblekafka.usage.UsageView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker process: checks the topics, then runs the consume loop on its own thread until {@link
 * #close()} drains it. Pods run one each; Kafka spreads the partitions over them.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  /**
   * How long commits may keep failing (a rebalance waits at most for a session timeout, a broker
   * restart for its election) before the partitions are replayed from the last commit.
   */
  private static final Duration REPLAY_AFTER = Duration.ofMinutes(2);

  /** How often the fleet's usage is read again for the daily budgets. */
  private static final Duration USAGE_REFRESH = Duration.ofSeconds(2);

  /** Exchanges served at once on the callback port, and how long one may take. */
  private static final int CALLBACK_THREADS = 8;

  private static final Duration CALLBACK_EXCHANGE_LIMIT = Duration.ofSeconds(30);

  /** The same for the admin port: its answers are small and fast. */
  private static final int ADMIN_THREADS = 4;

  private static final Duration ADMIN_EXCHANGE_LIMIT = Duration.ofSeconds(10);

  /** Forwarded hints that may wait for the callbacks topic, and how long a send may block. */
  private static final int FORWARD_QUEUE = 1_000;

  private static final int FORWARD_MAX_BLOCK_MS = 1_000;

  private final WorkerConfig config;
  private final Clock clock;
  private final WorkerStatus status;
  private final WorkerMetrics metrics;
  private final Opened opened = new Opened();
  private final NimbleClient client;
  private final ScheduledExecutorService scheduler;
  private final NimbleGateway gateway;
  private final KeyBudget budget;
  private final FleetView fleet;
  private final ConsumeLoop loop;
  private final Thread thread;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaClientMetrics consumerMetrics;
  private final WorkerHttpServer admin;
  private final WorkerHttpServer callbackPort;
  private final KafkaProducer<byte[], byte[]> hintProducer;
  private final HintForwarder forwarder;
  private final MeterRegistry registry;
  private final ProcessMeters processMeters;
  private final UsageView usageView;
  private KafkaClientMetrics producerMetrics;

  /**
   * Opens everything the worker needs (topics checked, clients, ports bound) without starting it.
   * When a step fails, whatever the earlier ones opened is closed before the exception leaves.
   */
  public Worker(WorkerConfig config, MeterRegistry registry, Clock clock) throws IOException {
    this.config = config;
    this.registry = registry;
    this.clock = clock;
    this.status = new WorkerStatus(clock, config.loopStallLimit());
    this.metrics = new WorkerMetrics(registry, status);
    try {
      ObjectMapper json = new ObjectMapper();
      TopicSetup.Layout layout;
      try (Admin admin = Admin.create(adminProperties())) {
        layout = TopicSetup.ensure(admin, config.kafka(), config.topics(), config.ledger().topic());
      }
      this.scheduler =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread t = new Thread(runnable, "nimble-scheduler");
                t.setDaemon(true);
                return t;
              });
      opened.add(scheduler::shutdownNow);
      this.client = opened.add(new NimbleClient(config.nimble(), json));
      FleetView.Fleet fleetKey =
          new FleetView.Fleet(
              config.kafka().groupId(),
              config.topics().requests(),
              layout.partitions(),
              config.key().fleetTasks(),
              config.resilience().callsPerSecond(),
              config.tenants()::weight);
      this.budget =
          new KeyBudget(
              FleetView.beforeJoining(fleetKey), config.tasks().maxPending(), clock::millis);
      client.signals(budget);
      this.gateway =
          new NimbleGateway(
              client, config.resilience(), scheduler, budget::callsPerSecond, budget::pausedUntil);
      gateway.bindMetrics(registry);

      Map<String, Object> producerProps = producerProperties(layout);
      int maxRecordBytes =
          Math.min(
              layout.maxOutcomeBytes(),
              Integer.parseInt(
                  String.valueOf(producerProps.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG))));
      int maxRequestBytes =
          Math.min(
                  layout.maxStateBytes(),
                  Integer.parseInt(
                      String.valueOf(producerProps.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG))))
              - Admission.STATE_RECORD_ALLOWANCE;
      OutcomeRecords outcomes =
          new OutcomeRecords(
              json,
              config.topics().results(),
              config.topics().failures(),
              maxRecordBytes,
              outcomeFormat(config, json));
      this.consumer = opened.add(new KafkaConsumer<>(consumerProperties()));
      this.consumerMetrics = opened.add(new KafkaClientMetrics(consumer));
      consumerMetrics.bindTo(registry);
      LinkedBlockingQueue<LoopEvent> events = new LinkedBlockingQueue<>();
      StateRestorer restorer =
          new StateRestorer(
              opened.add(new KafkaConsumer<byte[], byte[]>(restoreProperties("restore"))),
              config.topics().state(),
              new StateCodec(json),
              new StateRestorer.Usages(config.ledger().topic(), new UsageCodec(json), clock),
              events);
      if (!config.tenants().dailyTasks().isEmpty()) {
        this.usageView =
            opened.add(
                new UsageView(
                    new KafkaConsumer<>(restoreProperties("usage")),
                    config.ledger().topic(),
                    new UsageCodec(json),
                    clock,
                    config.tenants().dailyTasks().keySet(),
                    USAGE_REFRESH));
      } else {
        this.usageView = null;
      }
      UsageView view = usageView;
      Set<Integer> owned = ConcurrentHashMap.newKeySet();
      Supplier<String> scrape = () -> "";
      if (registry instanceof PrometheusMeterRegistry prometheus) {
        scrape = prometheus::scrape;
      }
      this.admin =
          opened.add(
              AdminEndpoints.on(
                  new WorkerHttpServer(
                      "admin", config.adminPort(), ADMIN_THREADS, ADMIN_EXCHANGE_LIMIT),
                  new WorkerHealth(status),
                  scrape));
      KafkaConsumer<byte[], byte[]> hintConsumer = null;
      if (config.callbacks().enabled()) {
        this.callbackPort =
            opened.add(
                new WorkerHttpServer(
                    "callback", config.httpPort(), CALLBACK_THREADS, CALLBACK_EXCHANGE_LIMIT));
        this.hintProducer = opened.add(new KafkaProducer<>(hintProducerProperties()));
        this.forwarder =
            opened.add(new HintForwarder(hintProducer, FORWARD_QUEUE, metrics::callback));
        hintConsumer = opened.add(new KafkaConsumer<>(restoreProperties("hints")));
        CallbackRouter router =
            new CallbackRouter(
                owned,
                hint -> events.add(new LoopEvent.Hint(hint)),
                forwarder,
                config.topics().callbacks(),
                metrics::callback);
        callbackPort.route(
            CallbackEndpoint.PATH,
            new CallbackEndpoint(
                new CallbackTokens(config.callbacks().secret()),
                config.callbacks().maxBodyBytes(),
                router,
                metrics::callback));
      } else {
        this.callbackPort = null;
        this.hintProducer = null;
        this.forwarder = null;
      }
      boolean latest =
          "latest"
              .equals(
                  config.kafka().clientProperties().get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG));
      UnitOfWork unit = new UnitOfWork(() -> newOutput(producerProps));
      Ownership ownership =
          new Ownership(
              clock,
              config.nimble().connectTimeout().toMillis(),
              config.kafka().commitInterval().toMillis());
      Lifecycle lifecycle =
          Lifecycle.create(
              config,
              new Lifecycle.Parts(
                  NimbleCalls.of(gateway),
                  budget,
                  outcomes,
                  unit,
                  restorer,
                  clock,
                  metrics,
                  status,
                  events,
                  () -> ThreadLocalRandom.current().nextDouble(),
                  ownership,
                  RequestTracing.global(config.topics().requests()),
                  view == null ? () -> UsageView.Snapshot.NONE : view::snapshot),
              json,
              maxRequestBytes);
      this.loop =
          new ConsumeLoop(
              consumer,
              lifecycle,
              unit,
              events,
              status,
              clock,
              new ConsumeLoop.Settings(
                  config.topics().requests(),
                  config.kafka().commitInterval(),
                  config.shutdownGrace(),
                  config.tasks().maxPending(),
                  latest,
                  REPLAY_AFTER),
              new HintFollower(hintConsumer, config.topics().callbacks(), owned, lifecycle),
              owned);
      this.thread = new Thread(this::runLoop, "consume-loop");
      this.processMeters = opened.add(ProcessMeters.bindTo(registry));
      this.fleet =
          opened.add(
              new FleetView(
                  opened.add(Admin.create(adminProperties())),
                  fleetKey,
                  FleetView.self(status::memberId, status::assignedPartitions),
                  budget,
                  clock::millis));
      fleet.bindMetrics(registry);
      metrics.keyShare(budget, fleet::members);
      status.keySource(
          () ->
              new WorkerStatus.KeyView(
                  budget.callsPerSecond(), budget.tasks(), fleet.members(), budget.slowdown()));
    } catch (IOException | RuntimeException | Error e) {
      opened.closeAll();
      throw e;
    }
  }

  /**
   * How outcomes are written: with a Schema Registry set, its ids for the outcome schemas
   * (registered now; {@link IllegalStateException} when it refuses or cannot be reached), and
   * CloudEvents.
   */
  private static OutcomeFormat outcomeFormat(WorkerConfig config, ObjectMapper json) {
    OutcomeConfig wire = config.outcomes();
    OutcomeFormat.SchemaIds ids = null;
    if (wire.schemaRegistryUrl() != null) {
      ids =
          new SchemaRegistry(wire.schemaRegistryUrl(), wire.schemaRegistryUserInfo(), json)
              .registerOutcomes(config.topics().results(), config.topics().failures());
      log.info(
          "Outcome schemas registered at {}: result id {}, failure id {}",
          wire.schemaRegistryUrl(),
          ids.result(),
          ids.failure());
    }
    return new OutcomeFormat(
        ids, wire.cloudEvents() ? new CloudEvents(wire.cloudEventsSource()) : null);
  }

  /**
   * Starts the ports, the fleet view and the consume loop. When one of them fails to start,
   * everything is closed before the exception leaves.
   */
  public Worker start() {
    log.info(
        "Starting worker {} in group {} on {} (requests: {}, Nimble: {}, API {})",
        config.kafka().instanceId(),
        config.kafka().groupId(),
        config.kafka().bootstrapServers(),
        config.topics().requests(),
        config.nimble().shownBaseUrl(),
        config.nimble().version().wire());
    // once, with every setting as read (secrets print masked)
    log.info("Effective configuration: {}", config);
    try {
      status.turned(clock.millis()); // the stall limit counts from here until the loop turns
      admin.start();
      if (callbackPort != null) {
        callbackPort.start();
        forwarder.start();
      }
      fleet.start();
      if (usageView != null) {
        usageView.start();
      }
      thread.start();
    } catch (RuntimeException | Error e) {
      opened.closeAll();
      throw e;
    }
    return this;
  }

  /** The port of the callback endpoint; -1 when callbacks are off (nothing is bound then). */
  public int httpPort() {
    return callbackPort == null ? -1 : callbackPort.port();
  }

  /** The port of the health and metrics endpoints. */
  public int adminPort() {
    return admin.port();
  }

  public WorkerStatus status() {
    return status;
  }

  public NimbleGateway gateway() {
    return gateway;
  }

  /** Waits for the loop to end (after {@link #close()} or a fatal error). */
  public boolean awaitStop(Duration timeout) throws InterruptedException {
    thread.join(Math.max(1, timeout.toMillis()));
    return !thread.isAlive();
  }

  /**
   * Drains within the grace period: in-flight submissions are recorded, then everything commits.
   */
  @Override
  public void close() {
    loop.drain();
    try {
      thread.join(config.shutdownGrace().toMillis() + 15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeSides();
  }

  /** What the loop does not close itself: the ports, the hint forwarding, the side clients. */
  private void closeSides() {
    admin.close();
    if (callbackPort != null) {
      callbackPort.close();
      forwarder.close();
      hintProducer.close(Duration.ofSeconds(2));
    }
    client.close();
    fleet.close();
    if (usageView != null) {
      usageView.close();
    }
    scheduler.shutdownNow();
    processMeters.close();
    consumerMetrics.close();
  }

  /** Stops as a crash would: nothing more is committed. */
  public void halt() {
    loop.halt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeSides();
  }

  private void runLoop() {
    try {
      loop.run();
    } catch (RuntimeException | Error e) {
      log.error("The consume loop died", e);
      status.stopped();
    }
  }

  private Output newOutput(Map<String, Object> producerProps) {
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps);
    if (producerMetrics != null) {
      producerMetrics.close(); // a replaced producer's meters go with it
    }
    producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(registry);
    if (config.kafka().guarantee() == ProcessingGuarantee.EXACTLY_ONCE) {
      try {
        return new TransactionalOutput(producer, metrics::commit);
      } catch (RuntimeException e) {
        producer.close(Duration.ZERO); // it never started: nothing of it may stay behind
        throw e;
      }
    }
    return new AtLeastOnceOutput(producer, consumer::commitSync, metrics::commit);
  }

  private Map<String, Object> common() {
    Map<String, Object> props = new HashMap<>(config.kafka().clientProperties());
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
    return props;
  }

  private Map<String, Object> adminProperties() {
    Map<String, Object> props = new HashMap<>();
    for (Map.Entry<String, Object> e : common().entrySet()) {
      if (KafkaConfig.takes(AdminClientConfig.configNames(), e.getKey())) {
        props.put(e.getKey(), e.getValue());
      }
    }
    props.put(
        CommonClientConfigs.CLIENT_ID_CONFIG, "nimble-worker-admin-" + config.kafka().instanceId());
    return props;
  }

  private Map<String, Object> consumerProperties() {
    Map<String, Object> props = only(ConsumerConfig.configNames());
    props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.kafka().groupId());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    props.putIfAbsent(
        ConsumerConfig.CLIENT_ID_CONFIG, "nimble-worker-" + config.kafka().instanceId());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return props;
  }

  private Map<String, Object> restoreProperties(String role) {
    Map<String, Object> props = only(ConsumerConfig.configNames());
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    props.put(
        ConsumerConfig.CLIENT_ID_CONFIG,
        "nimble-worker-" + role + "-" + config.kafka().instanceId());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return props;
  }

  private Map<String, Object> hintProducerProperties() {
    Map<String, Object> props = only(ProducerConfig.configNames());
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // sends come from the forwarding thread; a missing topic's metadata must not hold it long
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, FORWARD_MAX_BLOCK_MS);
    props.put(
        ProducerConfig.CLIENT_ID_CONFIG, "nimble-worker-hints-" + config.kafka().instanceId());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return props;
  }

  private Map<String, Object> producerProperties(TopicSetup.Layout layout) {
    Map<String, Object> props = only(ProducerConfig.configNames());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.putIfAbsent(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1_048_576, layout.maxOutcomeBytes()));
    props.put(
        ProducerConfig.CLIENT_ID_CONFIG, "nimble-worker-" + config.kafka().instanceId() + "-out");
    if (config.kafka().guarantee() == ProcessingGuarantee.EXACTLY_ONCE) {
      props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.kafka().transactionalId());
      props.put(
          ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
          (int) config.kafka().transactionTimeout().toMillis());
    }
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return props;
  }

  private Map<String, Object> only(Set<String> names) {
    Map<String, Object> props = new HashMap<>();
    for (Map.Entry<String, Object> e : common().entrySet()) {
      if (KafkaConfig.takes(names, e.getKey())) {
        props.put(e.getKey(), e.getValue());
      }
    }
    return props;
  }
}
