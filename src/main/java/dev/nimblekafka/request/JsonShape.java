package dev.nimblekafka.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * What JSON the worker can carry safely: nesting no deeper than {@link #MAX_DEPTH} (Nimble echoes
 * the input in its answers, which must stay readable), and no unpaired UTF-16 surrogate (an escaped
 * {@code \\udc00} reads as text but cannot be written as UTF-8).
 */
final class JsonShape {
  static final int MAX_DEPTH = 100;

  private JsonShape() {}

  /** Why the tree cannot be carried, or null when it can. */
  static String problem(JsonNode root) {
    return walk(root, "", 1);
  }

  private static String walk(JsonNode node, String path, int depth) {
    if (node.isContainerNode() && depth > MAX_DEPTH) { // objects and arrays, as Jackson counts
      return "the request nests deeper than " + MAX_DEPTH + " levels (at " + path + ")";
    }
    if (node.isTextual() && unpaired(node.textValue())) {
      return "the text at " + path + " has an unpaired UTF-16 surrogate";
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (unpaired(field.getKey())) {
          return "a field name under "
              + (path.isEmpty() ? "the request" : path)
              + " has an unpaired UTF-16 surrogate";
        }
        String found = walk(field.getValue(), path + "/" + field.getKey(), depth + 1);
        if (found != null) {
          return found;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String found = walk(node.get(i), path + "/" + i, depth + 1);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  private static boolean unpaired(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return true;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
