package io.labrun.testenv;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;

/**
 * Checks that {@link SparkLauncher} (spark-launcher_2.13, the library labrun would use) works
 * against the SPARK_HOME of scripts/test-env/spark.sh: it execs SPARK_HOME/bin/spark-submit and
 * follows the application through the launcher protocol. Run it with only the spark-launcher jar
 * and this jar on the class path:
 *
 * <pre>java -cp spark-launcher_2.13-V.jar:wordcount.jar io.labrun.testenv.LauncherCheck
 *     SPARK_HOME MASTER APP_JAR INPUT</pre>
 *
 * Prints every state change and {@code LAUNCHER_FINAL FINISHED app-id} at the end; exits 0 only if
 * the application finished successfully.
 */
public final class LauncherCheck {
  private LauncherCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: LauncherCheck SPARK_HOME MASTER APP_JAR INPUT");
      System.exit(2);
    }
    CountDownLatch done = new CountDownLatch(1);
    SparkAppHandle handle = new SparkLauncher()
        .setSparkHome(args[0])
        .setMaster(args[1])
        .setDeployMode("client")
        .setAppResource(args[2])
        .setMainClass(WordCount.class.getName())
        .setAppName("labrun-launcher-check")
        .setConf("spark.executor.memory", "512m")
        .addAppArgs(args[3], "2")
        .redirectToLog(LauncherCheck.class.getName())
        .startApplication(new SparkAppHandle.Listener() {
          @Override
          public void stateChanged(SparkAppHandle h) {
            System.out.println("LAUNCHER_STATE " + h.getState());
            if (h.getState().isFinal()) {
              done.countDown();
            }
          }

          @Override
          public void infoChanged(SparkAppHandle h) {}
        });
    if (!done.await(300, TimeUnit.SECONDS)) {
      System.out.println("LAUNCHER_TIMEOUT " + handle.getState());
      handle.kill();
      System.exit(1);
    }
    System.out.println("LAUNCHER_FINAL " + handle.getState() + " " + handle.getAppId());
    System.exit(handle.getState() == SparkAppHandle.State.FINISHED ? 0 : 1);
  }
}
