package dev.nimblekafka.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TaskIndexTest {

  @Test
  void findsPutsReplacesAndRemovesTasksByName() {
    TaskIndex index = new TaskIndex(PendingTask::requestId);
    PendingTask a = TaskLifecycleTest.consumed("a", 0);
    PendingTask b = TaskLifecycleTest.consumed("b", 1);
    PendingTask a2 = TaskLifecycleTest.consumed("a", 2);

    assertThat(index.put(a)).isNull();
    assertThat(index.put(b)).isNull();
    assertThat(index.put(a2)).as("the task it replaced").isSameAs(a);

    assertThat(index.size()).isEqualTo(2);
    assertThat(index.get("a")).isSameAs(a2);
    assertThat(index.get("c")).isNull();
    assertThat(index.get(null)).isNull();
    assertThat(index).containsExactlyInAnyOrder(a2, b);
    assertThat(index.remove("a")).isSameAs(a2);
    assertThat(index.remove("a")).isNull();
    assertThat(index.containsKey("a")).isFalse();
    assertThat(index.stream()).containsExactly(b);
  }

  @Test
  void namesOfTheSameHashStayFoundWhateverIsRemovedBetweenThem() {
    // "Aa" and "BB" hash alike: every name made of them lands on the same slot
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      StringBuilder name = new StringBuilder();
      for (int bit = 0; bit < 6; bit++) {
        name.append((i >> bit & 1) == 0 ? "Aa" : "BB");
      }
      names.add(name.toString());
    }
    assertThat(names).extracting(String::hashCode).containsOnly(names.get(0).hashCode());
    checkAgainstAMap(names, 11);
  }

  @Test
  void behavesAsAMapThroughGrowthAndRemovalsOfRandomNames() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      names.add("request-" + i);
    }
    checkAgainstAMap(names, 7);
  }

  private static void checkAgainstAMap(List<String> names, long seed) {
    Random random = new Random(seed);
    TaskIndex index = new TaskIndex(PendingTask::requestId);
    Map<String, PendingTask> expected = new HashMap<>();
    for (int step = 0; step < 40_000; step++) {
      String name = names.get(random.nextInt(names.size()));
      switch (random.nextInt(3)) {
        case 0 -> {
          PendingTask task = TaskLifecycleTest.consumed(name, step);
          assertThat(index.put(task)).isSameAs(expected.put(name, task));
        }
        case 1 -> assertThat(index.remove(name)).isSameAs(expected.remove(name));
        default -> assertThat(index.get(name)).isSameAs(expected.get(name));
      }
      assertThat(index.size()).isEqualTo(expected.size());
    }
    for (String name : names) {
      assertThat(index.get(name)).isSameAs(expected.get(name));
    }
    assertThat(index).containsExactlyInAnyOrderElementsOf(expected.values());
  }
}
