package dev.nimblekafka.worker;

import dev.nimblekafka.task.PendingTask;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state records of restored partitions still to be read, and which are being read: each read
 * takes, in offset order, the records whose requests fit beside those held (about their record's
 * size and {@link PendingTask#OVERHEAD_BYTES} each), so a restore holds no more than the bound. A
 * request larger than the bound is read alone, when nothing else is held or being read.
 */
final class RestoreBacklog {

  /** Records of a partition to read now, under its ownership {@code epoch}. */
  record Load(int partition, long epoch, List<StateRef> records) {}

  private static final class Entry {
    final long epoch;
    final Deque<StateRef> records;
    List<StateRef> reading = List.of();
    long readingBytes;
    boolean retrying;

    Entry(long epoch, List<StateRef> records) {
      this.epoch = epoch;
      this.records = new ArrayDeque<>(records);
    }
  }

  private final Map<Integer, Entry> entries = new TreeMap<>();

  /** A partition's records to read later (none: nothing is kept). */
  void add(int partition, long epoch, List<StateRef> records) {
    if (records.isEmpty()) {
      entries.remove(partition);
    } else {
      entries.put(partition, new Entry(epoch, records));
    }
  }

  boolean has(int partition) {
    return entries.containsKey(partition);
  }

  /** Whether this answer is the read asked for under this ownership. */
  boolean reading(int partition, long epoch) {
    Entry entry = entries.get(partition);
    return entry != null && entry.epoch == epoch && !entry.reading.isEmpty();
  }

  /**
   * The reads to start now, given the bytes {@code held} and their bound: for each partition not
   * being read, the records that fit beside what is held and being read.
   */
  List<Load> next(long held, long limit) {
    long busy = held;
    boolean reading = false;
    for (Entry entry : entries.values()) {
      busy += entry.readingBytes;
      reading |= !entry.reading.isEmpty();
    }
    List<Load> loads = new ArrayList<>();
    for (Map.Entry<Integer, Entry> e : entries.entrySet()) {
      Entry entry = e.getValue();
      if (!entry.reading.isEmpty() || entry.retrying) {
        continue;
      }
      List<StateRef> take = new ArrayList<>();
      long bytes = 0;
      while (!entry.records.isEmpty()) {
        long next = cost(entry.records.peekFirst());
        boolean alone = busy == 0 && !reading && take.isEmpty();
        if (!alone && busy + bytes + next > limit) {
          break;
        }
        take.add(entry.records.pollFirst());
        bytes += next;
      }
      if (!take.isEmpty()) {
        entry.reading = take;
        entry.readingBytes = bytes;
        busy += bytes;
        reading = true;
        loads.add(new Load(e.getKey(), entry.epoch, take));
      }
    }
    return loads;
  }

  /** The read of a partition answered; returns whether records are left to read. */
  boolean loaded(int partition) {
    Entry entry = entries.get(partition);
    if (entry == null) {
      return false;
    }
    entry.reading = List.of();
    entry.readingBytes = 0;
    if (entry.records.isEmpty()) {
      entries.remove(partition);
      return false;
    }
    return true;
  }

  /** The read of a partition failed: its records wait for {@link #retry}. */
  void failed(int partition) {
    Entry entry = entries.get(partition);
    if (entry == null) {
      return;
    }
    List<StateRef> back = new ArrayList<>(entry.reading);
    for (int i = back.size() - 1; i >= 0; i--) {
      entry.records.addFirst(back.get(i));
    }
    entry.reading = List.of();
    entry.readingBytes = 0;
    entry.retrying = true;
  }

  void retry(int partition) {
    Entry entry = entries.get(partition);
    if (entry != null) {
      entry.retrying = false;
    }
  }

  void forget(int partition) {
    entries.remove(partition);
  }

  /** Why a partition is not restored yet (it has records left), for the status. */
  String why(int partition) {
    Entry entry = entries.get(partition);
    long bytes = 0;
    for (StateRef ref : entry.records) {
      bytes += ref.bytes();
    }
    return entry.records.size()
        + " pending requests ("
        + bytes
        + " bytes) still to read back from the state topic: waiting for room under"
        + " MAX_PENDING_BYTES";
  }

  /** Partitions with records waiting, none of them being read (they wait for room). */
  List<Integer> waiting() {
    List<Integer> found = new ArrayList<>();
    entries.forEach(
        (p, entry) -> {
          if (entry.reading.isEmpty() && !entry.records.isEmpty()) {
            found.add(p);
          }
        });
    return found;
  }

  private static long cost(StateRef ref) {
    return ref.bytes() + (long) PendingTask.OVERHEAD_BYTES;
  }
}
