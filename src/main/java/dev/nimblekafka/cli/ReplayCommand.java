package dev.nimblekafka.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.config.ClientSettings;
import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.config.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Produce chosen failures' requests to the requests topic again.",
      "",
      "Reads the failures topic (read_committed) up to its end as it is when the command starts,"
          + " and chooses the failures that match every selector given: --request-id, --code,"
          + " --since and --until (each of the first two may be repeated), or --all. Of a request"
          + " that failed more than once, only its latest failure is chosen. Each chosen request"
          + " is produced as the failure holds it: its bytes, its record key and its headers.",
      "",
      "Without --yes nothing is produced: the command lists what it would replay. With --yes it"
          + " replays them.",
      "",
      "Loop guard: a replayed request carries the header "
          + ReplayCommand.COUNT_HEADER
          + " (how many times it was replayed), which comes back on its outcome. A failure whose"
          + " request was already replayed --max-replays times is not replayed again.",
      "",
      "Settings come from KAFKA_BOOTSTRAP_SERVERS, KAFKA_*, REQUESTS_TOPIC and FAILURES_TOPIC, in"
          + " the environment or the properties file (--config), as for the worker.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  nimble-kafka-worker replay --code TASK_FAILED --since 6h",
      "  nimble-kafka-worker replay --code TASK_EXPIRED --since 24h --yes",
      "  nimble-kafka-worker replay --request-id order-17 --request-id order-18 --yes"
    })
final class ReplayCommand implements Callable<Integer> {
  /** How many times a request was replayed: set on each replay, read back from its failure. */
  static final String COUNT_HEADER = "nkw-replay-count";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(200);

  /** Headers the worker writes on failures itself: never part of a replayed request. */
  private static final List<String> WORKER_HEADERS =
      List.of("__connect.errors.", "nimble.headers.dropped", COUNT_HEADER);

  @Option(
      names = "--request-id",
      paramLabel = "ID",
      description = "Replay the failure of this request (repeatable).")
  List<String> requestIds = new ArrayList<>();

  @Option(
      names = "--code",
      paramLabel = "CODE",
      description = "Replay failures with this error code, e.g. TASK_FAILED (repeatable).")
  List<String> codes = new ArrayList<>();

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Failures written at or after TIME: an instant (2026-03-01T12:00:00Z) or an age (6h).")
  String since;

  @Option(
      names = "--until",
      paramLabel = "TIME",
      description = "Failures written before TIME: an instant or an age, as for --since.")
  String until;

  @Option(names = "--all", description = "Every failure (when no other selector is given).")
  boolean all;

  @Option(
      names = "--max-replays",
      paramLabel = "N",
      defaultValue = "3",
      description = "Replay a request at most N times in all (default ${DEFAULT-VALUE}).")
  int maxReplays;

  @Option(names = "--yes", description = "Produce the requests; without it, only list them.")
  boolean yes;

  @Mixin ConfigOption configOption;

  /** A failure chosen for a replay. */
  record Chosen(
      String requestId,
      String code,
      String failedAt,
      byte[] key,
      byte[] request,
      List<Header> headers,
      int replays,
      String unreplayable) {}

  @Override
  public Integer call() throws IOException {
    Instant now = Instant.now();
    Instant from = time("--since", since, now);
    Instant to = time("--until", until, now);
    if (maxReplays < 1) {
      throw new IllegalArgumentException("--max-replays must be 1 or more but was " + maxReplays);
    }
    boolean selected = !requestIds.isEmpty() || !codes.isEmpty() || from != null || to != null;
    if (selected == all) {
      throw new IllegalArgumentException(
          selected
              ? "--all chooses every failure: give it without --request-id, --code, --since and"
                  + " --until"
              : "choose the failures to replay: --request-id, --code, --since, --until, or --all");
    }
    ClientSettings settings = ConfigLoader.loadClient(configOption.source(true));
    Map<String, Chosen> chosen = read(settings, from, to);
    int replayable = 0;
    int left = 0;
    for (Chosen c : chosen.values()) {
      String why = why(c);
      if (why == null) {
        replayable++;
      } else {
        left++;
      }
      System.out.println(
          String.join(
              "  ",
              why != null ? "not replayed " : yes ? "replayed     " : "would replay ",
              c.requestId(),
              c.code(),
              c.failedAt(),
              why != null ? why : "replay " + (c.replays() + 1) + " of at most " + maxReplays));
    }
    if (yes && replayable > 0) {
      produce(settings, chosen.values());
    }
    System.err.printf(
        "%s chosen from %s: %d %s, %d not replayed%s%n",
        count(chosen.size(), "failure"),
        settings.topics().failures(),
        replayable,
        yes ? "replayed to " + settings.topics().requests() : "would be replayed",
        left,
        !yes && replayable > 0 ? " (nothing was produced: add --yes to replay)" : "");
    return left == 0 ? ExitCodes.OK : ExitCodes.PARTLY;
  }

  /** Why a chosen failure is not replayed, or null. */
  private String why(Chosen c) {
    if (c.unreplayable() != null) {
      return c.unreplayable();
    }
    if (c.replays() >= maxReplays) {
      return "already replayed " + c.replays() + " times (--max-replays " + maxReplays + ")";
    }
    return null;
  }

  /** The latest chosen failure of each request, in the order they were read. */
  private Map<String, Chosen> read(ClientSettings settings, Instant from, Instant to) {
    String topic = settings.topics().failures();
    Map<String, Chosen> chosen = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        Clients.consumer(settings, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000))) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos.isEmpty()) {
        throw new CliFailure(topic + " does not exist: there is nothing to replay");
      }
      List<TopicPartition> partitions =
          infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      consumer.seekToBeginning(partitions);
      if (from != null) {
        Map<TopicPartition, Long> at = new HashMap<>();
        partitions.forEach(p -> at.put(p, from.toEpochMilli()));
        for (Map.Entry<TopicPartition, OffsetAndTimestamp> e :
            consumer.offsetsForTimes(at).entrySet()) {
          consumer.seek(
              e.getKey(), e.getValue() == null ? end.get(e.getKey()) : e.getValue().offset());
        }
      }
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          TopicPartition p = new TopicPartition(record.topic(), record.partition());
          if (record.offset() >= end.get(p)) {
            continue;
          }
          Chosen c = choose(record, from, to);
          if (c != null) {
            chosen.remove(c.requestId()); // the latest failure of a request stands
            chosen.put(c.requestId(), c);
          }
        }
      }
    }
    // by code only now: a request whose latest failure has another code is not chosen
    chosen.values().removeIf(c -> !codes.isEmpty() && !codes.contains(c.code()));
    return chosen;
  }

  /** The failure as a replay candidate, or null when its id or its time leaves it out. */
  private Chosen choose(ConsumerRecord<byte[], byte[]> record, Instant from, Instant to) {
    Instant written = Instant.ofEpochMilli(record.timestamp());
    if ((from != null && written.isBefore(from)) || (to != null && !written.isBefore(to))) {
      return null;
    }
    JsonNode failure;
    try {
      failure = record.value() == null ? null : JSON.readTree(record.value());
    } catch (IOException e) {
      return null; // not a failure record: nothing to replay
    }
    if (failure == null || !failure.isObject()) {
      return null;
    }
    String id = failure.path("request_id").asText(null);
    String code = failure.path("error").path("code").asText("?");
    if (id == null || (!requestIds.isEmpty() && !requestIds.contains(id))) {
      return null;
    }
    List<Header> headers = new ArrayList<>();
    int replays = 0;
    for (Header header : record.headers()) {
      if (header.key().equals(COUNT_HEADER)) {
        replays = Math.max(replays, replays(header.value()));
      }
      if (WORKER_HEADERS.stream().noneMatch(header.key()::startsWith)) {
        headers.add(header);
      }
    }
    byte[] request = null;
    String unreplayable = null;
    if (failure.hasNonNull("request")) {
      request = failure.get("request").toString().getBytes(StandardCharsets.UTF_8);
    } else if (failure.hasNonNull("request_base64")) {
      request = Base64.getDecoder().decode(failure.get("request_base64").asText());
    } else if (failure.hasNonNull("request_omitted")) {
      unreplayable =
          "the failure holds no request ("
              + failure.get("request_omitted").asText()
              + "); it is on the requests topic at the offset in the failure's headers";
    } else {
      unreplayable = "the request record had no value";
    }
    byte[] key =
        failure.hasNonNull("request_key")
            ? failure.get("request_key").asText().getBytes(StandardCharsets.UTF_8)
            : failure.hasNonNull("request_key_base64")
                ? Base64.getDecoder().decode(failure.get("request_key_base64").asText())
                : null;
    return new Chosen(
        id,
        code,
        failure.path("failed_at").asText(written.toString()),
        key,
        request,
        headers,
        replays,
        unreplayable);
  }

  private static int replays(byte[] value) {
    try {
      return value == null
          ? 0
          : Integer.parseInt(new String(value, StandardCharsets.UTF_8).strip());
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE; // a count nobody can read stops the loop rather than feeds it
    }
  }

  private void produce(ClientSettings settings, Iterable<Chosen> chosen) {
    Map<String, Object> props = settings.properties(ProducerConfig.configNames());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Duration.ofSeconds(30).toMillis());
    AtomicReference<Exception> refused = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (Chosen c : chosen) {
        if (why(c) != null) {
          continue;
        }
        RecordHeaders headers = new RecordHeaders();
        c.headers().forEach(headers::add);
        headers.add(
            COUNT_HEADER, Integer.toString(c.replays() + 1).getBytes(StandardCharsets.UTF_8));
        producer.send(
            new ProducerRecord<>(settings.topics().requests(), null, c.key(), c.request(), headers),
            (meta, error) -> {
              if (error != null) {
                refused.compareAndSet(null, error);
              }
            });
      }
    }
    if (refused.get() != null) {
      throw new KafkaException("Kafka refused a replayed request: " + refused.get().getMessage());
    }
  }

  /** An instant, or an age before {@code now}; null when not given. */
  static Instant time(String option, String text, Instant now) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return now.minus(Durations.parse(option, text));
      } catch (IllegalArgumentException notAge) {
        throw new IllegalArgumentException(
            option
                + " must be an instant such as 2026-03-01T12:00:00Z or an age such as 6h but was "
                + text);
      }
    }
  }

  private static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
