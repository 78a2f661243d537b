package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example of README.md and docs/*.md that shows a labrun command is run, each in a scratch
 * folder of its own with a fresh labrun home and {@code LABRUN_DAEMON=0}:
 *
 * <ul>
 *   <li>a {@code console} block ({@code $ labrun ...} lines and the output printed under them):
 *       what labrun prints must be what the page shows, run ids, times, durations and the scratch
 *       folder aside;
 *   <li>a {@code bash} or {@code sh} block (command lines, {@code # comments}): every command must
 *       succeed (exit code 0).
 * </ul>
 *
 * <p>A block that types the launcher by its path ({@code bin/labrun}, {@code ../../bin/labrun})
 * runs from a copy of the checkout's root (its {@code examples/}), and the launcher it names must
 * exist there; a block that types {@code labrun} runs in a copy of the bundled example project,
 * which the pages' examples are written for. Commands run in-process, as {@code bin/labrun} runs
 * them; {@code ./mvnw ... package} is the build this test is part of. {@code <RUN>} and {@code RUN}
 * stand for the newest run id the block's commands printed; an absolute path outside the scratch
 * folder ({@code /tmp/model}) is taken inside it. Any other command fails the test.
 *
 * <p>An example that cannot run here says so on the line before it, {@code <!-- example NAME: not
 * run: why -->}, and is listed by name below, so that neither list can drift from the pages.
 */
class DocExamplesTest {
  /** Examples the pages mark as not run here, by name, with the reason the page gives. */
  private static final Map<String, String> NOT_RUN =
      Map.ofEntries(
          Map.entry(
              "sweep-on-a-terminal",
              "its lines are the live terminal view of a sweep, redrawn in place as runs end"),
          Map.entry("readme-server", "labrun server serves until it is stopped"),
          Map.entry("remote-host", "it needs a real remote host, gpu1.lab"),
          Map.entry(
              "docker-target",
              "it needs a Docker engine; DockerEnvironmentIT, DockerRunIT and DockerCleanIT run"
                  + " prepare, submit and clean on the test engine"),
          Map.entry("spark-standalone", "it needs a real Spark master, spark://head:7077"),
          Map.entry("spark-head-node", "it needs a real cluster head node, head.example.org"),
          Map.entry(
              "slurm-login-node",
              "it needs a real Slurm cluster's login node, login.hpc.example.org"),
          Map.entry("team-server-setup", "it needs a real PostgreSQL host, db.example.org"),
          Map.entry(
              "team-login", "it needs a real labrun server, labrun.example.org, and its token"),
          Map.entry("team-secrets", "it needs a password for a real remote host"),
          Map.entry("team-server", "it needs a real PostgreSQL host, db.lab, and an S3 bucket"),
          Map.entry("team-gc", "it needs the team's database and S3 bucket"),
          Map.entry("team-migrate", "it needs the team's database and S3 bucket"),
          Map.entry(
              "bench-local-submit",
              "a benchmark: minutes of hyperfine, run by hand as the page says"),
          Map.entry(
              "bench-ssh-submit",
              "a benchmark over SSH to the test hosts, run by hand as the page says"));

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern MARK =
      Pattern.compile("<!-- example ([a-z0-9-]+): not run: (.+) -->");
  private static final Pattern LAUNCHER = Pattern.compile("(\\.\\./)*(bin/|\\./)?labrun");
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9.-]+_\\d{8}T\\d{9}_[0-9a-f]{6}");
  private static final Pattern VARIABLE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");

  @TempDir Path tmp;

  /** One command line of an example, with the output the page shows under it (null: none shown). */
  record Step(String line, String expected) {}

  /** One example: where it is, its commands, and its mark if any. */
  record Example(String where, String notRunName, String notRunReason, List<Step> steps) {
    boolean typesLauncherPath() {
      return steps.stream()
          .flatMap(s -> words(s.line()).stream())
          .anyMatch(w -> LAUNCHER.matcher(w).matches() && w.contains("/"));
    }
  }

  @Test
  void everyExampleOfTheDocsRunsAsThePageShows() throws Exception {
    List<Example> examples = examples();
    assertThat(examples).as("the pages have examples").hasSizeGreaterThan(10);
    Map<String, String> marked = new HashMap<>();
    examples.stream()
        .filter(e -> e.notRunName() != null)
        .forEach(e -> marked.put(e.notRunName(), e.notRunReason()));
    assertThat(marked)
        .as("examples marked 'not run' on the pages = the list here, with the same reasons")
        .isEqualTo(NOT_RUN);
    for (Example e : examples) {
      if (e.notRunName() == null) {
        new Scratch(e).run();
      }
    }
  }

  @Test
  void commandLinesSplitAsAShellSplitsThem() {
    assertThat(words("labrun history list      # newest first"))
        .containsExactly("labrun", "history", "list");
    assertThat(words("printf '%s' \"$T\" | labrun login"))
        .containsExactly("printf", "%s", "$T", "|", "labrun", "login");
    assertThat(words("a && b > 'c d'")).containsExactly("a", "&&", "b", ">", "c d");
  }

  /** A copy of the checkout's examples with a labrun home of its own, where one example runs. */
  private final class Scratch {
    private final Example example;
    private final Path root;
    private final Path home;
    private final Map<String, String> variables = new HashMap<>();
    private Path cwd;
    private String newestRun;

    Scratch(Example example) throws IOException {
      this.example = example;
      Path dir =
          Files.createDirectories(tmp.resolve(Integer.toHexString(example.where().hashCode())));
      this.root = Files.createDirectories(dir.resolve("checkout"));
      this.home = Files.createDirectories(dir.resolve("home"));
      TestFolders.copy(ROOT.resolve("examples"), root.resolve("examples"));
      this.cwd = example.typesLauncherPath() ? root : root.resolve("examples/iris");
    }

    void run() throws IOException {
      for (Step step : example.steps()) {
        String what = example.where() + ": " + step.line();
        String printed = line(what, words(step.line()), step.expected() == null);
        if (step.expected() != null) {
          assertThat(normalize(printed)).as(what).isEqualTo(normalize(step.expected()));
        }
      }
    }

    /** Runs one command line, commands joined by {@code &&}; returns what they printed. */
    private String line(String what, List<String> words, boolean mustSucceed) throws IOException {
      StringBuilder printed = new StringBuilder();
      int from = 0;
      for (int i = 0; i <= words.size(); i++) {
        if (i == words.size() || words.get(i).equals("&&")) {
          Cli.Result r = command(what, words.subList(from, i));
          printed.append(r.out()).append(r.err());
          if (mustSucceed) {
            assertThat(r.code()).as(what + "\n" + r.out() + r.err()).isZero();
          }
          from = i + 1;
        }
      }
      return printed.toString();
    }

    /**
     * One command: variable settings, cd, the launcher with an optional {@code > FILE}, or the
     * build.
     */
    private Cli.Result command(String what, List<String> words) throws IOException {
      Map<String, String> env = new HashMap<>(variables);
      int i = 0;
      boolean export = !words.isEmpty() && words.get(0).equals("export");
      for (i = export ? 1 : 0;
          i < words.size() && words.get(i).matches("[A-Za-z_][A-Za-z0-9_]*=.*");
          i++) {
        String[] kv = expand(what, words.get(i)).split("=", 2);
        env.put(kv[0], kv[1]);
      }
      List<String> rest = words.subList(i, words.size());
      if (rest.isEmpty()) {
        variables.putAll(env);
        return new Cli.Result(0, "", "");
      }
      String name = rest.get(0);
      if (name.equals("cd") && rest.size() == 2) {
        cwd = cwd.resolve(rest.get(1)).normalize();
        assertThat(cwd).as(what + ": a folder of the checkout").isDirectory();
        return new Cli.Result(0, "", "");
      }
      if (name.equals("./mvnw") && rest.contains("package") && cwd.equals(root)) {
        assertThat(ROOT.resolve("mvnw")).as(what + ": the build").isExecutable();
        return new Cli.Result(0, "", "");
      }
      assertThat(LAUNCHER.matcher(name).matches())
          .as(
              what
                  + ": a command this test cannot run; mark its example '<!-- example NAME: not"
                  + " run: why -->'")
          .isTrue();
      if (name.contains("/")) {
        assertThat(ROOT.resolve(root.relativize(cwd.resolve(name).normalize())))
            .as(what + ": the launcher the page names")
            .isExecutable();
      }
      return labrun(what, rest.subList(1, rest.size()), env);
    }

    private Cli.Result labrun(String what, List<String> words, Map<String, String> env)
        throws IOException {
      List<String> args = new ArrayList<>();
      Path redirect = null;
      for (int i = 0; i < words.size(); i++) {
        if (words.get(i).equals(">")) {
          redirect = inside(words.get(++i));
        } else {
          args.add(argument(what, words.get(i)));
        }
      }
      Cli cli = new Cli(home).env("LABRUN_DAEMON", "0");
      env.forEach(cli::env);
      Cli.Result r = cli.in(cwd, args.toArray(String[]::new));
      Matcher ids = RUN_ID.matcher(r.out() + r.err());
      while (ids.find()) {
        newestRun = ids.group();
      }
      if (redirect != null) {
        Files.createDirectories(redirect.getParent());
        Files.writeString(redirect, r.out(), StandardCharsets.UTF_8);
        return new Cli.Result(r.code(), "", r.err());
      }
      return r;
    }

    /** A word as the command gets it: the run placeholder, variables, and paths taken inside. */
    private String argument(String what, String word) {
      if (word.equals("<RUN>") || word.equals("RUN")) {
        assertThat(newestRun).as(what + ": a run printed before " + word).isNotNull();
        return newestRun;
      }
      String expanded = expand(what, word);
      return expanded.startsWith("/") ? inside(expanded).toString() : expanded;
    }

    private String expand(String what, String word) {
      Matcher m = VARIABLE.matcher(word);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        assertThat(variables)
            .as(what + ": $" + m.group(1) + " set by a line before")
            .containsKey(m.group(1));
        m.appendReplacement(out, Matcher.quoteReplacement(variables.get(m.group(1))));
      }
      return m.appendTail(out).toString();
    }

    /** An absolute path of the page, taken inside the scratch folder ({@code /tmp/model}). */
    private Path inside(String path) {
      Path p = Path.of(path);
      return p.isAbsolute()
          ? root.resolve("absolute").resolve(p.toString().substring(1))
          : cwd.resolve(p);
    }

    /**
     * Run ids, sweep ids, times, durations and the scratch folder read the same on the page and
     * here.
     */
    private String normalize(String text) {
      return text.replace(cwd.toString(), "<DIR>")
          .replace(root.toString(), "<DIR>")
          .replaceAll(RUN_ID.pattern(), "<ID>")
          .replaceAll("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?Z?", "<TIME>")
          .replaceAll("\\b\\d+(\\.\\d+)?s\\b", "<DURATION>");
    }
  }

  /** The examples of README.md and docs/*.md that show a labrun command. */
  static List<Example> examples() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<Example> out = new ArrayList<>();
    for (Path page : pages) {
      List<String> lines = Files.readAllLines(page);
      for (int i = 0; i < lines.size(); i++) {
        String fence = lines.get(i).strip();
        if (!fence.startsWith("```")) {
          continue;
        }
        int end = i + 1;
        while (!lines.get(end).strip().equals("```")) {
          end++;
        }
        List<String> body = lines.subList(i + 1, end);
        String where = ROOT.relativize(page) + ":" + (i + 1);
        List<Step> steps =
            switch (fence.substring(3)) {
              case "console" -> consoleSteps(body);
              case "bash", "sh", "shell" -> shellSteps(body);
              default -> {
                // a command shown in a block of another kind would not be run: say so instead of
                // passing it by
                body.stream()
                    .filter(l -> l.startsWith("$ ") && namesLabrun(l.substring(2)))
                    .findFirst()
                    .ifPresent(
                        l -> {
                          throw new AssertionError(
                              where
                                  + ": '"
                                  + l
                                  + "' in a block that is not console; write it as a console"
                                  + " block");
                        });
                yield List.<Step>of();
              }
            };
        if (steps.stream().anyMatch(s -> namesLabrun(s.line()))) {
          Matcher mark =
              MARK.matcher(
                  (i >= 2 && lines.get(i - 1).isBlank()
                          ? lines.get(i - 2)
                          : i >= 1 ? lines.get(i - 1) : "")
                      .strip());
          boolean marked = mark.matches();
          out.add(
              new Example(
                  where, marked ? mark.group(1) : null, marked ? mark.group(2) : null, steps));
        }
        i = end;
      }
    }
    return out;
  }

  /** {@code $ } lines and the output under each. */
  private static List<Step> consoleSteps(List<String> body) {
    List<Step> steps = new ArrayList<>();
    StringBuilder output = null;
    String line = null;
    for (String l : body) {
      if (l.startsWith("$ ")) {
        if (line != null) {
          steps.add(new Step(line, output.toString()));
        }
        line = l.substring(2);
        output = new StringBuilder();
      } else if (line != null) {
        output.append(l).append('\n');
      }
    }
    if (line != null) {
      steps.add(new Step(line, output.toString()));
    }
    return steps;
  }

  /** Command lines, a trailing backslash continuing one; comment lines and blank lines aside. */
  private static List<Step> shellSteps(List<String> body) {
    List<Step> steps = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String l : body) {
      String s = l.strip();
      if (line.isEmpty() && (s.isEmpty() || s.startsWith("#"))) {
        continue;
      }
      if (s.endsWith("\\")) {
        line.append(s, 0, s.length() - 1).append(' ');
      } else {
        steps.add(new Step(line.append(s).toString(), null));
        line.setLength(0);
      }
    }
    return steps;
  }

  private static boolean namesLabrun(String line) {
    List<String> words = words(line);
    for (int i = 0; i < words.size(); i++) {
      boolean commandWord =
          i == 0
              || List.of("&&", "|").contains(words.get(i - 1))
              || words.get(i - 1).matches("[A-Za-z_][A-Za-z0-9_]*=.*");
      if (commandWord && LAUNCHER.matcher(words.get(i)).matches()) {
        return true;
      }
    }
    return false;
  }

  /** A command line as a shell splits it (quotes, a trailing ' # comment'). */
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
