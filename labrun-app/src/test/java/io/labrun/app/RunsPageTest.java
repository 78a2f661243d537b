package io.labrun.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunTableQuery;
import io.labrun.core.history.RunTableQuery.Column;
import io.labrun.core.history.RunTableQuery.MetricCondition;
import io.labrun.core.history.RunTableQuery.Sort;
import io.labrun.core.run.RunQuery;
import io.labrun.core.run.query.RunFilter;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunsPageTest {
  private static final MetricCondition FAST = new MetricCondition("time", MetricCondition.Op.LT, 3);

  @Test
  void columnsAreReadAndWrittenInTheSameForm() {
    RunsPage.Columns c = RunsPage.Columns.parse(" acc, metrics.loss,params.lr,,tags.team ");
    assertThat(c.metrics()).containsExactly("acc", "loss");
    assertThat(c.params()).containsExactly("lr");
    assertThat(c.tags()).containsExactly("team");
    assertThat(RunsPage.Columns.parse(c.text())).isEqualTo(c);
    // a metric named like a param stays a metric
    RunsPage.Columns odd = RunsPage.Columns.parse("metrics.params.x");
    assertThat(odd.metrics()).containsExactly("params.x");
    assertThat(RunsPage.Columns.parse(odd.text())).isEqualTo(odd);
    assertThat(RunsPage.Columns.NONE.text()).isNull();
    assertThat(RunsPage.Columns.parse(null)).isEqualTo(RunsPage.Columns.NONE);
  }

  @Test
  void thePageFetchesTheMetricsItShowsSortsByOrdersByAndNamesInConditions() {
    RunTableQuery t =
        query(RunQuery.all(), List.of(FAST), new Sort(null, "acc", true), "loss,acc,params.lr")
            .table();
    assertThat(t.metricColumns()).containsExactly("loss", "acc", "time");
    assertThat(t.sort()).isEqualTo(new Sort(null, "acc", true));
    assertThat(t.conditions()).containsExactly(FAST);
  }

  @Test
  void anOrderByInTheFilterWinsOverTheSortAndItsMetricIsFetched() {
    RunQuery ordered = RunQuery.all().withRunFilter(RunFilter.parse("order by metrics.f1 desc"));
    RunsPage.Query q = query(ordered, List.of(), new Sort(Column.SCRIPT, null, false), "");
    assertThat(q.order()).isEqualTo(Sort.NEWEST_FIRST);
    assertThat(q.table().metricColumns()).containsExactly("f1");
  }

  @Test
  void afterPagesNewestFirstByTheFiltersAloneAndRefusesTheTablesParts() {
    RunsPage.Query plain =
        new RunsPage.Query(RunQuery.all(), null, null, null, null, "r7", null, 20);
    assertThat(plain.pagesAfter()).isTrue();
    assertThat(plain.listed().cursor()).isEqualTo("r7");
    assertThat(plain.listed().limit()).isEqualTo(20);
    assertThat(new RunsPage.Query(null, null, null, null, null, null, null, 20).pagesAfter())
        .isFalse();
    for (RunsPage.Query q :
        List.of(
            new RunsPage.Query(null, null, List.of(FAST), null, null, "r7", null, 20),
            new RunsPage.Query(
                null, null, null, new Sort(Column.CREATED, null, false), null, "r7", null, 20),
            new RunsPage.Query(null, null, null, null, null, "r7", "cursor", 20))) {
      assertThatThrownBy(q::pagesAfter)
          .isInstanceOfSatisfying(
              LabrunException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT))
          .hasMessage(
              "'after' pages newest first without metric conditions or cursor; use 'cursor'"
                  + " otherwise");
    }
  }

  private static RunsPage.Query query(
      RunQuery filter, List<MetricCondition> where, Sort sort, String columns) {
    return new RunsPage.Query(
        filter, null, where, sort, RunsPage.Columns.parse(columns), null, null, 50);
  }
}
