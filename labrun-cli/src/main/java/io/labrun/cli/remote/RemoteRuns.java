package io.labrun.cli.remote;

import io.labrun.cli.CliContext;
import io.labrun.cli.output.Output;
import io.labrun.cli.output.OutputOptions;
import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import java.time.Duration;
import tools.jackson.databind.JsonNode;

/** {@code experiment status} and {@code experiment cancel} of a run the server keeps. */
public final class RemoteRuns {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private RemoteRuns() {}

  public static void status(CliContext ctx, Remote remote, String runId, OutputOptions output) {
    JsonNode j = new ServerClient(remote).get(ServerClient.runPath(runId));
    new Output(ctx.out(), output).record(Output.fields("run_id", j.get("run_id").asString(), "status", j.get("status").asString(),
        "status_detail", text(j, "status_detail"), "exit_code", j.hasNonNull("exit_code") ? j.get("exit_code").asInt() : null,
        "duration", text(j, "duration")));
  }

  /** Asks the server to cancel the run and waits (up to 30 s) for it to end, as the local command does. */
  public static int cancel(CliContext ctx, Remote remote, String runId) throws InterruptedException {
    ServerClient client = new ServerClient(remote);
    JsonNode run = client.get(ServerClient.runPath(runId));
    String id = run.get("run_id").asString();
    if (isFinal(run.get("status").asString())) {
      ctx.out().println("Run " + id + " has already ended: " + run.get("status").asString() + ".");
      ctx.out().flush();
      return 0;
    }
    boolean queued = run.get("status").asString().equals("Queued");
    JsonNode status = client.post(ServerClient.runPath(runId, "cancel"), java.util.Map.of());
    long deadline = System.nanoTime() + WAIT.toNanos();
    // The server records the end when the run's supervisor has stopped it; ask until then.
    while (!isFinal(status.get("status").asString())) {
      if (System.nanoTime() > deadline) {
        throw new LabrunException(ExitCode.TARGET_UNAVAILABLE, "run " + id + " did not stop within " + WAIT.toSeconds()
            + " s of being canceled; check it with 'labrun experiment status -r " + id + "'");
      }
      Thread.sleep(250);
      status = client.get(ServerClient.runPath(runId));
    }
    ctx.out().println(queued && status.get("status").asString().equals("Canceled") ? "Run " + id + " canceled before it started."
        : "Run " + id + " " + status.get("status").asString() + ".");
    ctx.out().flush();
    return 0;
  }

  private static boolean isFinal(String status) {
    return io.labrun.core.run.RunStatus.parse(status).map(io.labrun.core.run.RunStatus::isFinal).orElse(false);
  }

  private static String text(JsonNode j, String field) {
    return j.hasNonNull(field) ? j.get(field).asString() : null;
  }
}
