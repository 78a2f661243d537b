package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a clumsy user or an attacker can give the CLI: malformed and hostile files, bad arguments
 * for every command, unreachable hosts, a dead Docker engine. Each case, run in-process against a
 * history that holds runs, must end with a non-zero exit that is not an internal error, one to
 * three lines on stderr, no stack trace or Python traceback, and the history exactly as it was.
 */
class BadInputCorpusIT {
  @TempDir static Path tmp;
  static Cli cli;
  static Path base;
  static String run;
  static int closedPort;
  static HttpServer notLabrun;
  static int caseNo;

  /**
   * One command line per row; {@code $P} is the case's own copy of the project, {@code $RUN} a run
   * in the history, {@code $T} a scratch folder, {@code $CLOSED} a closed port on 127.0.0.1 and
   * {@code $WEB} a web server that is not labrun. Leading {@code NAME=VALUE} words set variables.
   */
  private static final String COMMAND_LINES =
      """
      bogus
      --bogus
      experiment
      experiment bogus
      experiment submit
      experiment submit --bogus
      experiment submit -c nosuch hello.py
      experiment submit -c local nosuch.py
      experiment submit -c local ../outside.py
      experiment submit -c local /etc/passwd
      experiment submit -c local aml_config
      experiment submit -c 'bad name!' hello.py
      experiment submit -c ../../etc/passwd hello.py
      experiment submit -c local --timeout xyz hello.py
      experiment submit -c local --timeout -5s hello.py
      experiment submit -c local --retries -1 hello.py
      experiment submit -c local --retries many hello.py
      experiment submit -c local -o yaml hello.py
      experiment submit -c local --query '[' hello.py
      experiment submit -p $T/nowhere -c local hello.py
      experiment submit -p /etc -c local hello.py
      LABRUN_LOG_LIMIT_BYTES=abc experiment submit -c local hello.py
      LABRUN_LOG_LIMIT_BYTES=-1 experiment submit -c local hello.py
      LABRUN_LOG_LIMIT_BYTES=99999999999999999999999 experiment submit -c local hello.py
      DOCKER_HOST=unix:///nonexistent/docker.sock experiment prepare -c docker
      DOCKER_HOST=tcp://127.0.0.1:$CLOSED experiment prepare -c docker
      DOCKER_HOST=bogus://x experiment prepare -c docker
      submit
      submit -c nosuch hello.py
      experiment sweep
      experiment sweep -c local hello.py
      experiment sweep -c local hello.py --grid
      experiment sweep -c local hello.py --grid reg
      experiment sweep -c local hello.py --grid reg=
      experiment sweep -c local hello.py --grid =1,2
      experiment sweep -c local hello.py --grid reg=1,2 --grid reg=3
      experiment sweep -c local hello.py --grid reg=1,2 --parallel 0
      experiment sweep -c local hello.py --grid reg=1,2 --parallel -3
      experiment sweep -c local hello.py --grid reg=1,2 --parallel lots
      experiment sweep -c local hello.py --random 0 --grid reg=1,2
      experiment sweep -c local hello.py --random -1 --grid reg=1,2
      experiment sweep -c local hello.py --grid reg=1,2 --goal sideways --primary-metric loss
      experiment sweep -c local hello.py --grid reg=1,2 --goal max
      experiment sweep -c local hello.py --grid reg=1,2 --stop-when 'loss <'
      experiment sweep -c local hello.py --grid reg=1,2 --stop-when 'nonsense'
      experiment sweep -c local hello.py --grid reg=1,2 --seed x
      experiment sweep -c local hello.py --grid reg=1,2 --timeout forever
      experiment sweep -c nosuch hello.py --grid reg=1,2
      experiment sweep -c local nosuch.py --grid reg=1,2
      experiment sweep --resume nosuch
      experiment sweep --resume nosuch -c local
      experiment sweep --resume
      history rebuild
      history rebuild --bogus
      LABRUN_SERVER=http://127.0.0.1:$CLOSED experiment sweep -c local hello.py --grid reg=1,2
      experiment prepare
      experiment prepare -c nosuch
      experiment prepare -c 'a/b'
      experiment status
      experiment status -r nosuch
      experiment status -r '../../etc/passwd'
      experiment status -r $RUN --query 'abs(@)'
      experiment status -r $RUN --query '(((('
      experiment status -r $RUN -o xml
      experiment logs
      experiment logs -r nosuch
      experiment logs -r '../../../etc'
      experiment cancel
      experiment cancel -r nosuch
      experiment cancel --sweep nosuch
      experiment cancel -r $RUN --sweep x
      experiment clean --bogus
      history bogus
      history list -n -1
      history list -n abc
      history list -n 0
      history list --status Sideways
      history list --status ,
      history list --since yesterday-ish
      history list --until 2026-13-45
      history list --after nosuch
      history list --sweep nosuch -o xml
      history list --query 'abs(@)'
      history list --query 'length(`5`)'
      history list --query '[?'
      history list --query 'foo(@)'
      history list -p $T/nowhere
      history info
      history info -r nosuch
      history info -r '../../etc/passwd'
      history info -r $RUN --query 'abs(@)'
      history info -r $RUN --query 'to_number(@) + 1'
      history info -r $RUN --query 'sort_by(@, &x)'
      history info -r $RUN -o csv
      history download
      history download -r nosuch -d $T/dl1
      history download -r $RUN -d /proc/nope
      history download -r $RUN -a outputs/nosuch -d $T/dl2
      history download -r $RUN -a ../../etc/passwd -d $T/dl3
      history download -r $RUN -d /etc/passwd
      history restore
      history restore -r nosuch -d $T/rs1
      history restore -r $RUN -d /etc
      history restore -r $RUN -d $P
      history restore -r $RUN -d /etc/passwd
      history compare
      history compare $RUN
      history compare $RUN nosuch
      history compare $RUN $RUN --goal sideways
      history compare --sweep nosuch
      history compare --sweep nosuch --goal up
      history compare $RUN $RUN --query 'abs(@)'
      history promote
      history promote -r nosuch -ap outputs/model.pkl -n m
      history promote -r $RUN -ap outputs/nosuch.pkl -n m
      history promote -r $RUN -ap ../../etc/passwd -n m
      history promote -r $RUN -ap outputs/model.pkl
      history delete
      history delete -r nosuch
      history delete -r ../x
      computetarget
      computetarget bogus
      computetarget attach
      computetarget attach --name x
      computetarget attach --name x --type sideways
      computetarget attach --name 'bad name' --type remote --address 127.0.0.1
      computetarget attach --name ../x --type remote --address 127.0.0.1
      computetarget attach --name local --type local
      computetarget attach --name r1 --type remote
      computetarget attach --name r1 --type remote --address ''
      computetarget attach --name r1 --type remote --address 'host name'
      computetarget attach --name r1 --type remote --address 127.0.0.1 --port 0
      computetarget attach --name r1 --type remote --address 127.0.0.1 --port 70000
      computetarget attach --name r1 --type remote --address 127.0.0.1 --port x
      computetarget attach --name r1 --type remote --address 127.0.0.1:99999 --username u --ssh-agent
      computetarget attach --name r1 --type remote --address 127.0.0.1 --port $CLOSED --username u --ssh-agent --accept-new-host-key
      computetarget attach --name r1 --type remotedocker --address 127.0.0.1 --port $CLOSED --username u --generate-ssh-key --accept-new-host-key
      computetarget attach --name r1 --type remote --address 127.0.0.1 --username u --ssh-key /nonexistent/key
      computetarget attach --name r1 --type remote --address 127.0.0.1 --username u --password-stdin
      computetarget attach --name r1 --type remote --address 127.0.0.1 --username u --ssh-agent --ssh-key x
      computetarget attach --name r1 --type cluster --address 127.0.0.1 --username u --ssh-agent --spark-master 'not a url' --no-connect
      computetarget attach --name r1 --type remote --address 127.0.0.1 --port $CLOSED --username u --ssh-agent --host-key-fingerprint SHA256:WRONG
      computetarget show
      computetarget show nosuch
      computetarget show '../../etc/passwd'
      computetarget show local --query 'abs(@)'
      computetarget show local -o toml
      computetarget detach
      computetarget detach nosuch
      computetarget detach '..'
      runconfiguration
      runconfiguration create
      runconfiguration create --name x
      runconfiguration create --name x --target nosuch
      runconfiguration create --name 'bad name' --target local
      runconfiguration create --name x --target local --framework Cobol
      runconfiguration create --name x --target local --env NOEQUALS
      runconfiguration create --name x --target local --env =value
      runconfiguration create --name x --target local --prepare-environment maybe
      runconfiguration create --name x --target local --tracked perhaps
      runconfiguration create --name x --target local --conda-file /etc/shadow
      runconfiguration create --name x --target local --conda-file ../../../etc/passwd
      runconfiguration create --name local --target local
      runconfiguration show
      runconfiguration show nosuch
      runconfiguration show local --query 'abs(@)'
      project init /proc/nope
      project init /etc/passwd
      login
      login --server not-a-url
      login --server ftp://example.org
      login --server http://127.0.0.1:$CLOSED
      login --server $WEB
      LABRUN_SERVER=http://127.0.0.1:$CLOSED history list
      LABRUN_SERVER=http://127.0.0.1:$CLOSED history info -r $RUN
      LABRUN_SERVER=not-a-url history list
      LABRUN_SERVER=$WEB history list
      server --port -1
      server --port 99999
      server --bind 'not an address'
      server --store jdbc:mysql://x/y
      server --store jdbc:postgresql://127.0.0.1:$CLOSED/db
      server --runs-per-target 0
      server token
      server token bogus
      server token revoke
      server token revoke nosuch
      server secret
      server secret bogus
      daemon bogus
      """;

  /**
   * A local target that reads its conda file (labrun's venv); a plain local one reads none, as the
   * original.
   */
  private static final String LOCAL_VENV = "type: local\nlabrunLocalVenv: true\n";

  /** Hostile and broken files, each met by the command that reads it. */
  static List<Case> fileCases() {
    String big = "x".repeat(10 << 20);
    String nested = "[".repeat(5000) + "]".repeat(5000);
    String parentheses = "(".repeat(5000) + "@" + ")".repeat(5000);
    return List.of(
        new Case("history list, a query with 5,000 nested parentheses")
            .args("history list --query '" + parentheses + "'"),
        new Case("submit, a query with 5,000 nested parentheses")
            .args("experiment submit -c local --query '" + parentheses + "' hello.py"),
        new Case("a .compute that is a link to /dev/zero")
            .link("aml_config/z.compute", "/dev/zero")
            .args("computetarget show z"),
        new Case("a .runconfig that is a link to /dev/zero")
            .link("aml_config/z.runconfig", "/dev/zero")
            .args("experiment submit -c z hello.py"),
        new Case("a .compute with a 10 MB value")
            .file("aml_config/big.compute", "type: remote\naddress: " + big + "\n")
            .args("computetarget show big"),
        new Case("a .runconfig of 10 MB")
            .file("aml_config/big.runconfig", "Target: local\nDescription: " + big + "\n")
            .args("experiment submit -c big hello.py"),
        new Case("a conda file of 10 MB")
            .file("aml_config/conda_dependencies.yml", "name: " + big + "\n")
            .file("aml_config/venv.compute", LOCAL_VENV)
            .file("aml_config/venv.runconfig", "Target: venv\n")
            .args("experiment submit -c venv hello.py"),
        new Case("a .compute nested 5,000 deep")
            .file("aml_config/deep.compute", "type: " + nested + "\n")
            .args("computetarget show deep"),
        new Case("a .runconfig in JSON nested 5,000 deep")
            .file("aml_config/deep.runconfig", "{\"Target\": " + nested + "}")
            .args("experiment submit -c deep hello.py"),
        new Case("a .compute that is a folder")
            .dir("aml_config/f.compute")
            .args("computetarget show f"),
        new Case("a .compute that is a dangling link")
            .link("aml_config/d.compute", "/nonexistent/x")
            .args("computetarget show d"),
        new Case("a .compute with a NUL byte")
            .file("aml_config/n.compute", "type: remote\u0000\naddress: x\n")
            .args("computetarget show n"),
        new Case("a .compute of binary bytes")
            .bytes(
                "aml_config/b.compute", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0x80})
            .args("computetarget show b"),
        new Case("CondaDependenciesFile /etc/shadow")
            .file("aml_config/venv.compute", LOCAL_VENV)
            .file("aml_config/s.runconfig", "Target: venv\nCondaDependenciesFile: /etc/shadow\n")
            .args("experiment submit -c s hello.py"),
        new Case("CondaDependenciesFile ../../../etc/passwd")
            .file("aml_config/venv.compute", LOCAL_VENV)
            .file(
                "aml_config/s.runconfig",
                "Target: venv\nCondaDependenciesFile: ../../../etc/passwd\n")
            .args("experiment submit -c s hello.py"),
        new Case("CondaDependenciesFile a link out of the project")
            .link("aml_config/out.yml", "/etc/passwd")
            .file("aml_config/venv.compute", LOCAL_VENV)
            .file(
                "aml_config/s.runconfig",
                "Target: venv\nCondaDependenciesFile: aml_config/out.yml\n")
            .args("experiment submit -c s hello.py"),
        new Case("SparkDependenciesFile /etc/passwd")
            .file(
                "aml_config/s.runconfig",
                "Target: local\nFramework: PySpark\nSparkDependenciesFile: /etc/passwd\n")
            .args("experiment submit -c s hello.py"),
        new Case("the script a link out of the project")
            .link("evil.py", "/etc/passwd")
            .args("experiment submit -c local evil.py"),
        new Case("the script a link to /dev/zero")
            .link("zero.py", "/dev/zero")
            .args("experiment submit -c local zero.py"),
        new Case("an environment variable name with =")
            .file(
                "aml_config/e.runconfig",
                "Target: local\nEnvironmentVariables:\n  \"A=B\": \"1\"\n")
            .args("experiment submit -c e hello.py"),
        new Case("an empty environment variable name")
            .file("aml_config/e.runconfig", "Target: local\nEnvironmentVariables:\n  \"\": \"1\"\n")
            .args("experiment submit -c e hello.py"),
        new Case("a remote .compute without address")
            .file("aml_config/r.compute", "type: remote\nusername: u\n")
            .file("aml_config/r.runconfig", "Target: r\n")
            .args("experiment submit -c r hello.py"),
        new Case("a remote host on a closed port")
            .file(
                "aml_config/r.compute",
                "type: remote\naddress: 127.0.0.1\nport: $CLOSED\nusername: u\n")
            .file("aml_config/r.runconfig", "Target: r\n")
            .args("experiment prepare -c r"),
        new Case("a remotedocker host on a closed port")
            .file(
                "aml_config/r.compute",
                "type: remotedocker\naddress: 127.0.0.1\nport: $CLOSED\nusername: u\n")
            .file("aml_config/r.runconfig", "Target: r\n")
            .args("experiment prepare -c r"),
        new Case("a runconfig naming a missing target")
            .file("aml_config/m.runconfig", "Target: nosuch\n")
            .args("experiment submit -c m hello.py"),
        new Case("a runconfig whose target is a path")
            .file("aml_config/m.runconfig", "Target: ../../etc/passwd\n")
            .args("experiment submit -c m hello.py"),
        new Case("a conda file that is a list")
            .file("aml_config/conda_dependencies.yml", "- a\n- b\n")
            .file("aml_config/venv.compute", LOCAL_VENV)
            .file("aml_config/venv.runconfig", "Target: venv\n")
            .args("experiment submit -c venv hello.py"),
        new Case("a conda file with a billion laughs")
            .file(
                "aml_config/conda_dependencies.yml", "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n")
            .file("aml_config/venv.compute", LOCAL_VENV)
            .file("aml_config/venv.runconfig", "Target: venv\n")
            .args("experiment submit -c venv hello.py"),
        new Case("aml_config is a file")
            .removeConfig()
            .file("aml_config", "not a folder")
            .args("experiment submit -c local hello.py"),
        new Case("a .compute with a 100,000-character key")
            .file("aml_config/k.compute", "type: local\n" + "k".repeat(100_000) + ": 1\n")
            .args("computetarget show k"),
        new Case("a sweep on a remote .compute without address")
            .file("aml_config/r.compute", "type: remote\nusername: u\n")
            .file("aml_config/r.runconfig", "Target: r\n")
            .args("experiment sweep -c r hello.py --grid a=1,2"));
  }

  @BeforeAll
  static void aHistoryWithRuns() throws Exception {
    cli = new Cli(tmp);
    assertThat(cli.in(tmp, "project", "init", "base").code()).isZero();
    base = tmp.resolve("base");
    Files.writeString(
        base.resolve("hello.py"),
        "import os\n"
            + "os.makedirs('outputs', exist_ok=True)\n"
            + "open('outputs/model.pkl', 'w').write('m')\n"
            + "print('hello')\n");
    for (int i = 0; i < 2; i++) {
      Cli.Result r = cli.in(base, "experiment", "submit", "-c", "local", "hello.py");
      assertThat(r.code()).as(r.toString()).isZero();
    }
    run =
        cli.in(base, "history", "list", "-n", "1", "-o", "json", "--query", "[0].run_id")
            .out()
            .strip()
            .replace("\"", "");
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    notLabrun = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    notLabrun.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    notLabrun.start();
  }

  @AfterAll
  static void stop() {
    notLabrun.stop(0);
  }

  static Stream<Case> cases() {
    List<Case> all = new ArrayList<>();
    COMMAND_LINES
        .lines()
        .map(String::strip)
        .filter(l -> !l.isEmpty())
        .forEach(l -> all.add(new Case(l).args(l)));
    all.addAll(fileCases());
    return all.stream();
  }

  @Test
  void atLeast150DistinctCases() {
    assertThat(cases().map(Case::name).distinct().count()).isGreaterThanOrEqualTo(150);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedInOneToThreeLinesWithTheHistoryUntouched(Case c) throws Exception {
    Path project = tmp.resolve("case" + (++caseNo));
    copy(base, project);
    c.prepare(project);
    List<String> before = history();
    Cli.Result r = c.run(project);
    assertThat(r.code()).as(r.toString()).isNotZero().isNotEqualTo(70);
    List<String> lines = r.err().strip().lines().toList();
    assertThat(lines).as(r.toString()).hasSizeBetween(1, 3);
    assertThat(r.err() + r.out())
        .as(r.toString())
        .doesNotContain("Exception")
        .doesNotContain("\tat ")
        .doesNotContain("at io.")
        .doesNotContain("Traceback");
    assertThat(r.err().length()).as(r.toString()).isLessThan(1500);
    assertThat(history()).as(r.toString()).containsExactlyElementsOf(before);
  }

  /** Every row of every table of the history database, and the run folders. */
  static List<String> history() throws SQLException, IOException {
    StringBuilder b = new StringBuilder();
    Path data = tmp.resolve("labrun/data");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("labrun.db"));
        Statement s = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        b.append("table ").append(t).append('\n');
        try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + t + "\" ORDER BY 1")) {
          ResultSetMetaData md = rs.getMetaData();
          while (rs.next()) {
            for (int i = 1; i <= md.getColumnCount(); i++) {
              b.append(rs.getString(i)).append('|');
            }
            b.append('\n');
          }
        }
      }
    }
    try (Stream<Path> runs = Files.list(data.resolve("runs"))) {
      runs.map(p -> p.getFileName().toString())
          .sorted()
          .forEach(n -> b.append("folder ").append(n).append('\n'));
    }
    return b.toString().lines().toList();
  }

  private static void copy(Path from, Path to) throws IOException {
    TestFolders.copy(from, to);
  }

  static String expand(String s, Path project) {
    return s.replace("$P", project.toString())
        .replace("$RUN", run)
        .replace("$T", tmp.toString())
        .replace("$CLOSED", Integer.toString(closedPort))
        .replace("$WEB", "http://127.0.0.1:" + notLabrun.getAddress().getPort());
  }

  /** Words as a shell splits them, with '...' quoting. */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = null;
    boolean quoted = false;
    for (char ch : line.toCharArray()) {
      if (ch == '\'') {
        quoted = !quoted;
        w = w == null ? new StringBuilder() : w;
      } else if (ch == ' ' && !quoted) {
        if (w != null) {
          out.add(w.toString());
          w = null;
        }
      } else {
        w = w == null ? new StringBuilder() : w;
        w.append(ch);
      }
    }
    if (w != null) {
      out.add(w.toString());
    }
    return out;
  }

  /** One bad input: the files to put in the project first, and the command line. */
  static final class Case {
    private final String name;
    private final Map<String, byte[]> files = new LinkedHashMap<>();
    private final Map<String, String> links = new LinkedHashMap<>();
    private final List<String> dirs = new ArrayList<>();
    private boolean removeConfig;
    private String line;

    Case(String name) {
      this.name = name;
    }

    String name() {
      return name;
    }

    Case file(String path, String content) {
      files.put(path, content.getBytes(StandardCharsets.UTF_8));
      return this;
    }

    Case bytes(String path, byte[] content) {
      files.put(path, content);
      return this;
    }

    Case link(String path, String target) {
      links.put(path, target);
      return this;
    }

    Case dir(String path) {
      dirs.add(path);
      return this;
    }

    Case removeConfig() {
      removeConfig = true;
      return this;
    }

    Case args(String commandLine) {
      this.line = commandLine;
      return this;
    }

    void prepare(Path project) throws IOException {
      if (removeConfig) {
        try (Stream<Path> all = Files.walk(project.resolve("aml_config"))) {
          all.sorted(Comparator.reverseOrder())
              .forEach(
                  p -> {
                    try {
                      Files.delete(p);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
        }
      }
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        byte[] content = f.getValue();
        if (content.length < 4096 && isUtf8(content)) {
          content =
              expand(new String(content, StandardCharsets.UTF_8), project)
                  .getBytes(StandardCharsets.UTF_8);
        }
        Files.write(project.resolve(f.getKey()), content);
      }
      for (Map.Entry<String, String> l : links.entrySet()) {
        Files.createSymbolicLink(project.resolve(l.getKey()), Path.of(l.getValue()));
      }
      for (String d : dirs) {
        Files.createDirectories(project.resolve(d));
      }
    }

    private static boolean isUtf8(byte[] b) {
      try {
        StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b));
        return true;
      } catch (CharacterCodingException e) {
        return false;
      }
    }

    Cli.Result run(Path project) {
      Cli runner = new Cli(tmp).env("LABRUN_DAEMON", "0");
      List<String> w = words(expand(line, project));
      int i = 0;
      while (i < w.size() && w.get(i).matches("[A-Z_]+=.*")) {
        String[] kv = w.get(i).split("=", 2);
        runner.env(kv[0], kv[1]);
        i++;
      }
      return runner.in(project, w.subList(i, w.size()).toArray(String[]::new));
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
