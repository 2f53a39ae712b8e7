package dev.nimblekafka.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's settings table against the code: every setting in {@link SettingNames#KNOWN} has a
 * row, every row names a known setting, and each row's default and bounds are the ones {@link
 * ConfigLoader} reads the setting with.
 */
class SettingsReferenceTest {

  /** A row of the table: the setting, its default, its bounds (backticks removed). */
  record Row(String name, String fallback, String bounds) {}

  private static Map<String, Row> readmeRows() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("pom.xml"))) {
      dir = dir.getParent();
    }
    String readme = Files.readString(dir.resolve("README.md"));
    int start = readme.indexOf("## Configuration");
    assertThat(start).as("README has a Configuration section").isNotNegative();
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    Map<String, Row> rows = new TreeMap<>();
    Matcher m =
        Pattern.compile("(?m)^\\| `([A-Z0-9_<>]+)` \\|([^|\\n]*)\\|([^|\\n]*)\\|[^\\n]*\\|$")
            .matcher(section);
    while (m.find()) {
      String name = m.group(1);
      if (name.contains("<")) {
        continue; // KAFKA_<NAME>: the client passthrough, not one setting
      }
      Row row = new Row(name, plain(m.group(2)), plain(m.group(3)));
      assertThat(rows.put(name, row)).as("one row for " + name).isNull();
    }
    return rows;
  }

  private static String plain(String cell) {
    return cell.strip().replace("`", "").replace("&#124;", "|").replace("\\|", "|");
  }

  @Test
  void everySettingTheCodeReadsHasARowAndEveryRowIsASetting() throws IOException {
    Set<String> documented = readmeRows().keySet();
    Set<String> missing = new TreeSet<>(SettingNames.KNOWN);
    missing.removeAll(documented);
    Set<String> unknown = new TreeSet<>(documented);
    unknown.removeAll(SettingNames.KNOWN);
    assertThat(missing).as("settings the code reads but the README does not list").isEmpty();
    assertThat(unknown).as("README rows for settings the code does not read").isEmpty();
  }

  @Test
  void everyRowStatesTheDefaultAndBoundsTheCodeUses() throws IOException {
    Map<String, Settings.Spec> code = ConfigLoader.reference();
    Set<String> notDescribed = new TreeSet<>(SettingNames.KNOWN);
    notDescribed.removeAll(code.keySet());
    assertThat(notDescribed)
        .as("settings read outside ConfigLoader (the file's name is read by ConfigSource)")
        .containsExactly(ConfigSource.CONFIG_FILE);
    assertThat(SettingNames.KNOWN).containsAll(code.keySet());

    Map<String, Row> rows = readmeRows();
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Settings.Spec> e : code.entrySet()) {
      Row row = rows.get(e.getKey());
      Settings.Spec spec = e.getValue();
      if (row == null
          || !row.fallback().equals(spec.fallback())
          || !row.bounds().equals(spec.bounds().replace(">=", "≥"))) {
        wrong.add(
            "| `"
                + e.getKey()
                + "` | `"
                + spec.fallback()
                + "` | "
                + (spec.bounds().isEmpty() ? "" : "`" + spec.bounds().replace(">=", "≥") + "`")
                + " | ...");
      }
    }
    assertThat(wrong).as("README rows that differ from the code (as the code has them)").isEmpty();
  }
}
