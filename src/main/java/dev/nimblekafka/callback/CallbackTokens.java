package dev.nimblekafka.callback;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens in the callback URLs the worker gives Nimble: {@code <partitions>.<scope>.<mac>}, where
 * partitions are the requests partitions of the tasks the URL serves, joined by {@code _} (one
 * task, or a batch of one partition: a single number), scope is the request id (one task) or a
 * batch nonce (a batch shares one callback URL), and mac is an HMAC-SHA256 of partitions and scope
 * with the worker's secret. Only a holder of the secret can make one; the partitions tell any pod
 * which pods may own the task. A batch may take requests of several partitions, so that a pod
 * holding many partitions still creates its tasks in few calls.
 */
public final class CallbackTokens {
  /** The most partitions one token names (a batch holds at most 100 tasks). */
  static final int MAX_PARTITIONS = 128;

  private static final int MAX_PARTITIONS_CHARS = MAX_PARTITIONS * 7;
  private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
  private final SecretKeySpec key;

  /** What a valid token says: its partitions, ascending and distinct, and its scope. */
  public record Claim(List<Integer> partitions, String scope) {
    public Claim {
      partitions = List.copyOf(partitions);
    }
  }

  public CallbackTokens(String secret) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** A token for the tasks of one partition. */
  public String token(int partition, String scope) {
    return token(List.of(partition), scope);
  }

  /** A token for tasks of any of {@code partitions} (at least one). */
  public String token(Collection<Integer> partitions, String scope) {
    TreeSet<Integer> sorted = new TreeSet<>(partitions);
    if (sorted.isEmpty() || sorted.size() > MAX_PARTITIONS || sorted.first() < 0) {
      throw new IllegalArgumentException(
          "a callback token names 1 to " + MAX_PARTITIONS + " partitions, not " + partitions);
    }
    String named = join(sorted);
    String scoped = ENCODE.encodeToString(scope.getBytes(StandardCharsets.UTF_8));
    return named + "." + scoped + "." + ENCODE.encodeToString(mac(named, scope));
  }

  /** The claim of a token, or empty when it is malformed or not made with this secret. */
  public Optional<Claim> verify(String token) {
    String[] parts = token == null ? new String[0] : token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > MAX_PARTITIONS_CHARS) {
      return Optional.empty();
    }
    try {
      List<Integer> partitions = partitions(parts[0]);
      String scope = new String(DECODE.decode(parts[1]), StandardCharsets.UTF_8);
      byte[] given = DECODE.decode(parts[2]);
      if (partitions.isEmpty() || !MessageDigest.isEqual(given, mac(parts[0], scope))) {
        return Optional.empty();
      }
      return Optional.of(new Claim(partitions, scope));
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }

  /** The partitions a token's first part names, ascending; empty when it is not in that form. */
  private static List<Integer> partitions(String named) {
    List<Integer> partitions = new ArrayList<>();
    int previous = -1;
    for (String each : named.split("_", -1)) {
      if (each.isEmpty() || each.length() > 6 || partitions.size() == MAX_PARTITIONS) {
        return List.of();
      }
      int partition = Integer.parseInt(each); // NumberFormatException is an IllegalArgument one
      if (partition <= previous) {
        return List.of(); // only the ascending, distinct form is ever made
      }
      partitions.add(partition);
      previous = partition;
    }
    return partitions;
  }

  private static String join(TreeSet<Integer> partitions) {
    StringBuilder named = new StringBuilder();
    for (int partition : partitions) {
      if (named.length() > 0) {
        named.append('_');
      }
      named.append(partition);
    }
    return named.toString();
  }

  /** The MAC of a token's partitions (as written in it) and scope. */
  private byte[] mac(String partitions, String scope) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal((partitions + ":" + scope).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "CallbackTokens[****]";
  }
}
