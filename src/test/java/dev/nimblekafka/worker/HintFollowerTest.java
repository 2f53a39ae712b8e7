package dev.nimblekafka.worker;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Set;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HintFollowerTest {

  @Test
  void aRevocationAfterTheHintsConsumerClosedDoesNotThrowOnShutdown() {
    MockConsumer<byte[], byte[]> hints = new MockConsumer<>("latest");
    LifecycleRig rig = new LifecycleRig();
    HintFollower follower = new HintFollower(hints, "callbacks", Set.of(0, 1), rig.lifecycle);
    follower.follow();
    follower.close();
    // closing the requests consumer revokes its partitions, which follows the hints again
    assertThatCode(follower::follow).doesNotThrowAnyException();
    assertThatCode(follower::poll).doesNotThrowAnyException();
  }
}
