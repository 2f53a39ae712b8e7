package dev.nimblekafka.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.config.ClientSettings;
import dev.nimblekafka.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show what the workers hold: pending tasks per partition (read from the state topic), their"
          + " ages, the oldest few, and the consumer lag of the requests topic.",
      "Settings come from the same variables (and properties file, --config) as the worker"
          + " (KAFKA_BOOTSTRAP_SERVERS, KAFKA_*, REQUESTS_TOPIC, STATE_TOPIC, WORKER_GROUP_ID).",
      ""
    },
    footer = {"", "Example:", "  nimble-kafka-worker status --oldest 10"})
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long[] BUCKETS = {10_000, 60_000, 300_000, 3_600_000, 86_400_000};
  private static final String[] LABELS = {"< 10s", "< 1m", "< 5m", "< 1h", "< 24h", ">= 24h"};

  @Option(names = "--oldest", defaultValue = "5", description = "How many of the oldest to list.")
  int oldest;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Mixin ConfigOption configOption;

  private record Pending(String requestId, String taskId, int partition, long age, int attempts) {}

  @Override
  public Integer call() throws Exception {
    ClientSettings settings = ConfigLoader.loadClient(configOption.source(true));
    String group = settings.groupId();
    List<Pending> pending = readState(settings);
    Map<Integer, Long> lag = lag(settings, group);
    if (json) {
      printJson(pending, lag, group);
    } else {
      printTables(pending, lag, settings, group);
    }
    return 0;
  }

  private List<Pending> readState(ClientSettings settings) {
    Map<String, Pending> live = new HashMap<>();
    long now = System.currentTimeMillis();
    try (KafkaConsumer<byte[], byte[]> consumer =
        Clients.consumer(settings, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000))) {
      List<String> missing =
          Clients.missing(
              consumer, List.of(settings.topics().requests(), settings.topics().state()));
      if (!missing.isEmpty()) {
        throw new CliFailure(
            String.join(" and ", missing)
                + (missing.size() == 1 ? " does" : " do")
                + " not exist yet (the worker creates missing topics at start)");
      }
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor(settings.topics().state())
          .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          String id = new String(record.key(), StandardCharsets.UTF_8);
          if (record.value() == null) {
            live.remove(id);
            continue;
          }
          try {
            JsonNode node = JSON.readTree(new String(record.value(), StandardCharsets.UTF_8));
            live.put(
                id,
                new Pending(
                    id,
                    node.path("task_id").isTextual() ? node.path("task_id").asText() : "(queued)",
                    record.partition(),
                    age(node, record.timestamp(), now),
                    node.path("attempts").asInt()));
          } catch (IOException unreadable) {
            live.remove(id);
          }
        }
      }
    }
    return new ArrayList<>(live.values());
  }

  private Map<Integer, Long> lag(ClientSettings settings, String group) throws Exception {
    Map<Integer, Long> lag = new TreeMap<>();
    try (Admin admin = Admin.create(settings.properties(AdminClientConfig.configNames()))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(group)
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(settings.topics().requests()))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(settings.topics().requests())
          .partitions()
          .forEach(
              p ->
                  latest.put(
                      new TopicPartition(settings.topics().requests(), p.partition()),
                      OffsetSpec.latest()));
      Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      for (var entry : ends.entrySet()) {
        OffsetAndMetadata done = committed.get(entry.getKey());
        long position = done == null ? 0 : done.offset();
        lag.put(entry.getKey().partition(), Math.max(0, entry.getValue().offset() - position));
      }
    }
    return lag;
  }

  private void printTables(
      List<Pending> pending, Map<Integer, Long> lag, ClientSettings settings, String group) {
    Map<Integer, Integer> perPartition = new TreeMap<>();
    lag.keySet().forEach(p -> perPartition.put(p, 0));
    pending.forEach(p -> perPartition.merge(p.partition(), 1, Integer::sum));
    System.out.printf(
        "%d pending tasks in %s; consumer lag of group %s on %s: %d%n%n",
        pending.size(),
        settings.topics().state(),
        group,
        settings.topics().requests(),
        lag.values().stream().mapToLong(Long::longValue).sum());
    System.out.println("partition  pending  lag");
    perPartition.forEach(
        (p, n) -> System.out.printf("%9d  %7d  %3d%n", p, n, lag.getOrDefault(p, 0L)));
    int[] histogram = histogram(pending);
    int max = java.util.Arrays.stream(histogram).max().orElse(0);
    System.out.println();
    System.out.println("age      tasks");
    for (int i = 0; i < LABELS.length; i++) {
      int width = max == 0 ? 0 : (int) Math.ceil(40.0 * histogram[i] / max);
      System.out.printf("%-7s %6d  %s%n", LABELS[i], histogram[i], "#".repeat(width));
    }
    if (!pending.isEmpty()) {
      System.out.println();
      System.out.println("oldest:");
      pending.stream()
          .sorted(Comparator.comparingLong(Pending::age).reversed())
          .limit(oldest)
          .forEach(
              p ->
                  System.out.printf(
                      "  %-36s  task %s  partition %d  age %s  attempts %d%n",
                      p.requestId(), p.taskId(), p.partition(), age(p.age()), p.attempts()));
    }
  }

  private void printJson(List<Pending> pending, Map<Integer, Long> lag, String group)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("group", group);
    root.put("pending", pending.size());
    ObjectNode partitions = root.putObject("partitions");
    lag.forEach(
        (p, l) ->
            partitions
                .putObject(Integer.toString(p))
                .put("lag", l)
                .put("pending", pending.stream().filter(x -> x.partition() == p).count()));
    ObjectNode ages = root.putObject("ages");
    int[] histogram = histogram(pending);
    for (int i = 0; i < LABELS.length; i++) {
      ages.put(LABELS[i], histogram[i]);
    }
    var list = root.putArray("oldest");
    pending.stream()
        .sorted(Comparator.comparingLong(Pending::age).reversed())
        .limit(oldest)
        .forEach(
            p ->
                list.addObject()
                    .put("request_id", p.requestId())
                    .put("task_id", p.taskId())
                    .put("partition", p.partition())
                    .put("age_ms", p.age())
                    .put("attempts", p.attempts()));
    System.out.println(JSON.writeValueAsString(root));
  }

  private static int[] histogram(List<Pending> pending) {
    int[] counts = new int[LABELS.length];
    for (Pending p : pending) {
      int bucket = 0;
      while (bucket < BUCKETS.length && p.age() >= BUCKETS[bucket]) {
        bucket++;
      }
      counts[bucket]++;
    }
    return counts;
  }

  /**
   * How long a state record's request has been pending: since its task was created, or, for a
   * request recorded before its task exists ({@code submitted_at} 0), since it was recorded.
   */
  static long age(JsonNode state, long recordedAt, long now) {
    long since = state.path("submitted_at").asLong(0);
    return now - (since > 0 ? since : recordedAt);
  }

  private static String age(long millis) {
    Duration d = Duration.ofMillis(millis);
    if (d.toHours() > 0) {
      return d.toHours() + "h" + d.toMinutesPart() + "m";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m" + d.toSecondsPart() + "s";
    }
    return String.format("%.1fs", millis / 1000.0);
  }
}
