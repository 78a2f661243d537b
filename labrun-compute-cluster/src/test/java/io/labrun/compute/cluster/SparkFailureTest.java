package io.labrun.compute.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.labrun.core.run.LogRecord;
import io.labrun.core.run.LogRecord.Stream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkFailureTest {
  @Test
  void sparkSubmitRefusingTheSubmission() {
    assertThat(
            SparkFailure.reason(
                records(
                    "e", "WARNING: Using incubator modules: jdk.incubator.vector",
                    "e",
                        "Exception in thread \"main\" org.apache.spark.SparkException: Cluster"
                            + " deploy mode is currently not supported for python applications on"
                            + " standalone clusters.",
                    "e", "\tat org.apache.spark.deploy.SparkSubmit.error(SparkSubmit.scala:1068)")))
        .contains(
            "org.apache.spark.SparkException: Cluster deploy mode is currently not supported for"
                + " python applications on standalone clusters.");
    assertThat(
            SparkFailure.reason(
                records(
                    "e",
                    "Error: Missing application resource.",
                    "e",
                    "Usage: spark-submit [options] <app jar | python file | R file> [app"
                        + " arguments]")))
        .contains("Error: Missing application resource.");
  }

  @Test
  void aPythonDriversTracebackOnSparksStdoutBeatsSparksWrapper() {
    assertThat(
            SparkFailure.reason(
                records(
                    "o", "Traceback (most recent call last):",
                    "o", "  File \"train.py\", line 3, in <module>",
                    "o", "ValueError: could not convert string to float: 'x'",
                    "e",
                        "Exception in thread \"main\" org.apache.spark.SparkUserAppException: User"
                            + " application exited with 1",
                    "e", "26/11/26 18:58:19 INFO ShutdownHookManager: Shutdown hook called")))
        .contains("ValueError: could not convert string to float: 'x'");
  }

  @Test
  void logLinesAndStackFramesAreNotReasons() {
    assertThat(
            SparkFailure.reason(
                records(
                    "e", "26/11/26 18:58:19 ERROR SparkContext: Error initializing SparkContext.",
                    "e", "\tat java.base/java.lang.Thread.run(Thread.java:840)",
                    "o", "an Error happened somewhere",
                    "e",
                        "Exception in thread \"main\" org.apache.spark.SparkUserAppException: User"
                            + " application exited with 3")))
        .isEmpty();
  }

  @Test
  void readsTheStoredLog(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("output.log");
    Files.writeString(
        log,
        "1\to\tstarting\n"
            + "2\te\tjava.lang.IllegalArgumentException: Executor memory must be a positive"
            + " number\n"
            + "3\ts\tnote\n");
    assertThat(SparkFailure.reason(log))
        .contains("java.lang.IllegalArgumentException: Executor memory must be a positive number");
    assertThat(SparkFailure.reason(tmp.resolve("missing.log"))).isEmpty();
  }

  private static List<LogRecord> records(String... streamAndText) {
    List<LogRecord> out = new ArrayList<>();
    for (int i = 0; i < streamAndText.length; i += 2) {
      Stream s = streamAndText[i].equals("o") ? Stream.STDOUT : Stream.STDERR;
      out.add(new LogRecord(Instant.EPOCH, s, streamAndText[i + 1], true, i, i + 1));
    }
    return out;
  }
}
