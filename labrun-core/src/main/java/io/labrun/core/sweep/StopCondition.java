package io.labrun.core.sweep;

import io.labrun.core.error.LabrunException;
import io.labrun.core.history.RunStore.MetricSummary;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a sweep has found what it looks for: {@code accuracy >= 0.99} is met by a finished run whose
 * last {@code accuracy} value is at least 0.99. The metric name is everything before the operator
 * (it may hold spaces, like the original's {@code Regularization Rate}).
 */
public record StopCondition(String metric, String operator, double threshold) {
  private static final Pattern FORM =
      Pattern.compile("\\s*([^<>=]+?)\\s*(>=|<=|==|>|<)\\s*(\\S+)\\s*");

  public static StopCondition parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw LabrunException.badInput(
          "--stop-when must be METRIC OP NUMBER with OP one of >= > <= < ==, e.g. 'accuracy >="
              + " 0.99', got '"
              + text
              + "'");
    }
    double threshold;
    try {
      threshold = Double.parseDouble(m.group(3));
    } catch (NumberFormatException e) {
      throw LabrunException.badInput(
          "--stop-when: '" + m.group(3) + "' is not a number, in '" + text + "'");
    }
    if (!Double.isFinite(threshold)) {
      throw LabrunException.badInput(
          "--stop-when: the threshold must be a finite number, in '" + text + "'");
    }
    return new StopCondition(m.group(1), m.group(2), threshold);
  }

  /** True when the run's last value of the metric is a number that satisfies the condition. */
  public boolean metBy(Map<String, MetricSummary> metrics) {
    MetricSummary s = metrics.get(metric);
    if (s == null || s.last() == null || !s.last().isScalar()) {
      return false;
    }
    double v = s.last().value();
    return switch (operator) {
      case ">=" -> v >= threshold;
      case ">" -> v > threshold;
      case "<=" -> v <= threshold;
      case "<" -> v < threshold;
      default -> v == threshold;
    };
  }

  /** The direction the condition looks in: up for {@code >}, {@code >=}; down otherwise. */
  public Goal goal() {
    return operator.startsWith(">") ? Goal.MAX : Goal.MIN;
  }

  @Override
  public String toString() {
    return metric + " " + operator + " " + Parameter.RealRange.text(threshold);
  }
}
