package io.labrun.core.supervisor;

import io.labrun.core.json.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Typed, checked access to the fields of a protocol file's JSON object. */
final class Fields {
  private final String file;
  private final Map<String, Object> map;

  private Fields(String file, Map<String, Object> map) {
    this.file = file;
    this.map = map;
  }

  static Fields parse(String file, String json) {
    try {
      return new Fields(file, Json.parseObject(json));
    } catch (Json.SyntaxException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private Object required(String key) {
    Object v = map.get(key);
    if (v == null) {
      throw bad(key, "is missing");
    }
    return v;
  }

  String string(String key) {
    Object v = required(key);
    if (v instanceof String s) {
      return s;
    }
    throw bad(key, "is not a string");
  }

  String optString(String key) {
    return map.get(key) == null ? null : string(key);
  }

  long longValue(String key) {
    Object v = required(key);
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.0e18) {
      return d.longValue();
    }
    throw bad(key, "is not an integer");
  }

  long longValue(String key, long fallback) {
    return map.get(key) == null ? fallback : longValue(key);
  }

  Long optLong(String key) {
    return map.get(key) == null ? null : longValue(key);
  }

  int intValue(String key) {
    long v = longValue(key);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw bad(key, "is out of range");
    }
    return (int) v;
  }

  Integer optInt(String key) {
    return map.get(key) == null ? null : intValue(key);
  }

  boolean bool(String key, boolean fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw bad(key, "is not true or false");
  }

  List<String> stringList(String key) {
    Object v = required(key);
    if (!(v instanceof List<?> list)) {
      throw bad(key, "is not a list");
    }
    List<String> out = new ArrayList<>();
    for (Object item : list) {
      if (!(item instanceof String s)) {
        throw bad(key, "has an item that is not a string");
      }
      out.add(s);
    }
    return Collections.unmodifiableList(out);
  }

  List<String> optStringList(String key) {
    return map.get(key) == null ? null : stringList(key);
  }

  Map<String, String> stringMap(String key) {
    Object v = map.get(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw bad(key, "is not an object");
    }
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw bad(key + "." + e.getKey(), "is not a string");
      }
      out.put((String) e.getKey(), s);
    }
    return Collections.unmodifiableMap(out);
  }

  private IllegalArgumentException bad(String key, String what) {
    return new IllegalArgumentException(file + ": \"" + key + "\" " + what);
  }
}
