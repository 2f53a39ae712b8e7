package dev.nimblekafka.handover;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The offset metadata's one codec: round trip, older and newer readers, and its bound. */
class CommitNoteTest {

  @Test
  void everyFieldComesBackAsWritten() {
    CommitNote note = new CommitNote(5, 12, true, 99, Map.of("h:acme", 10L, "n:*", 2L));
    assertThat(CommitNote.decode(note.encode())).isEqualTo(note);
  }

  @Test
  void aNewerWritersUnknownFieldsAreKeptAndTheKnownOnesRead() {
    CommitNote note = CommitNote.decode("nkw1;t=5;held=3;clean=1;zz=new;q=n:acme:3");
    assertThat(note.held()).isEqualTo(3);
    assertThat(note.clean()).isTrue();
    assertThat(note.demand()).containsExactly(Map.entry("n:acme", 3L));
    assertThat(note.extra()).containsExactly(Map.entry("zz", "new"));
  }

  @Test
  void anOlderWritersNoteHasNoDemandByClass() {
    CommitNote note = CommitNote.decode("nkw1;t=5;held=3;clean=0");
    assertThat(note.demand()).isEmpty();
    assertThat(note.held()).isEqualTo(3);
  }

  @Test
  void classesThatDoNotReadAreLeftOut() {
    CommitNote note = CommitNote.decode("nkw1;t=5;held=3;q=x:acme:1,n:acme:-2,h::4,l:b:x,n:ok:2");
    assertThat(note.demand()).containsExactly(Map.entry("n:ok", 2L));
  }

  @Test
  void aThousandTenantsFoldIntoAFewClassesWellUnderKafkasLimit() {
    Map<String, Long> demand = new HashMap<>();
    long total = 0;
    for (int i = 0; i < 1_000; i++) {
      String tenant = "tenant-with-a-long-name-of-sixty-four-characters-" + i + "-xxxxxxxxxx";
      long count = 1_000 + i;
      demand.put(CommitNote.classOf("hnl".charAt(i % 3), tenant.substring(0, 60)), count);
      total += count;
    }
    String encoded = new CommitNote(5, total, false, 99, demand).encode();

    assertThat(encoded.getBytes(StandardCharsets.UTF_8).length).isLessThan(1_024);
    Map<String, Long> read = CommitNote.decode(encoded).demand();
    assertThat(read).hasSizeLessThanOrEqualTo(CommitNote.MAX_CLASSES);
    assertThat(read.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
    assertThat(read).containsKeys("h:*", "n:*", "l:*");
  }

  @Test
  void metadataThatIsNotANoteIsUnknown() {
    assertThat(CommitNote.decode("something else")).isEqualTo(CommitNote.UNKNOWN);
    assertThat(CommitNote.decode(null)).isEqualTo(CommitNote.UNKNOWN);
  }
}
