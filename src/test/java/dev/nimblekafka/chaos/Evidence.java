package dev.nimblekafka.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files a run leaves next to its report, for looking into a violation. */
final class Evidence {
  private Evidence() {}

  /**
   * The evidence of a run, one line per item: missing and duplicated requests (with where each
   * landed in the requests topic, and every outcome), orphan tasks, the simulator's tasks and where
   * every request landed.
   */
  static void write(ChaosResult r, Path dir) throws IOException {
    List<String> missing = new ArrayList<>();
    for (String id : r.verdict().missing) {
      missing.add(id + "\t" + placement(r, id));
    }
    Files.write(dir.resolve("missing.txt"), missing, StandardCharsets.UTF_8);
    List<String> duplicated = new ArrayList<>();
    r.verdict()
        .duplicated
        .forEach(
            (id, list) ->
                duplicated.add(
                    id
                        + "\trequest "
                        + placement(r, id)
                        + "\toutcomes "
                        + String.join("; ", list.stream().map(Outcome::where).toList())));
    Files.write(dir.resolve("duplicated.txt"), duplicated, StandardCharsets.UTF_8);
    List<String> orphans = new ArrayList<>();
    for (DuplicateAudit.Orphan o : r.duplicates().orphans) {
      orphans.add(
          o.requestId()
              + "\t"
              + o.taskId()
              + "\t"
              + o.created()
              + "\t"
              + o.state()
              + "\tpartition "
              + o.partition()
              + "\towner worker-"
              + (o.owner() + 1)
              + "\t"
              + (o.cause() == null
                  ? "-"
                  : Text.offset(o.cause().offset()) + " " + o.cause().text()));
    }
    Files.write(dir.resolve("orphan-tasks.tsv"), orphans, StandardCharsets.UTF_8);
    List<String> tasks = new ArrayList<>();
    r.simTasks().forEach(t -> tasks.add(t.toString()));
    Files.write(dir.resolve("sim-tasks.jsonl"), tasks, StandardCharsets.UTF_8);
    List<String> placed = new ArrayList<>();
    for (ChaosRequests.Request q : r.requests()) {
      RequestProducer.Placement p = r.placements().get(q.ref());
      placed.add(
          q.ref()
              + "\t"
              + q.kind().name().toLowerCase()
              + "\t"
              + (p == null ? "-\t-" : p.partition() + "\t" + p.offset()));
    }
    Files.write(dir.resolve("requests.tsv"), placed, StandardCharsets.UTF_8);
  }

  private static String placement(ChaosResult r, String id) {
    RequestProducer.Placement p = r.placements().get(id);
    return p == null ? "?" : "partition " + p.partition() + " offset " + p.offset();
  }
}
