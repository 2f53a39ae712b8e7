package dev.nimblekafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * On one or two cores the JDK's HTTP client started a thread for every answer (CompletableFuture's
 * default pool has one thread or less there): most of the worker's CPU. Main sizes the pool.
 */
@Timeout(10)
class CommonPoolTest {
  private final String before = System.getProperty(Main.COMMON_POOL_PARALLELISM);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(Main.COMMON_POOL_PARALLELISM);
    } else {
      System.setProperty(Main.COMMON_POOL_PARALLELISM, before);
    }
  }

  @Test
  void onTwoCoresHttpAnswersCompleteOnAPoolOfTwoNotOnAThreadEach() {
    System.clearProperty(Main.COMMON_POOL_PARALLELISM);
    Main.commonPool(2);
    assertThat(System.getProperty(Main.COMMON_POOL_PARALLELISM)).isEqualTo("2");
    System.clearProperty(Main.COMMON_POOL_PARALLELISM);
    Main.commonPool(1);
    assertThat(System.getProperty(Main.COMMON_POOL_PARALLELISM)).isEqualTo("2");
    System.clearProperty(Main.COMMON_POOL_PARALLELISM);
    Main.commonPool(8);
    assertThat(System.getProperty(Main.COMMON_POOL_PARALLELISM)).isEqualTo("7");
  }

  @Test
  void anExplicitSettingWins() {
    System.setProperty(Main.COMMON_POOL_PARALLELISM, "5");
    Main.commonPool(2);
    assertThat(System.getProperty(Main.COMMON_POOL_PARALLELISM)).isEqualTo("5");
  }
}
