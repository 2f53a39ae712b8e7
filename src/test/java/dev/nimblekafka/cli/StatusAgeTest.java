package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class StatusAgeTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void aRecordedRequestWithoutATaskIsAgedFromWhenItWasRecordedNotFromTheEpoch() {
    ObjectNode recorded = json.createObjectNode().putNull("task_id").put("submitted_at", 0);
    assertThat(StatusCommand.age(recorded, 1_000_000, 1_005_000)).isEqualTo(5_000);
  }

  @Test
  void aRequestWithATaskIsAgedFromItsCreation() {
    ObjectNode created = json.createObjectNode().put("task_id", "t").put("submitted_at", 1_002_000);
    assertThat(StatusCommand.age(created, 1_000_000, 1_005_000)).isEqualTo(3_000);
  }
}
