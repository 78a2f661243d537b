package io.labrun.testenv;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * One ResourceManager and one NodeManager of Hadoop's MiniYARNCluster on loopback, for labrun's
 * test environment (scripts/test-env/yarn.sh starts it in a JVM of its own).
 *
 * <p>Usage: {@code MiniYarn STATE_DIR RM_PORT RM_WEB_PORT NM_MEMORY_MB [AGGREGATE]}. The cluster's
 * work folders live under STATE_DIR; with AGGREGATE {@code true} the NodeManager aggregates each
 * application's container logs, once it ended, into STATE_DIR/app-logs (YARN's log aggregation, as
 * HDInsight has it, to a local folder: the default file system is the local one) and removes them
 * from its own log folder; else (the default) they stay there for an hour. once the NodeManager has registered, STATE_DIR/conf gets a
 * HADOOP_CONF_DIR (core-site.xml: the local file system as default FS, no HDFS; yarn-site.xml:
 * the ResourceManager's addresses) and the line {@code MINIYARN_READY} is printed. Runs until
 * killed.
 */
public final class MiniYarn {
  private static final String HOST = "127.0.0.1";

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) {
      // The cluster's own threads would keep a failed start's JVM alive: yarn.sh must see it exit.
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    if (args.length != 4 && args.length != 5) {
      throw new IllegalArgumentException(
          "usage: MiniYarn STATE_DIR RM_PORT RM_WEB_PORT NM_MEMORY_MB [AGGREGATE]");
    }
    Path state = Path.of(args[0]).toAbsolutePath();
    int rmPort = Integer.parseInt(args[1]);
    int rmWebPort = Integer.parseInt(args[2]);
    int nmMemoryMb = Integer.parseInt(args[3]);
    boolean aggregate = args.length == 5 && Boolean.parseBoolean(args[4]);

    YarnConfiguration conf =
        new YarnConfiguration(clusterConf(state, rmPort, rmWebPort, nmMemoryMb, aggregate));
    // MiniYARNCluster keeps its work folders under ./target/NAME of the working folder.
    System.setProperty("test.build.data", state.resolve("work").toString());
    MiniYARNCluster cluster = new MiniYARNCluster("labrun-test-yarn", 1, 1, 1);
    cluster.init(conf);
    cluster.start();
    if (!cluster.waitForNodeManagersToConnect(120_000)) {
      throw new IllegalStateException("the NodeManager did not register with the ResourceManager in 120 s");
    }
    writeClientConf(state.resolve("conf"), cluster.getConfig(), rmPort, rmWebPort);
    System.out.println("MINIYARN_READY");
    System.out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop));
    new CountDownLatch(1).await();
  }

  private static Configuration clusterConf(
      Path state, int rmPort, int rmWebPort, int nmMemoryMb, boolean aggregate) {
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "file:///");
    // Our own ports, bound to loopback only (MiniYARNCluster would otherwise pick random ones).
    conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, true);
    conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_USE_RPC, true);
    conf.set(YarnConfiguration.RM_HOSTNAME, HOST);
    conf.set(YarnConfiguration.RM_ADDRESS, HOST + ":" + rmPort);
    conf.set(YarnConfiguration.RM_SCHEDULER_ADDRESS, HOST + ":" + (rmPort + 1));
    conf.set(YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS, HOST + ":" + (rmPort + 2));
    conf.set(YarnConfiguration.RM_ADMIN_ADDRESS, HOST + ":" + (rmPort + 3));
    conf.set(YarnConfiguration.RM_WEBAPP_ADDRESS, HOST + ":" + rmWebPort);
    conf.set(YarnConfiguration.NM_ADDRESS, HOST + ":0");
    conf.set(YarnConfiguration.NM_LOCALIZER_ADDRESS, HOST + ":0");
    conf.set(YarnConfiguration.NM_WEBAPP_ADDRESS, HOST + ":0");
    conf.set("yarn.nodemanager.hostname", HOST);
    // Small containers on a small machine; the NodeManager does not police memory.
    conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, nmMemoryMb);
    conf.setInt(YarnConfiguration.NM_VCORES, 8);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 2048);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_VCORES, 4);
    conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.9f);
    // One queue, "default" (the shaded jar has no capacity-scheduler.xml). A Spark driver in
    // cluster mode is an ApplicationMaster: let AMs use the whole queue.
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
    conf.set("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
    conf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 1.0f);
    if (aggregate) {
      // Log aggregation to a local folder: once an application ended, the NodeManager writes its
      // containers' logs there (kept a day) and removes them from its own log folder.
      conf.setBoolean(YarnConfiguration.LOG_AGGREGATION_ENABLED, true);
      conf.set(YarnConfiguration.NM_REMOTE_APP_LOG_DIR, state.resolve("app-logs").toUri().toString());
      conf.setLong(YarnConfiguration.LOG_AGGREGATION_RETAIN_SECONDS, 86400);
    } else {
      // Container logs stay on the NodeManager (no aggregation) for an hour after an application ended.
      conf.setBoolean(YarnConfiguration.LOG_AGGREGATION_ENABLED, false);
      conf.setLong(YarnConfiguration.NM_LOG_RETAIN_SECONDS, 3600);
    }
    conf.setBoolean(YarnConfiguration.TIMELINE_SERVICE_ENABLED, false);
    // Applications end quickly after their driver did (the default keeps finished AMs' state around).
    conf.setInt(YarnConfiguration.RM_MAX_COMPLETED_APPLICATIONS, 1000);
    return conf;
  }

  /** The HADOOP_CONF_DIR clients use: only what they need to reach this cluster. */
  private static void writeClientConf(Path dir, Configuration running, int rmPort, int rmWebPort)
      throws IOException {
    Files.createDirectories(dir);
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", "file:///");
    write(core, dir.resolve("core-site.xml"));
    Configuration yarn = new Configuration(false);
    for (String key : List.of(YarnConfiguration.RM_HOSTNAME, YarnConfiguration.RM_ADDRESS,
        YarnConfiguration.RM_SCHEDULER_ADDRESS, YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
        YarnConfiguration.RM_ADMIN_ADDRESS, YarnConfiguration.RM_WEBAPP_ADDRESS,
        YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB,
        YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB,
        YarnConfiguration.LOG_AGGREGATION_ENABLED, YarnConfiguration.NM_REMOTE_APP_LOG_DIR)) {
      yarn.set(key, running.get(key));
    }
    write(yarn, dir.resolve("yarn-site.xml"));
  }

  private static void write(Configuration conf, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = new FileOutputStream(tmp.toFile())) {
      conf.writeXml(out);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private MiniYarn() {}
}
