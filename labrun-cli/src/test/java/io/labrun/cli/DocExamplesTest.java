package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code console} example of README.md and docs/*.md ({@code $ labrun ...} lines and the
 * output printed under them) is run in a scratch project made by {@code project init}, and what
 * labrun prints must be what the page shows, run ids, durations and the scratch folder aside. An
 * example that cannot run here says so on the line before it, {@code <!-- example NAME: not run:
 * why -->}, and is listed by name below, so that neither list can drift from the pages.
 */
class DocExamplesTest {
  /** Examples the pages mark as not run here, by name, with the reason the page gives. */
  private static final Map<String, String> NOT_RUN = Map.of(
      "sweep-on-a-terminal", "its lines are the live terminal view of a sweep, redrawn in place as runs end");

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern MARK = Pattern.compile("<!-- example ([a-z0-9-]+): not run: (.+) -->");

  @TempDir Path tmp;

  /** One console block: where it is, its commands with their expected output, and its mark if any. */
  record Example(String where, String notRunName, List<String[]> steps) {}

  @Test
  void everyConsoleExampleOfTheDocsPrintsWhatThePageShows() throws Exception {
    List<Example> examples = examples();
    assertThat(examples).as("the pages have console examples").isNotEmpty();
    List<String> marked = examples.stream().map(Example::notRunName).filter(n -> n != null).toList();
    assertThat(marked).as("examples marked 'not run' on the pages = the list here").containsExactlyInAnyOrderElementsOf(NOT_RUN.keySet());
    for (Example e : examples) {
      if (e.notRunName() == null) {
        run(e);
      }
    }
  }

  private void run(Example e) throws IOException {
    Path scratch = Files.createDirectories(tmp.resolve(Integer.toHexString(e.where().hashCode())));
    Cli cli = new Cli(scratch);
    assertThat(cli.in(scratch, "project", "init", "proj").code()).isZero();
    Path cwd = scratch.resolve("proj");
    for (String[] step : e.steps()) {
      List<String> args = words(step[0]);
      assertThat(args.get(0)).as(e.where() + ": a labrun command").isEqualTo("labrun");
      Cli.Result r = cli.in(cwd, args.subList(1, args.size()).toArray(String[]::new));
      assertThat(normalize(r.out() + r.err(), scratch)).as(e.where() + ": $ " + step[0]).isEqualTo(normalize(step[1], scratch));
    }
  }

  /** The console blocks of README.md and docs/*.md. */
  static List<Example> examples() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<Example> out = new ArrayList<>();
    for (Path page : pages) {
      List<String> lines = Files.readAllLines(page);
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).strip().equals("```console")) {
          continue;
        }
        Matcher mark = i >= 2 ? MARK.matcher(lines.get(i - 1).isBlank() ? lines.get(i - 2) : lines.get(i - 1)) : MARK.matcher("");
        List<String[]> steps = new ArrayList<>();
        int j = i + 1;
        for (; !lines.get(j).strip().equals("```"); j++) {
          String line = lines.get(j);
          if (line.startsWith("$ ")) {
            steps.add(new String[] {line.substring(2), ""});
          } else if (!steps.isEmpty()) {
            steps.get(steps.size() - 1)[1] += line + "\n";
          }
        }
        out.add(new Example(ROOT.relativize(page) + ":" + (i + 1), mark.matches() ? mark.group(1) : null, steps));
        i = j;
      }
    }
    return out;
  }

  /** Run ids, sweep ids, durations and the scratch folder read the same on the page and here. */
  private static String normalize(String text, Path scratch) {
    return text.replace(scratch.toString(), "<DIR>")
        .replaceAll("[A-Za-z0-9.-]+_\\d{8}T\\d{9}_[0-9a-f]{6}", "<ID>")
        .replaceAll("\\b\\d+(\\.\\d+)?s\\b", "<DURATION>");
  }

  /** A command line as a shell splits it (quotes, a trailing '  # comment'). */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '#' && !inWord) {
        break;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(w.toString());
    }
    return out;
  }
}
