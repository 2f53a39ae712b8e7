package dev.nimblekafka.task;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Tasks found by a name each carries (its request id, or its current task id): a hash table of the
 * tasks themselves, so an entry costs one reference where a map spends an entry object besides.
 * Open addressing, linear probing; a removal moves the entries after it back, so no slot is ever
 * marked deleted. A task's name must not change while the task is in the table (take it out first).
 * Used by the consume loop's thread only.
 */
final class TaskIndex implements Iterable<PendingTask> {
  private static final int MIN_BITS = 4;

  private final Function<PendingTask, String> nameOf;
  private PendingTask[] slots = new PendingTask[1 << MIN_BITS];
  private int shift = Integer.SIZE - MIN_BITS;
  private int size;

  /**
   * @param nameOf the name a task is found by (never null for a task put in)
   */
  TaskIndex(Function<PendingTask, String> nameOf) {
    this.nameOf = nameOf;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The task of this name, or null. */
  PendingTask get(String name) {
    int at = find(name);
    return at < 0 ? null : slots[at];
  }

  boolean containsKey(String name) {
    return find(name) >= 0;
  }

  /**
   * Puts the task under its name, in place of the task there was under that name.
   *
   * @return the task it replaced, or null
   */
  PendingTask put(PendingTask task) {
    String name = nameOf.apply(task);
    int mask = slots.length - 1;
    for (int i = home(name); ; i = (i + 1) & mask) {
      PendingTask there = slots[i];
      if (there == null) {
        slots[i] = task;
        if (++size > slots.length / 4 * 3) {
          grow();
        }
        return null;
      }
      if (name.equals(nameOf.apply(there))) {
        slots[i] = task;
        return there;
      }
    }
  }

  /**
   * Takes out the task of this name.
   *
   * @return the task taken out, or null when there was none
   */
  PendingTask remove(String name) {
    int at = find(name);
    if (at < 0) {
      return null;
    }
    PendingTask removed = slots[at];
    closeGap(at);
    size--;
    return removed;
  }

  /** The tasks in no particular order; the table must not change while they are read. */
  @Override
  public Iterator<PendingTask> iterator() {
    return new Iterator<>() {
      private int next = advance(0);

      private int advance(int from) {
        int i = from;
        while (i < slots.length && slots[i] == null) {
          i++;
        }
        return i;
      }

      @Override
      public boolean hasNext() {
        return next < slots.length;
      }

      @Override
      public PendingTask next() {
        if (next >= slots.length) {
          throw new NoSuchElementException();
        }
        PendingTask task = slots[next];
        next = advance(next + 1);
        return task;
      }
    };
  }

  Stream<PendingTask> stream() {
    return StreamSupport.stream(spliterator(), false);
  }

  private int find(String name) {
    if (name == null) {
      return -1;
    }
    int mask = slots.length - 1;
    for (int i = home(name); ; i = (i + 1) & mask) {
      PendingTask there = slots[i];
      if (there == null) {
        return -1;
      }
      if (name.equals(nameOf.apply(there))) {
        return i;
      }
    }
  }

  /** Where a name's probe starts: the top bits of its hash times the golden ratio. */
  private int home(String name) {
    return (name.hashCode() * 0x9E3779B9) >>> shift;
  }

  /**
   * Empties slot {@code gap} and moves back each entry of the run after it that may stand there
   * (its probe starts outside the cyclic range after the gap up to where it is).
   */
  private void closeGap(int gap) {
    int mask = slots.length - 1;
    int empty = gap;
    slots[empty] = null;
    for (int i = (empty + 1) & mask; slots[i] != null; i = (i + 1) & mask) {
      int start = home(nameOf.apply(slots[i]));
      boolean reachable = empty <= i ? start > empty && start <= i : start > empty || start <= i;
      if (!reachable) {
        slots[empty] = slots[i];
        slots[i] = null;
        empty = i;
      }
    }
  }

  private void grow() {
    PendingTask[] old = slots;
    slots = new PendingTask[old.length * 2];
    shift--;
    int mask = slots.length - 1;
    for (PendingTask task : old) {
      if (task != null) {
        int i = home(nameOf.apply(task));
        while (slots[i] != null) {
          i = (i + 1) & mask;
        }
        slots[i] = task;
      }
    }
  }
}
