package io.labrun.cli.run;

import io.labrun.cli.CliContext;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunEdit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code history tag -r RUN NAME=VALUE... [--remove NAME...]}: tags set or removed after the run,
 * on this machine's history or a server's (as the web UI's run page does).
 */
@Command(
    name = "tag",
    mixinStandardHelpOptions = true,
    description = "Set or remove tags of a run (find them with --filter 'tags.NAME = ...').")
public final class TagCommand implements Runnable {
  private final CliContext ctx;

  @Mixin RunOption run;

  @Parameters(paramLabel = "NAME=VALUE", arity = "0..*", description = "Tags to set.")
  List<String> tags = List.of();

  @Option(names = "--remove", paramLabel = "NAME", arity = "1..*", description = "Tags to remove.")
  List<String> remove = List.of();

  public TagCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void run() {
    Map<String, String> set = new LinkedHashMap<>();
    for (String t : tags) {
      int eq = t.indexOf('=');
      if (eq <= 0) {
        throw LabrunException.badInput(
            "'" + t + "' is not a tag; write NAME=VALUE (e.g. team=vision), or --remove NAME");
      }
      set.put(t.substring(0, eq), t.substring(eq + 1));
    }
    Map<String, Object> info =
        ctx.runs().edit(run.id(), new RunEdit(set, new LinkedHashSet<>(remove), null));
    StringJoiner now = new StringJoiner(", ");
    ((Map<?, ?>) info.getOrDefault("tags", Map.of())).forEach((k, v) -> now.add(k + "=" + v));
    ctx.out()
        .println(
            "Run " + info.get("run_id") + " tags: " + (now.length() == 0 ? "(none)" : now) + ".");
    ctx.out().flush();
  }
}
