package io.labrun.core.run.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labrun.core.error.ExitCode;
import io.labrun.core.error.LabrunException;
import io.labrun.core.run.query.Expr.And;
import io.labrun.core.run.query.Expr.Between;
import io.labrun.core.run.query.Expr.Compare;
import io.labrun.core.run.query.Expr.In;
import io.labrun.core.run.query.Expr.Not;
import io.labrun.core.run.query.Expr.Op;
import io.labrun.core.run.query.Expr.Or;
import io.labrun.core.run.query.Field.Aggregate;
import io.labrun.core.run.query.Value.Num;
import io.labrun.core.run.query.Value.Pattern;
import io.labrun.core.run.query.Value.Text;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunFilterTest {
  private static final Field ACC = new Field.Metric("acc", Aggregate.LAST);
  private static final Field REG = new Field.Param("reg");

  @Test
  void theIssuesExamplesParse() {
    assertThat(RunFilter.parse("metrics.acc > 0.5 or params.reg in (100, 1000)").where())
        .isEqualTo(
            new Or(
                List.of(
                    new Compare(ACC, Op.GT, new Num(0.5)),
                    new In(REG, List.of(new Num(100), new Num(1000))))));
    assertThat(RunFilter.parse("not (params.reg >= 1) and status = \"Completed\"").where())
        .isEqualTo(
            new And(
                List.of(
                    new Not(new Compare(REG, Op.GE, new Num(1))),
                    new Compare(attr(Attribute.STATUS), Op.EQ, new Text("COMPLETED")))));
    RunFilter tagged = RunFilter.parse("tags.team ~ \"vision*\" order by metrics.acc desc");
    assertThat(tagged.where())
        .isEqualTo(new Compare(new Field.Tag("team"), Op.MATCH, new Pattern("vision*", false)));
    assertThat(tagged.order()).containsExactly(new Order(ACC, true));
    assertThat(RunFilter.parse("created > \"2026-12-01\" and duration < 60s").where())
        .isEqualTo(
            new And(
                List.of(
                    new Compare(
                        attr(Attribute.CREATED),
                        Op.GT,
                        new Num(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli())),
                    new Compare(attr(Attribute.DURATION), Op.LT, new Num(60_000)))));
  }

  @Test
  void andBindsTighterThanOrAndParenthesesGroup() {
    Expr a = new Compare(ACC, Op.GT, new Num(1));
    Expr b = new Compare(REG, Op.EQ, new Num(2));
    Expr c = new Compare(REG, Op.EQ, new Text("x"));
    assertThat(RunFilter.parse("metrics.acc > 1 or params.reg = 2 and params.reg = 'x'").where())
        .isEqualTo(new Or(List.of(a, new And(List.of(b, c)))));
    assertThat(
            RunFilter.parse("(metrics.acc > 1 OR params.reg == 2) AND params.reg = \"x\"").where())
        .isEqualTo(new And(List.of(new Or(List.of(a, b)), c)));
    assertThat(RunFilter.parse("not not metrics.acc > 1").where()).isEqualTo(new Not(new Not(a)));
  }

  @Test
  void metricsAggregatesRangesAndNegatedLists() {
    assertThat(RunFilter.parse("min(metrics.loss) < 0.1").where())
        .isEqualTo(new Compare(new Field.Metric("loss", Aggregate.MIN), Op.LT, new Num(0.1)));
    assertThat(RunFilter.parse("max(metrics.acc) between 0.5 and 0.9").where())
        .isEqualTo(new Between(new Field.Metric("acc", Aggregate.MAX), new Num(0.5), new Num(0.9)));
    assertThat(RunFilter.parse("params.opt not in ('adam', \"sgd\")").where())
        .isEqualTo(
            new Not(new In(new Field.Param("opt"), List.of(new Text("adam"), new Text("sgd")))));
    assertThat(RunFilter.parse("metrics.acc >= -1.5e-3").where())
        .isEqualTo(new Compare(ACC, Op.GE, new Num(-1.5e-3)));
    assertThat(RunFilter.parse("duration between 1m and 1.5h").where())
        .isEqualTo(new Between(attr(Attribute.DURATION), new Num(60_000), new Num(5_400_000)));
  }

  @Test
  void namesWithDotsOrSpacesAndRegexes() {
    assertThat(RunFilter.parse("metrics.train.loss < 1").where())
        .isEqualTo(new Compare(new Field.Metric("train.loss", Aggregate.LAST), Op.LT, new Num(1)));
    assertThat(RunFilter.parse("params.`learning rate` = 0.1").where())
        .isEqualTo(new Compare(new Field.Param("learning rate"), Op.EQ, new Num(0.1)));
    assertThat(RunFilter.parse("script !~ /^train\\/v[0-9]+\\.py$/").where())
        .isEqualTo(
            new Compare(
                attr(Attribute.SCRIPT), Op.NOT_MATCH, new Pattern("^train/v[0-9]+\\.py$", true)));
  }

  @Test
  void orderByAloneAndSeveralKeys() {
    RunFilter f = RunFilter.parse("ORDER BY params.reg, created DESC");
    assertThat(f.where()).isNull();
    assertThat(f.order())
        .containsExactly(new Order(REG, false), new Order(attr(Attribute.CREATED), true));
    assertThat(RunFilter.parse("  ")).isEqualTo(RunFilter.ALL);
  }

  @Test
  void aMistakeIsOneLineNamingItsColumn() {
    bad(
        "metrics.acc >",
        "filter, column 14: metrics.acc is compared with a number, found the end of the filter");
    bad(
        "metrics.acc > 0.5 and",
        "filter, column 22: expected a field (metrics.NAME, params.NAME, tags.NAME, status,"
            + " created...), found the end of the filter");
    bad(
        "metric.acc > 1 or foo = 2",
        "filter, column 19: unknown field 'foo'; write metrics.NAME, params.NAME, tags.NAME or one"
            + " of id, status, experiment, target, script, run_configuration, user, sweep, created,"
            + " started, ended, duration, exit_code");
    bad(
        "(metrics.acc > 1",
        "filter, column 17: expected a ) to close the (, found the end of the filter");
    bad(
        "status = \"Done\"",
        "filter, column 10: 'Done' is not a status; use one of Queued, Preparing, Running,"
            + " Completed, Failed, Canceled, Lost");
    bad(
        "created > 2026",
        "filter, column 11: created is compared with a date or time in quotes, like \"2026-12-01\""
            + " or \"2026-12-01T10:00:00Z\", found '2026'");
    bad(
        "tags.team ~ /vision(/",
        "filter, column 13: /vision(/ is not a regular expression: Unclosed group");
    bad(
        "metrics.acc ~ \"a*\"",
        "filter, column 15: ~ matches text; metrics.acc takes =, !=, <, <=, >, >=, in or between");
    bad("params.x = 'open", "filter, column 12: this ' is never closed; end the text with '");
    bad(
        "metrics.acc > 5s",
        "filter, column 15: 's' after a number only goes with duration (60s, 5m, 2h, 1d); write 5"
            + " for metrics.acc");
    bad(
        "metrics.acc > 1 metrics.b > 2",
        "filter, column 17: expected and, or, order by or the end of the filter, found"
            + " 'metrics.b'");
    bad(
        "order metrics.acc",
        "filter, column 7: expected by, found 'metrics.acc'; write order by FIELD [asc|desc]");
    bad(
        "params.a in 1, 2",
        "filter, column 13: expected a ( to start the list, like params.a in (1, 2), found '1'");
    bad(
        "x & y",
        "filter, column 3: unexpected '&'; compare a field with a value, like metrics.acc > 0.5");
  }

  private static void bad(String filter, String message) {
    assertThatThrownBy(() -> RunFilter.parse(filter))
        .isInstanceOfSatisfying(
            LabrunException.class,
            e -> {
              assertThat(e.getMessage()).isEqualTo(message);
              assertThat(e.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
            });
  }

  private static Field attr(Attribute a) {
    return new Field.Attr(a);
  }
}
