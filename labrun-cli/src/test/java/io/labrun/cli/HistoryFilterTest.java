package io.labrun.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.MetricPoint;
import io.labrun.core.run.Run;
import io.labrun.core.run.RunStatus;
import io.labrun.store.SqlRunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code history list --filter}: the query language from the command line, with the other filters
 * and paging.
 */
class HistoryFilterTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path tmp;
  private Cli cli;
  private Path cwd;

  @BeforeEach
  void seed() throws Exception {
    cli = new Cli(tmp);
    cwd = Files.createDirectories(tmp.resolve("elsewhere"));
    try (SqlRunStore store =
        SqlRunStore.open("jdbc:sqlite:" + tmp.resolve("labrun/data/labrun.db"))) {
      double[] acc = {0.9, 0.4, 0.7, 0.95};
      String[] reg = {"100", "1000", "1", "0.1"};
      for (int i = 0; i < acc.length; i++) {
        String id = "run" + i;
        Instant created = T0.plusSeconds(60L * i);
        RunStatus status = i == 3 ? RunStatus.FAILED : RunStatus.COMPLETED;
        store.create(
            new Run(
                id,
                "iris",
                "local",
                "local",
                "local",
                "train.py",
                List.of(),
                Map.of(),
                "alice",
                "laptop",
                null,
                null,
                null,
                created,
                created.plusSeconds(1),
                created.plusSeconds(10L * (i + 1)),
                status,
                status == RunStatus.COMPLETED ? 0 : 1,
                null,
                null,
                1,
                Map.of()));
        store.putParams(id, Map.of("reg", reg[i]));
        store.appendMetrics(id, List.of(new MetricPoint("acc", 0, created, acc[i], null)));
      }
    }
  }

  private List<String> ids(String... args) {
    String[] all = new String[args.length + 6];
    all[0] = "history";
    all[1] = "list";
    System.arraycopy(args, 0, all, 2, args.length);
    System.arraycopy(
        new String[] {"-o", "json", "--query", "[].run_id"}, 0, all, args.length + 2, 4);
    Cli.Result r = cli.in(cwd, all);
    assertThat(r.code()).as(r.toString()).isZero();
    return List.of(r.out().replaceAll("[\\[\\]\"\\s]", "").split(",")).stream()
        .filter(s -> !s.isEmpty())
        .toList();
  }

  @Test
  void theFilterSelectsAndOrdersTheRuns() {
    assertThat(ids("--filter", "metrics.acc > 0.5 or params.reg in (100, 1000)"))
        .containsExactly("run3", "run2", "run1", "run0");
    assertThat(
            ids(
                "--filter",
                "metrics.acc > 0.5 and not params.reg >= 100 order by metrics.acc desc"))
        .containsExactly("run3", "run2");
    assertThat(ids("--filter", "duration < 25s order by params.reg"))
        .containsExactly("run0", "run1");
  }

  @Test
  void itCombinesWithTheOtherFiltersAndPagesInItsOrder() {
    assertThat(ids("--status", "Completed", "--filter", "order by metrics.acc desc"))
        .containsExactly("run0", "run2", "run1");
    assertThat(ids("--filter", "order by metrics.acc desc", "-n", "2", "--after", "run3"))
        .containsExactly("run0", "run2");
  }

  @Test
  void aMistakeIsOneLineNamingTheColumn() {
    Cli.Result r = cli.in(cwd, "history", "list", "--filter", "metrics.acc > 0.5 and");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "labrun: filter, column 22: expected a field (metrics.NAME, params.NAME, tags.NAME,"
                + " status, created...), found the end of the filter\n");
  }
}
