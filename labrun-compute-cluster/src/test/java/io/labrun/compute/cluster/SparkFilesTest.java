package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files a cluster run keeps in its state folder: the submission, the application record, the
 * py-files zip.
 */
class SparkFilesTest {
  @TempDir Path tmp;

  @Test
  void submissionRoundTrip() throws Exception {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.app.name", "Classifying \"Iris\"");
    conf.put("spark.yarn.maxAppAttempts", "1");
    SparkSubmission s =
        new SparkSubmission(
            "p_1_a",
            "/opt/spark",
            "/opt/spark/bin/spark-submit",
            "yarn",
            null,
            "/work",
            List.of("--class", "Main"),
            conf,
            List.of("https://repo.example.org/maven"),
            List.of("g:a:1"),
            List.of("/state/py-files.zip"),
            true,
            "app.jar",
            List.of("in put", "--flag"),
            null,
            "cluster",
            List.of("GREETING", "LABRUN_RUN_ID"));
    s.write(tmp);
    assertThat(SparkSubmission.in(tmp)).contains(s);
    assertThat(SparkSubmission.in(tmp.resolve("nothing"))).isEmpty();
  }

  @Test
  void applicationRecordIsReplacedWhole() throws Exception {
    assertThat(SparkApp.read(tmp)).isEmpty();
    new SparkApp(null, "CONNECTED", 1, null, null).write(tmp);
    new SparkApp("app-20261126185825-0003", "RUNNING", 2, null, null).write(tmp);
    assertThat(SparkApp.read(tmp))
        .contains(new SparkApp("app-20261126185825-0003", "RUNNING", 2, null, null));
    SparkApp onYarn =
        new SparkApp(
            "application_1_0001",
            "RUNNING",
            3,
            "http://rm:8088",
            "http://rm:8088/proxy/application_1_0001/");
    onYarn.write(tmp);
    assertThat(SparkApp.read(tmp)).contains(onYarn);
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("spark.json");
    }
  }

  @Test
  void pyFilesZipHoldsTheProjectsPythonButNotItsOutputs() throws Exception {
    Path work = tmp.resolve("work");
    Files.createDirectories(work.resolve("pkg"));
    Files.createDirectories(work.resolve("outputs"));
    Files.writeString(work.resolve("train.py"), "import pkg.util\n");
    Files.writeString(work.resolve("pkg/__init__.py"), "");
    Files.writeString(work.resolve("pkg/util.py"), "X = 1\n");
    Files.writeString(work.resolve("outputs/generated.py"), "");
    Files.writeString(work.resolve("data.csv"), "a,b\n");
    Path zip = tmp.resolve("py-files.zip");
    assertThat(PyFiles.zip(work, "train.py", zip)).isTrue();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      assertThat(z.stream().map(e -> e.getName()))
          .containsExactly("pkg/__init__.py", "pkg/util.py", "train.py");
    }
    Path single = tmp.resolve("single");
    Files.createDirectories(single);
    Files.writeString(single.resolve("train.py"), "print(1)\n");
    assertThat(PyFiles.zip(single, "train.py", tmp.resolve("none.zip")))
        .as("the script alone: Spark ships it")
        .isFalse();
    assertThat(tmp.resolve("none.zip")).doesNotExist();
  }
}
