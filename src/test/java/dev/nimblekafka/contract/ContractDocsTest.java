package dev.nimblekafka.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every JSON example in docs/contracts.md is a valid message of the kind it shows. */
class ContractDocsTest {
  private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void everyExampleInTheContractsDocMatchesItsSchema() throws IOException {
    String doc = Files.readString(Path.of("docs/contracts.md"));
    List<JsonNode> examples = new ArrayList<>();
    Matcher block = JSON_BLOCK.matcher(doc);
    while (block.find()) {
      String text = block.group(1).strip();
      if (text.startsWith("{\n")) {
        examples.add(json.readTree(text));
      } else {
        for (String line : text.split("\n")) {
          examples.add(json.readTree(line));
        }
      }
    }
    assertThat(examples).hasSizeGreaterThanOrEqualTo(8);
    for (JsonNode example : examples) {
      String contract = contractOf(example);
      assertThat(Contracts.errors(contract, example)).as("%s %s", contract, example).isEmpty();
    }
  }

  private static String contractOf(JsonNode message) {
    if (message.has("version") && message.has("succeeded_by_driver")) {
      return "usage";
    }
    if (message.has("v")) {
      return "state";
    }
    if (message.path("record").asText().equals("page")) {
      return "page";
    }
    if (message.has("error")) {
      return "failure";
    }
    if (message.has("state")) {
      return "result";
    }
    return "request";
  }
}
