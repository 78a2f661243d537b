package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that once got through (issue 13): files outside the project read and echoed, internal
 * errors for files and queries a user can give, and answers that did not say what was wrong. Each
 * is one line, with a bad-input exit code, and nothing recorded.
 */
class HostileInputTest {
  @TempDir Path tmp;
  Cli cli;
  Path project;

  @BeforeEach
  void init() throws Exception {
    cli = new Cli(tmp);
    assertThat(cli.in(tmp, "project", "init", "p").code()).isZero();
    project = tmp.resolve("p");
    Files.writeString(project.resolve("train.py"), "print('never runs')\n");
  }

  private Cli.Result oneLine(Cli.Result r, int code, String... contains) {
    assertThat(r.code()).as(r.toString()).isEqualTo(code);
    assertThat(r.err().strip().lines().count()).as(r.toString()).isEqualTo(1);
    assertThat(r.err())
        .as(r.toString())
        .contains(contains)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(tmp.resolve("labrun/data/runs")).doesNotExist();
    return r;
  }

  private Cli.Result submitWithCondaFile(String file) throws Exception {
    // A plain local target reads no conda file (it installs nothing); one with labrun's venv does.
    Files.writeString(
        project.resolve("aml_config/venv.compute"), "type: local\nlabrunLocalVenv: true\n");
    Files.writeString(
        project.resolve("aml_config/s.runconfig"),
        "Target: venv\nCondaDependenciesFile: " + file + "\n");
    return cli.in(project, "experiment", "submit", "-c", "s", "train.py");
  }

  @Test
  void dependencyFilesOutsideTheProjectAreNeverRead() throws Exception {
    for (String file : new String[] {"/etc/shadow", "../../../etc/passwd"}) {
      Cli.Result r =
          oneLine(
              submitWithCondaFile(file),
              2,
              "CondaDependenciesFile " + file + " is outside the project");
      assertThat(r.err()).doesNotContain("root:");
    }
    Files.createSymbolicLink(project.resolve("aml_config/linked.yml"), Path.of("/etc/passwd"));
    Cli.Result linked =
        oneLine(
            submitWithCondaFile("aml_config/linked.yml"),
            2,
            "CondaDependenciesFile aml_config/linked.yml is outside the project");
    assertThat(linked.err()).doesNotContain("root:");
    Files.writeString(
        project.resolve("aml_config/k.runconfig"),
        "Target: local\nFramework: PySpark\nSparkDependenciesFile: /etc/passwd\n");
    oneLine(
        cli.in(project, "experiment", "submit", "-c", "k", "train.py"),
        2,
        "SparkDependenciesFile /etc/passwd is outside the project");
    oneLine(
        cli.in(
            project,
            "runconfiguration",
            "create",
            "--name",
            "x",
            "--target",
            "local",
            "--conda-file",
            "/etc/shadow"),
        2,
        "--conda-file /etc/shadow is outside the project");
    Files.createSymbolicLink(project.resolve("evil.py"), Path.of("/etc/passwd"));
    oneLine(
        cli.in(project, "experiment", "submit", "-c", "local", "evil.py"),
        2,
        "script evil.py is outside the project");
  }

  @Test
  void aForeignFileInTheProjectIsQuotedInShortEscapedExcerptsOnly() throws Exception {
    String line = "root:x:0:0:" + "r".repeat(200) + ":/root:/bin/bash";
    Files.writeString(
        project.resolve("aml_config/conda_dependencies.yml"),
        line + "\n" + line.replace("root", "toor") + "\n");
    Cli.Result r = cli.in(project, "experiment", "submit", "-c", "local", "train.py");
    assertThat(r.err()).as(r.toString()).doesNotContain("r".repeat(61)).doesNotContain(line);
  }

  @Test
  void oversizedAndEndlessConfigFilesAreRefusedBeforeParsing() throws Exception {
    Files.createSymbolicLink(project.resolve("aml_config/zero.compute"), Path.of("/dev/zero"));
    oneLine(
        cli.in(project, "computetarget", "show", "zero"),
        2,
        "aml_config/zero.compute: it is not a regular file");
    Files.writeString(
        project.resolve("aml_config/big.compute"),
        "type: remote\naddress: " + "x".repeat(10 << 20) + "\n");
    oneLine(
        cli.in(project, "computetarget", "show", "big"),
        2,
        "aml_config/big.compute is larger than 1 MiB");
  }

  @Test
  void queriesThatDoNotFitOrNestTooDeepAreBadInput() {
    oneLine(
        cli.in(project, "computetarget", "show", "local", "--query", "abs(@)"),
        2,
        "--query 'abs(@)' does not fit this result");
    String deep = "(".repeat(5000) + "@" + ")".repeat(5000);
    oneLine(
        cli.in(project, "computetarget", "show", "local", "--query", deep),
        2,
        "nests brackets more than 100 deep");
    oneLine(
        cli.in(project, "experiment", "submit", "-c", "local", "--query", "[", "train.py"),
        2,
        "is not a valid JMESPath expression");
  }

  @Test
  void aMissingCondaFileIsAnErrorWhenTheEnvironmentIsToBeBuilt() throws Exception {
    Files.delete(project.resolve("aml_config/conda_dependencies.yml"));
    String says =
        "aml_config/docker.runconfig says PrepareEnvironment: true, but its CondaDependenciesFile"
            + " aml_config/conda_dependencies.yml does not exist";
    oneLine(cli.in(project, "experiment", "prepare", "-c", "docker"), 2, says);
    oneLine(cli.in(project, "experiment", "submit", "-c", "docker", "train.py"), 2, says);
  }

  @Test
  void aRecordedRunThatCannotStartEndsFailedWithTheReason() {
    Cli.Result r =
        cli.env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
            .in(project, "experiment", "submit", "-c", "docker", "train.py");
    assertThat(r.code()).as(r.toString()).isEqualTo(5);
    String id =
        cli.in(project, "history", "list", "-o", "json", "--query", "[0].run_id")
            .out()
            .strip()
            .replace("\"", "");
    Cli.Result info =
        cli.in(
            project,
            "history",
            "info",
            "-r",
            id,
            "-o",
            "json",
            "--query",
            "[status, status_detail]");
    assertThat(info.out())
        .as(info.toString())
        .contains("Failed")
        .contains("cannot reach the Docker engine");
  }

  @Test
  void unclearAnswersSayWhatIsWrong() throws Exception {
    oneLine(
        cli.in(project, "history", "compare", "a", "b", "--goal", "sideways"),
        2,
        "--goal must be max or min, got 'sideways'");
    oneLine(
        cli.env("LABRUN_SERVER", "http://127.0.0.1:9")
            .env("LABRUN_TOKEN", "t")
            .in(project, "experiment", "sweep", "-c", "local", "train.py", "--grid", "a=1,2"),
        2,
        "'experiment sweep' works on this machine's history only");
    HttpServer web =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    web.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    web.start();
    try {
      String url = "http://127.0.0.1:" + web.getAddress().getPort();
      Cli.Result login = new Cli(tmp).run(project, "token\n", "login", "--server", url);
      oneLine(login, 6, url + " is not a labrun server (it answered HTTP 404");
    } finally {
      web.stop(0);
    }
  }
}
