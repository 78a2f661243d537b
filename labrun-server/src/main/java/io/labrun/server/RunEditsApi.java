package io.labrun.server;

import io.javalin.http.Context;
import io.labrun.app.LocalRuns;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.history.RunEdit;
import io.labrun.core.run.Run;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code PATCH /api/v1/runs/ID}: tags set or removed and the note of a run ({@link RunEdit}), by
 * its submitter or an admin, as a cancel is. Answers the run as {@code GET /api/v1/runs/ID} shows
 * it.
 */
final class RunEditsApi {
  private final RunsApi runs;
  private final LocalRuns local;

  RunEditsApi(RunsApi runs, LocalRuns local) {
    this.runs = runs;
    this.local = local;
  }

  void routes(ApiRoutes r) {
    r.patch("/api/v1/runs/{id}", Role.SUBMIT, this::edit);
  }

  private void edit(Context ctx) {
    Run run = runs.run(ctx);
    Auth.requireOwnerOrAdmin(ctx, run, "edit its tags or note");
    Map<String, Object> body = SubmitApi.body(ctx);
    RunEdit edit = new RunEdit(tags(body.get("tags")), untag(body.get("untag")), note(body));
    ctx.json(local.edit(run.id(), edit, Auth.caller(ctx).name()));
  }

  private static Map<String, String> tags(Object given) {
    Map<String, String> out = new LinkedHashMap<>();
    if (given == null) {
      return out;
    }
    if (!(given instanceof Map<?, ?> m)) {
      throw ApiError.badRequest("'tags' must be an object of names to values");
    }
    m.forEach(
        (k, v) -> {
          if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
            throw ApiError.badRequest(
                "tag '" + k + "' must have a text or number value; remove tags with 'untag'");
          }
          out.put((String) k, v.toString());
        });
    return out;
  }

  private static Set<String> untag(Object given) {
    Set<String> out = new LinkedHashSet<>();
    if (given == null) {
      return out;
    }
    if (!(given instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
      throw ApiError.badRequest("'untag' must be a list of tag names");
    }
    list.forEach(n -> out.add((String) n));
    return out;
  }

  private static String note(Map<String, Object> body) {
    Object v = body.get("note");
    if (v != null && !(v instanceof String)) {
      throw ApiError.badRequest("'note' must be text (empty to remove the note)");
    }
    return (String) v;
  }
}
