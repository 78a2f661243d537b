package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunEdit;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code history note -r RUN TEXT} (or {@code --clear}): the run's note, shown by {@code history
 * info} and on the web UI's run page, with who wrote it and when.
 */
@Command(
    name = "note",
    mixinStandardHelpOptions = true,
    description = "Write a note on a run (replacing its note), or remove it with --clear.")
public final class NoteCommand implements Runnable {
  private final CliContext ctx;

  @Mixin RunOption run;

  @Parameters(paramLabel = "TEXT", arity = "0..1", description = "The note.")
  String text;

  @Option(names = "--clear", description = "Remove the run's note.")
  boolean clear;

  public NoteCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    if (clear == (text != null)) {
      throw LabrunException.badInput(
          "give the note's text, or --clear to remove it (one of them): labrun history note -r"
              + " RUN \"what this run showed\"");
    }
    if (!clear && text.isBlank()) {
      throw LabrunException.badInput("the note is empty; to remove a note use --clear");
    }
    Map<String, Object> info =
        ctx.runs().edit(run.id(), new RunEdit(null, null, clear ? "" : text));
    ctx.out()
        .println(
            (clear ? "Removed the note of run " : "Wrote the note of run ")
                + info.get("run_id")
                + ".");
    ctx.out().flush();
  }
}
