package io.labrun.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import io.javalin.security.RouteRole;
import io.labrun.core.history.ApiTokens.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The route table of the REST API: every route is added here with the least {@link Role} a token
 * needs for it, and {@link Auth#authorize} checks that role, in one place, before any handler runs.
 * A route cannot be added without a role, and the table lists them all (the tests try each).
 */
final class ApiRoutes {
  private final RoutesConfig routes;
  private final List<Route> table = new ArrayList<>();

  ApiRoutes(RoutesConfig routes) {
    this.routes = routes;
  }

  /** One route: its method, its path in Javalin's spelling and the role it needs. */
  record Route(String method, String path, Role role) {}

  /** A role as Javalin carries it with a route, for {@link Auth#authorize}. */
  record Needs(Role role) implements RouteRole {}

  void get(String path, Role role, Handler handler) {
    routes.get(path, handler, listed("GET", path, role));
  }

  void post(String path, Role role, Handler handler) {
    routes.post(path, handler, listed("POST", path, role));
  }

  void put(String path, Role role, Handler handler) {
    routes.put(path, handler, listed("PUT", path, role));
  }

  void patch(String path, Role role, Handler handler) {
    routes.patch(path, handler, listed("PATCH", path, role));
  }

  void delete(String path, Role role, Handler handler) {
    routes.delete(path, handler, listed("DELETE", path, role));
  }

  /** An event stream, answered to GET. */
  void sse(String path, Role role, Consumer<SseClient> client) {
    routes.sse(path, client, listed("GET", path, role));
  }

  private Needs listed(String method, String path, Role role) {
    table.add(new Route(method, path, role));
    return new Needs(role);
  }

  /**
   * A step before the handler of the routes matching {@code path}, after the caller's role was
   * checked.
   */
  void before(String path, Handler handler) {
    routes.beforeMatched(path, handler);
  }

  List<Route> table() {
    return List.copyOf(table);
  }
}
