package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One entry of a 400's {@code details.schema_validation_errors}, in the shape of the Ajv validator
 * Nimble uses: {@code {instancePath, schemaPath, keyword, params, message}}.
 */
record SchemaError(
    String instancePath,
    String schemaPath,
    String keyword,
    Map<String, Object> params,
    String message) {

  ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("instancePath", instancePath);
    node.put("schemaPath", schemaPath);
    node.put("keyword", keyword);
    node.set("params", Json.MAPPER.valueToTree(params));
    node.put("message", message);
    return node;
  }
}
