package io.labrun.store;

import io.labrun.core.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON columns of the run table: a list of strings and a string-to-string map (run arguments,
 * environment, attributes), null values allowed. Written with the core's small JSON codec, so the
 * store pulls no JSON library into every process that opens the history.
 */
final class JsonColumns {
  private JsonColumns() {}

  static String writeList(List<String> values) {
    return Json.write(values);
  }

  static String writeMap(Map<String, String> values) {
    return Json.write(values);
  }

  static List<String> readList(String text) {
    List<String> out = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    if (!(Json.parse(text) instanceof List<?> list)) {
      throw new IllegalArgumentException("expected a JSON list");
    }
    list.forEach(v -> out.add(v == null ? null : v.toString()));
    return out;
  }

  static Map<String, String> readMap(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    Json.parseObject(text).forEach((k, v) -> out.put(k, v == null ? null : v.toString()));
    return out;
  }
}
