package dev.nimblekafka.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackTokensTest {
  private final CallbackTokens tokens = new CallbackTokens("callback-tokens-secret-0123456789");

  @Test
  void aTokenOfOnePartitionKeepsItsEarlierFormSoURLsAlreadyGivenToNimbleStillWork() {
    String token = tokens.token(3, "r-1");
    assertThat(token).startsWith("3.");
    assertThat(tokens.token(List.of(3), "r-1")).isEqualTo(token);
    assertThat(tokens.verify(token)).contains(new CallbackTokens.Claim(List.of(3), "r-1"));
  }

  @Test
  void aBatchTokenNamesEachPartitionOnceInOrder() {
    String token = tokens.token(List.of(11, 0, 3, 0), "batch-x");
    assertThat(token).startsWith("0_3_11.");
    assertThat(tokens.verify(token).get().partitions()).containsExactly(0, 3, 11);
  }

  @Test
  void aTokenWhosePartitionsWereChangedIsRefused() {
    String token = tokens.token(List.of(0, 3), "batch-x");
    assertThat(tokens.verify("0_4" + token.substring(3))).isEmpty();
    assertThat(tokens.verify("0" + token.substring(3))).isEmpty();
    assertThat(tokens.verify("3_0" + token.substring(3))).isEmpty();
    assertThat(tokens.verify("0_0_3" + token.substring(3))).isEmpty();
  }

  @Test
  void malformedPartitionsAreRefusedNotThrown() {
    assertThat(tokens.verify("")).isEmpty();
    assertThat(tokens.verify(".cjE.bWFj")).isEmpty();
    assertThat(tokens.verify("_.cjE.bWFj")).isEmpty();
    assertThat(tokens.verify("1__2.cjE.bWFj")).isEmpty();
    assertThat(tokens.verify("-1.cjE.bWFj")).isEmpty();
    assertThat(tokens.verify("x.cjE.bWFj")).isEmpty();
    assertThat(tokens.verify("1".repeat(5000) + ".cjE.bWFj")).isEmpty();
  }

  @Test
  void aTokenNamesAtLeastOneAndAtMostTheLimitOfPartitions() {
    assertThatThrownBy(() -> tokens.token(List.of(), "s"))
        .isInstanceOf(IllegalArgumentException.class);
    List<Integer> many = java.util.stream.IntStream.range(0, 129).boxed().toList();
    assertThatThrownBy(() -> tokens.token(many, "s")).isInstanceOf(IllegalArgumentException.class);
    String widest = tokens.token(many.subList(0, 128), "s");
    assertThat(tokens.verify(widest).get().partitions()).hasSize(128);
  }
}
