package io.labrun.server;

import io.javalin.http.Context;
import io.labrun.app.LocalRuns;
import io.labrun.app.Runs;
import io.labrun.app.SweepResults;
import io.labrun.core.history.ApiTokens.Role;
import io.labrun.core.history.RunView;
import io.labrun.core.run.Run;
import java.util.Map;

/**
 * Sweeps for the web UI's sweep pages ({@link SweepResults}): every sweep with its runs by state
 * and its best run, and one sweep's points, best first ({@code metric} and {@code goal} replace the
 * sweep's own); and a sweep's cancel ({@link LocalRuns#cancelSweep}).
 */
final class SweepsApi {
  private final SweepResults sweeps;
  private final LocalRuns runs;

  SweepsApi(SweepResults sweeps, LocalRuns runs) {
    this.sweeps = sweeps;
    this.runs = runs;
  }

  void routes(ApiRoutes r) {
    r.get("/api/v1/sweeps", Role.READ, ctx -> ctx.json(Map.of("sweeps", sweeps.all())));
    r.get(
        "/api/v1/sweeps/{id}",
        Role.READ,
        ctx ->
            ctx.json(
                sweeps.one(ctx.pathParam("id"), ctx.queryParam("metric"), ctx.queryParam("goal"))));
    r.post("/api/v1/sweeps/{id}/cancel", Role.SUBMIT, this::cancel);
  }

  /**
   * {@code experiment cancel --sweep} through the server: as on the command line ({@link
   * LocalRuns#cancelSweep}); by the submitter of its runs or an admin.
   */
  private void cancel(Context ctx) {
    String id = ctx.pathParam("id");
    for (Run r : sweeps.runs(id)) {
      Auth.requireOwnerOrAdmin(ctx, r, "cancel its sweep");
    }
    Runs.SweepCanceled c = runs.cancelSweep(id);
    ctx.json(
        RunView.fields(
            "sweep_id",
            c.sweepId(),
            "stopped",
            c.stopped(),
            "not_started",
            c.notStarted(),
            "ended",
            c.ended()));
  }
}
