package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The one-line summary each command shows in its parent's {@code --help} list (the first line of
 * its description) is a whole sentence, never a sentence cut where the line happens to end.
 */
class HelpSummariesTest {
  @TempDir Path tmp;

  @Test
  void everySummaryEndsOnAFullSentence() {
    try (CliContext ctx =
        new CliContext(new Cli(tmp).environment(), tmp, InputStream.nullInputStream(), false)) {
      List<String> cut = new ArrayList<>();
      collect(Main.commandLine(ctx), cut);
      assertThat(cut).as("summaries that do not end with a full stop").isEmpty();
    }
  }

  private static void collect(CommandLine cl, List<String> cut) {
    if (cl.getCommandSpec().usageMessage().hidden()) {
      return; // labrun's own internal commands are listed nowhere
    }
    String[] description = cl.getCommandSpec().usageMessage().description();
    String summary = description.length == 0 ? "" : description[0].strip();
    if (!summary.matches("(?s).*[.!?][)\"']?")) {
      cut.add(cl.getCommandSpec().qualifiedName() + ": " + summary);
    }
    cl.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, cut));
  }
}
