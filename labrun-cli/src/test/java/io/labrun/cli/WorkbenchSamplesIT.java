package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.history.RunStore;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The original's public sample projects ({@code ../shared/samples}), copied unchanged, run from
 * their own folders with their own {@code aml_config/}: {@code labrun experiment submit -c local
 * SCRIPT}, as their READMEs say. Their {@code local.compute} names a bare {@code python}: the
 * user's PATH gives one with scikit-learn, pandas and matplotlib (Debian's Python 3 and its
 * packages).
 */
class WorkbenchSamplesIT {
  /**
   * Where the samples are kept: {@code shared/samples} beside the checkout (as CI lays it out; for
   * a git worktree, beside its main checkout), or the folder the system property {@code
   * labrun.samples} names.
   */
  static final Path SAMPLES =
      Path.of(
          System.getProperty(
              "labrun.samples",
              mainCheckout().resolveSibling("shared").resolve("samples").toString()));

  /**
   * The checkout's top folder (the nearest folder up that holds {@code mvnw}), or a worktree's main
   * one.
   */
  private static Path mainCheckout() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
    }
    Path git = dir.resolve(".git");
    try {
      if (Files.isRegularFile(git)) { // a worktree: "gitdir: MAIN/.git/worktrees/NAME"
        Path gitdir = Path.of(Files.readString(git).strip().substring("gitdir:".length()).strip());
        return gitdir.getParent().getParent().getParent();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  @TempDir Path tmp;
  Cli cli;

  @BeforeEach
  void init() throws Exception {
    cli =
        new Cli(tmp)
            .env(
                "PATH",
                LocalInterpreterIT.userBin(tmp) + File.pathSeparator + System.getenv("PATH"));
  }

  @Test
  void linearRegressionSavesItsPlotIntoOutputs() throws Exception {
    Path lr = sample("lr");
    Cli.Result r = cli.in(lr, "experiment", "submit", "-c", "local", "linear_reg.py");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Coefficient: ").contains("R-squared: ");
    Run run = completed(r);
    try (RunStore store = store()) {
      assertThat(store.artifacts(run.id()))
          .extracting(a -> a.path())
          .containsExactly("outputs/lin.png");
    }
    assertThat(lr.resolve("outputs")).as("the sample's folder is untouched").doesNotExist();
  }

  @Test
  void irisSharedFolderLogsItsMetricsAndKeepsItsModelInTheSharedFolder() throws Exception {
    Path iris = sample("iris");
    Cli.Result r =
        cli.in(iris, "experiment", "submit", "-c", "local", "iris_sklearn_shared_folder.py", "0.1");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Regularization rate is 0.1").contains("Predicted class is ");
    Run run = completed(r);
    try (RunStore store = store()) {
      assertThat(store.metricSummaries(run.id()).get("Regularization Rate").last().value())
          .isEqualTo(0.1);
      assertThat(store.metricSummaries(run.id()).get("Accuracy").last().value())
          .isBetween(0.9, 1.0);
    }
    // nativeSharedDirectory: "~/.azureml/share/" is the user's, one folder per project, and
    // outlives the run.
    assertThat(tmp.resolve("user/.azureml/share/iris/model.pkl")).isRegularFile();
    assertThat(Files.size(tmp.resolve("user/.azureml/share/iris/model.pkl"))).isPositive();
  }

  @Test
  void irisDataPrepTrainsLogsAndKeepsItsModelWhateverItsPlottingDoes() throws Exception {
    Path iris = sample("iris");
    Cli.Result r = cli.in(iris, "experiment", "submit", "-c", "local", "iris_sklearn.py");
    // iris.dprep -> iris.dsource -> iris.csv: 150 rows (the file's empty last line filtered out), 5
    // named columns.
    assertThat(r.out())
        .as(r.toString())
        .contains("Iris dataset shape: (150, 5)")
        .contains("Regularization rate is 0.01")
        .contains("Accuracy is ")
        .contains("Export the model to model.pkl")
        .contains("Predicted class is ");
    assertThat(r.err()).doesNotContain("labrun: ").doesNotContain("azureml/dataprep");
    // Its plotting calls confusion_matrix(y, y_hat, labels) positionally, which today's
    // scikit-learn
    // refuses (see the samples' README): then the run fails, by the script's own doing.
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    String runId =
        r.err().lines().filter(l -> l.startsWith("RunId: ")).findFirst().orElseThrow().substring(7);
    try (RunStore store = store()) {
      Run run = store.find(runId).orElseThrow();
      assertThat(run.status()).as(r.toString()).isEqualTo(RunStatus.FAILED);
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.statusDetail())
          .contains("TypeError: confusion_matrix() takes 2 positional arguments but 3 were given");
      var metrics = store.metricSummaries(runId);
      assertThat(metrics)
          .as(r.toString())
          .containsOnlyKeys("Regularization Rate", "Accuracy", "Precision", "Recall", "Thresholds");
      assertThat(metrics.get("Regularization Rate").last().value()).isEqualTo(0.01);
      assertThat(metrics.get("Accuracy").last().value()).isBetween(0.5, 1.0);
      assertThat(metrics.get("Precision").last().json())
          .as("a list, kept as JSON")
          .startsWith("[")
          .endsWith("]");
      assertThat(store.artifacts(runId))
          .extracting(a -> a.path())
          .containsExactly("outputs/model.pkl");
      assertThat(store.artifacts(runId).get(0).size()).isPositive();
    }
  }

  /**
   * A copy of sample {@code name} under the test's folder, unchanged, named as the sample (the
   * project's name is its folder's). Further samples' tests start here.
   */
  Path sample(String name) {
    Path to = tmp.resolve(name);
    Path from = SAMPLES.resolve(name);
    assertThat(from.resolve("aml_config"))
        .as("the sample " + name + " in " + SAMPLES)
        .isDirectory();
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return to;
  }

  Run completed(Cli.Result r) {
    String runId =
        r.err().lines().filter(l -> l.startsWith("RunId: ")).findFirst().orElseThrow().substring(7);
    try (RunStore store = store()) {
      Run run = store.find(runId).orElseThrow();
      assertThat(run.status()).as(r.toString()).isEqualTo(RunStatus.COMPLETED);
      return run;
    }
  }

  RunStore store() {
    return SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"));
  }
}
