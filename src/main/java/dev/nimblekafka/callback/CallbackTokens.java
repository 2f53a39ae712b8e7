package dev.nimblekafka.callback;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens in the callback URLs the worker gives Nimble: {@code <partition>.<scope>.<mac>}, where
 * scope is the request id (one task) or a batch nonce (a batch shares one callback URL), and mac is
 * an HMAC-SHA256 of partition and scope with the worker's secret. Only a holder of the secret can
 * make one; the partition tells any pod which pod owns the task.
 */
public final class CallbackTokens {
  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
  private final SecretKeySpec key;

  /** What a valid token says. */
  public record Claim(int partition, String scope) {}

  public CallbackTokens(String secret) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  public String token(int partition, String scope) {
    String scoped = ENCODE.encodeToString(scope.getBytes(StandardCharsets.UTF_8));
    return partition + "." + scoped + "." + ENCODE.encodeToString(mac(partition, scope));
  }

  /** The claim of a token, or empty when it is malformed or not made with this secret. */
  public Optional<Claim> verify(String token) {
    String[] parts = token == null ? new String[0] : token.split("\\.", -1);
    if (parts.length != 3 || parts[0].length() > 6) {
      return Optional.empty();
    }
    try {
      int partition = Integer.parseInt(parts[0]);
      String scope = new String(DECODE.decode(parts[1]), StandardCharsets.UTF_8);
      byte[] given = DECODE.decode(parts[2]);
      if (partition < 0 || !MessageDigest.isEqual(given, mac(partition, scope))) {
        return Optional.empty();
      }
      return Optional.of(new Claim(partition, scope));
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }

  private byte[] mac(int partition, String scope) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal((partition + ":" + scope).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "CallbackTokens[****]";
  }
}
