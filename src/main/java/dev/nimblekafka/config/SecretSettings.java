package dev.nimblekafka.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A secret given either as a setting ({@code NIMBLE_API_KEY}) or as the path of a file holding it
 * ({@code NIMBLE_API_KEY_FILE}, e.g. a mounted Kubernetes Secret), whose content, trimmed, is the
 * secret. Never both. Problems name the settings and the path, never what the file holds.
 */
final class SecretSettings {
  /** The suffix of the setting that names a secret's file. */
  static final String FILE_SUFFIX = "_FILE";

  /** The largest secret file read: a key or a signing secret is far smaller. */
  static final int MAX_FILE_BYTES = 65_536;

  private SecretSettings() {}

  /** The secret, or empty when neither setting is given or a problem was recorded. */
  static Optional<String> read(Settings s, String name) {
    String fileSetting = name + FILE_SUFFIX;
    s.describe(fileSetting, "unset", "a readable file; not with " + name);
    Optional<String> plain = s.optional(name);
    Optional<String> file = s.optional(fileSetting);
    if (file.isEmpty()) {
      return plain;
    }
    if (plain.isPresent()) {
      s.problem(name + " and " + fileSetting + " must not both be set; set one of them");
      return Optional.empty();
    }
    Path path;
    try {
      path = Path.of(file.get());
    } catch (IllegalArgumentException e) {
      s.problem(fileSetting + " must be a file path but was " + file.get());
      return Optional.empty();
    }
    try {
      if (!Files.isRegularFile(path)) {
        s.problem(fileSetting + " must name a readable file but " + path + " is not one");
        return Optional.empty();
      }
      if (Files.size(path) > MAX_FILE_BYTES) {
        s.problem(fileSetting + " names a file larger than " + MAX_FILE_BYTES + " bytes: " + path);
        return Optional.empty();
      }
      String secret =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path)))
              .toString()
              .strip();
      if (secret.isEmpty()) {
        s.problem(fileSetting + " names an empty file: " + path);
        return Optional.empty();
      }
      return Optional.of(secret);
    } catch (CharacterCodingException e) {
      s.problem(fileSetting + " names a file that is not UTF-8 text: " + path);
      return Optional.empty();
    } catch (IOException | SecurityException e) {
      // the exception's own message may quote the path only; its class says why
      s.problem(
          fileSetting + " cannot be read: " + path + " (" + e.getClass().getSimpleName() + ")");
      return Optional.empty();
    }
  }
}
