package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nimblekafka.config.KafkaConfig;
import dev.nimblekafka.config.ProcessingGuarantee;
import dev.nimblekafka.config.Topics;
import dev.nimblekafka.testkit.KafkaBroker;
import dev.nimblekafka.testkit.RealKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@RealKafka
@Timeout(120)
class TopicSetupTest {

  private static final int PARTITIONS = 2;

  @Test
  void createTopicsFalseNeverCreatesTheStateTopic(KafkaBroker broker) throws Exception {
    Topics topics = allButState(broker);

    assertThatThrownBy(
            () -> TopicSetup.ensure(broker.admin(), kafka(broker, false), topics, usage(broker)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CREATE_TOPICS=false")
        .hasMessageContaining(topics.state());
    assertThat(topicNames(broker)).doesNotContain(topics.state());
  }

  @Test
  void createTopicsFalseNamesEveryMissingTopicAndCreatesNone(KafkaBroker broker) throws Exception {
    Topics topics =
        new Topics(
            broker.uniqueName("requests"),
            broker.uniqueName("results"),
            broker.uniqueName("failures"),
            broker.uniqueName("state"),
            broker.uniqueName("callbacks"));

    String usage = broker.uniqueName("usage");

    assertThatThrownBy(() -> TopicSetup.ensure(broker.admin(), kafka(broker, false), topics, usage))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CREATE_TOPICS=false")
        .hasMessageContaining(usage)
        .hasMessageContaining(topics.requests())
        .hasMessageContaining(topics.results())
        .hasMessageContaining(topics.failures())
        .hasMessageContaining(topics.state())
        .hasMessageContaining(topics.callbacks());
    assertThat(topicNames(broker))
        .doesNotContain(
            topics.requests(),
            topics.results(),
            topics.failures(),
            topics.state(),
            topics.callbacks(),
            usage);
  }

  @Test
  void createTopicsFalseAcceptsTopicsThatAllExist(KafkaBroker broker) {
    Topics topics = allButState(broker);
    broker.createTopic(topics.state(), PARTITIONS, KafkaBroker.COMPACTED);

    TopicSetup.Layout layout =
        TopicSetup.ensure(broker.admin(), kafka(broker, false), topics, usage(broker));

    assertThat(layout.partitions()).isEqualTo(PARTITIONS);
  }

  @Test
  void createTopicsTrueCreatesACompactedStateTopicMatchingTheRequests(KafkaBroker broker)
      throws Exception {
    Topics topics = allButState(broker);

    TopicSetup.Layout layout =
        TopicSetup.ensure(broker.admin(), kafka(broker, true), topics, usage(broker));

    assertThat(layout.partitions()).isEqualTo(PARTITIONS);
    assertThat(
            broker
                .admin()
                .describeTopics(List.of(topics.state()))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topics.state())
                .partitions())
        .hasSize(PARTITIONS);
    ConfigResource state = new ConfigResource(ConfigResource.Type.TOPIC, topics.state());
    assertThat(
            broker
                .admin()
                .describeConfigs(List.of(state))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(state)
                .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                .value())
        .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
  }

  @Test
  void aStateTopicThatAlsoDeletesByAgeIsRefused(KafkaBroker broker) {
    Topics topics = allButState(broker);
    broker.createTopic(
        topics.state(),
        PARTITIONS,
        Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            "compact,delete",
            TopicConfig.RETENTION_MS_CONFIG,
            "3600000"));

    assertThatThrownBy(
            () -> TopicSetup.ensure(broker.admin(), kafka(broker, false), topics, usage(broker)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(topics.state())
        .hasMessageContaining("cleanup.policy")
        .hasMessageContaining("compact,delete")
        .hasMessageContaining("must be exactly compact");
  }

  @Test
  void aStateTopicThatDropsTombstonesTooSoonIsRefused(KafkaBroker broker) {
    Topics topics = allButState(broker);
    broker.createTopic(
        topics.state(),
        PARTITIONS,
        Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.DELETE_RETENTION_MS_CONFIG,
            "0"));

    assertThatThrownBy(
            () -> TopicSetup.ensure(broker.admin(), kafka(broker, false), topics, usage(broker)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(topics.state())
        .hasMessageContaining("delete.retention.ms")
        .hasMessageContaining("was 0")
        .hasMessageContaining(">= " + TopicSetup.MIN_TOMBSTONE_RETENTION_MS);
  }

  @Test
  void aStateTopicKeepingTombstonesForTheFloorIsAccepted(KafkaBroker broker) {
    Topics topics = allButState(broker);
    broker.createTopic(
        topics.state(),
        PARTITIONS,
        Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG,
            TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.DELETE_RETENTION_MS_CONFIG,
            Long.toString(TopicSetup.MIN_TOMBSTONE_RETENTION_MS)));

    assertThat(
            TopicSetup.ensure(broker.admin(), kafka(broker, false), topics, usage(broker))
                .partitions())
        .isEqualTo(PARTITIONS);
  }

  @Test
  void aStateTopicTheWorkerCreatesStatesItsTombstoneRetention(KafkaBroker broker) throws Exception {
    Topics topics = allButState(broker);

    TopicSetup.ensure(broker.admin(), kafka(broker, true), topics, usage(broker));

    var entry = stateConfig(broker, topics).get(TopicConfig.DELETE_RETENTION_MS_CONFIG);
    assertThat(entry.source())
        .as("set on the topic, not inherited from the broker")
        .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    assertThat(Long.parseLong(entry.value()))
        .isGreaterThanOrEqualTo(TopicSetup.MIN_TOMBSTONE_RETENTION_MS);
  }

  @Test
  void createTopicsTrueCreatesACompactedUsageTopicMatchingTheRequests(KafkaBroker broker)
      throws Exception {
    Topics topics = allButState(broker);
    String usage = broker.uniqueName("usage");

    TopicSetup.ensure(broker.admin(), kafka(broker, true), topics, usage);

    assertThat(
            broker
                .admin()
                .describeTopics(List.of(usage))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(usage)
                .partitions())
        .hasSize(PARTITIONS);
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, usage);
    assertThat(
            broker
                .admin()
                .describeConfigs(List.of(resource))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(resource)
                .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                .value())
        .isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    assertThat(
            broker
                .admin()
                .describeConfigs(List.of(resource))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(resource)
                .get(TopicConfig.SEGMENT_MS_CONFIG)
                .value())
        .isEqualTo(Long.toString(TopicSetup.USAGE_SEGMENT_MS));
  }

  @Test
  void aUsageTopicPartitionedUnlikeTheRequestsIsRefused(KafkaBroker broker) {
    Topics topics = allButState(broker);
    String usage = broker.uniqueTopic("usage", PARTITIONS + 1);

    assertThatThrownBy(() -> TopicSetup.ensure(broker.admin(), kafka(broker, true), topics, usage))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("USAGE_TOPIC " + usage)
        .hasMessageContaining("as many partitions as REQUESTS_TOPIC");
  }

  /** An existing usage topic. */
  private static String usage(KafkaBroker broker) {
    return broker.uniqueTopic("usage", PARTITIONS);
  }

  private static org.apache.kafka.clients.admin.Config stateConfig(
      KafkaBroker broker, Topics topics) throws Exception {
    ConfigResource state = new ConfigResource(ConfigResource.Type.TOPIC, topics.state());
    return broker
        .admin()
        .describeConfigs(List.of(state))
        .all()
        .get(30, TimeUnit.SECONDS)
        .get(state);
  }

  /** Every topic exists except the state topic, whose name is free. */
  private static Topics allButState(KafkaBroker broker) {
    return new Topics(
        broker.uniqueTopic("requests", PARTITIONS),
        broker.uniqueTopic("results", PARTITIONS),
        broker.uniqueTopic("failures", PARTITIONS),
        broker.uniqueName("state"),
        broker.uniqueTopic("callbacks", PARTITIONS));
  }

  private static KafkaConfig kafka(KafkaBroker broker, boolean createTopics) {
    return new KafkaConfig(
        broker.bootstrapServers(),
        broker.uniqueName("group"),
        "topic-setup-test",
        Map.of(),
        ProcessingGuarantee.EXACTLY_ONCE,
        Duration.ofMillis(100),
        Duration.ofSeconds(10),
        createTopics,
        PARTITIONS);
  }

  private static java.util.Set<String> topicNames(KafkaBroker broker) throws Exception {
    return broker.admin().listTopics().names().get(30, TimeUnit.SECONDS);
  }
}
