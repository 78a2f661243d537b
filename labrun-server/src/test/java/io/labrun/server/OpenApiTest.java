package io.labrun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The served OpenAPI description names exactly the routes the server has, each with its parameters.
 */
class OpenApiTest {
  private static final Set<String> METHODS =
      Set.of("get", "post", "put", "delete", "patch", "head");

  @TempDir Path tmp;

  @Test
  void everyRouteIsDescribedAndEveryDescribedRouteExists() {
    try (TestServer srv = new TestServer(tmp, TestDatabases.sqlite(tmp))) {
      JsonNode doc = srv.http.get("/api/v1/openapi.json").json();
      assertThat(doc.get("openapi").asString()).startsWith("3.");
      Set<String> described = new TreeSet<>();
      List<String> problems = new ArrayList<>();
      for (var path : doc.get("paths").properties()) {
        for (var op : path.getValue().properties()) {
          if (!METHODS.contains(op.getKey())) {
            continue;
          }
          described.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
          for (String param : pathParams(path.getKey())) {
            boolean has = false;
            for (JsonNode p : op.getValue().get("parameters")) {
              has |=
                  p.get("in").asString().equals("path") && p.get("name").asString().equals(param);
            }
            if (!has) {
              problems.add(
                  op.getKey() + " " + path.getKey() + " does not describe path parameter " + param);
            }
          }
          if (!op.getValue().has("responses") || !op.getValue().has("summary")) {
            problems.add(op.getKey() + " " + path.getKey() + " has no summary or responses");
          }
        }
      }
      Set<String> served = new TreeSet<>();
      for (String r : srv.server.routes()) {
        served.add(r.replace('<', '{').replace('>', '}'));
      }
      assertThat(problems).isEmpty();
      assertThat(described).isEqualTo(served);
    }
  }

  private static List<String> pathParams(String path) {
    List<String> out = new ArrayList<>();
    var m = Pattern.compile("\\{([^}]+)}").matcher(path);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
