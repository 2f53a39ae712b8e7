package dev.nimblekafka.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestInputs;
import dev.nimblekafka.request.RequestParser;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever request the parser accepts, the worker can read it again later: from its state record
 * after a restart, as it reads the request to submit it.
 */
class StateCodecFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final RequestParser parser = new RequestParser(JSON);
  private final StateCodec codec = new StateCodec(JSON);

  @Property(tries = 300)
  void everyAcceptedRequestSurvivesTheStateTopic(@ForAll("requests") byte[] request)
      throws Exception {
    ParseResult result = parser.parse("nimble.requests", 0, 1, request);
    Assume.that(result instanceof ParseResult.Valid);
    var kind = ((ParseResult.Valid) result).request().kind();
    StoredTask stored =
        new StoredTask(
            "r-1", "t-1", kind, 1, 10L, 10L, "nimble.requests", 1L, request, false, null);

    StoredTask back = codec.decode(codec.encode(stored));

    assertThat(JSON.readTree(new String(back.request(), StandardCharsets.UTF_8)))
        .isEqualTo(JSON.readTree(new String(request, StandardCharsets.UTF_8)));
    assertThat(back.kind()).isEqualTo(kind);
  }

  @Example
  void anEscapedLoneSurrogateInAFieldNameIsRefusedBeforeItCouldReachTheStateTopic() {
    // "\udc00" reads as text but cannot be written as UTF-8: refused at once, with the reason
    byte[] request =
        "{\"extract\":{\"url\":\"https://a.io\",\"\\udc00\":1}}".getBytes(StandardCharsets.UTF_8);
    ParseResult result = parser.parse("nimble.requests", 0, 1, request);
    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    // refused by the JSON reader itself, or by the check after it: either names the surrogate
    assertThat(((ParseResult.Invalid) result).error().message()).containsIgnoringCase("surrogate");
  }

  @Provide
  Arbitrary<byte[]> requests() {
    return RequestInputs.requestLike().map(RequestInputs::bytes);
  }
}
