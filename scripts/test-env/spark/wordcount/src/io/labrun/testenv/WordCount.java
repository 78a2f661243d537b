package io.labrun.testenv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

import scala.Tuple2;

/**
 * Tiny Spark application for labrun's test environment (scripts/test-env/spark.sh):
 * proves that a job submitted with bin/spark-submit runs distributed on the
 * standalone cluster. Usage: {@code WordCount INPUT_FILE [PARTITIONS]}.
 *
 * <p>Prints, on stdout: one {@code COUNT <word> <n>} line per word (sorted),
 * {@code EXECUTORS <ids>} (where the tasks ran; "driver" would mean local mode),
 * {@code SQL_SUM <n>} (a Spark SQL aggregate over 1..1000, so 500500) and
 * {@code WORDCOUNT_OK} last.
 */
public final class WordCount {
  private WordCount() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: WordCount INPUT_FILE [PARTITIONS]");
      System.exit(2);
    }
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    SparkSession spark = SparkSession.builder().appName("labrun-wordcount").getOrCreate();
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      JavaRDD<String> lines = jsc.textFile(args[0], partitions);

      List<Tuple2<String, Integer>> counts = new ArrayList<>(lines
          .flatMap(l -> Arrays.asList(l.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")).iterator())
          .filter(w -> !w.isEmpty())
          .mapToPair(w -> new Tuple2<>(w, 1))
          .reduceByKey(Integer::sum)
          .collect());
      counts.sort((a, b) -> a._1().compareTo(b._1()));
      for (Tuple2<String, Integer> c : counts) {
        System.out.println("COUNT " + c._1() + " " + c._2());
      }

      List<String> executors = new ArrayList<>(lines
          .mapPartitions(it -> Collections.singletonList(SparkEnv.get().executorId()).iterator())
          .distinct()
          .collect());
      Collections.sort(executors);
      System.out.println("EXECUTORS " + String.join(",", executors));

      long sum = spark.range(1, 1001, 1, partitions).selectExpr("sum(id) AS s").first().getLong(0);
      System.out.println("SQL_SUM " + sum);
      System.out.println("WORDCOUNT_OK");
    } finally {
      spark.stop();
    }
  }
}
