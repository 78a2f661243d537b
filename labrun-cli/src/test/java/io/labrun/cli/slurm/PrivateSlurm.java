package io.labrun.cli.slurm;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A one-node Slurm cluster of a test's own, next to the shared one of scripts/test-env/slurm.sh
 * (whose installed {@code slurm-wlm} and running {@code munged} it uses): its own configuration,
 * ports, state and node, so a test may do to it what it must not do to the shared cluster: stop its
 * node ({@code NODE_FAIL}), or enforce memory limits ({@code jobacct_gather/linux} with {@code
 * OverMemoryKill}: no cgroups, as in a container). Slurm's commands use it when {@code SLURM_CONF}
 * is {@link #conf}.
 */
final class PrivateSlurm implements AutoCloseable {
  static final String PARTITION = "priv";
  private static final String NODE = "labrunpriv";

  /** The configuration file: give it to Slurm's commands as {@code SLURM_CONF}. */
  final Path conf;

  private final Path dir;

  private PrivateSlurm(Path dir) {
    this.dir = dir;
    this.conf = dir.resolve("slurm.conf");
  }

  /** Starts the controller and the node in {@code dir}; returns once the node is idle. */
  static PrivateSlurm start(Path dir) throws Exception {
    PrivateSlurm s = new PrivateSlurm(dir);
    for (String sub : List.of("ctld", "spool", "log")) {
      Files.createDirectories(dir.resolve(sub));
    }
    int ctld = freePort();
    int node = freePort();
    Files.writeString(
        s.conf,
        String.join(
            "\n",
            "ClusterName=labrunpriv",
            "SlurmctldHost=localhost",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            "MpiDefault=none",
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "JobAcctGatherType=jobacct_gather/linux",
            "JobAcctGatherFrequency=task=1",
            "JobAcctGatherParams=OverMemoryKill",
            "AccountingStorageType=accounting_storage/none",
            "SwitchType=switch/none",
            "SchedulerType=sched/backfill",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core_Memory",
            "SchedulerParameters=batch_sched_delay=0,sched_min_interval=0",
            "ReturnToService=2",
            "SlurmdTimeout=10",
            "StateSaveLocation=" + dir.resolve("ctld"),
            "SlurmdSpoolDir=" + dir.resolve("spool"),
            "SlurmctldPidFile=" + dir.resolve("slurmctld.pid"),
            "SlurmdPidFile=" + dir.resolve("slurmd.pid"),
            "SlurmctldLogFile=" + dir.resolve("log/slurmctld.log"),
            "SlurmdLogFile=" + dir.resolve("log/slurmd.log"),
            "SlurmctldPort=" + ctld,
            "SlurmdPort=" + node,
            "MinJobAge=300",
            "InactiveLimit=0",
            "Waittime=0",
            "NodeName="
                + NODE
                + " NodeHostname=localhost NodeAddr=127.0.0.1 Port="
                + node
                + " CPUs=2 RealMemory=2000 State=UNKNOWN",
            "PartitionName="
                + PARTITION
                + " Nodes="
                + NODE
                + " Default=YES MaxTime=INFINITE State=UP",
            ""));
    s.run("slurmctld", "-f", s.conf.toString(), "-i");
    s.startNode();
    return s;
  }

  /** Starts the node's {@code slurmd}; returns once the controller has it idle. */
  void startNode() throws Exception {
    run("slurmd", "-f", conf.toString(), "-N", NODE);
    await("the private Slurm's node is idle")
        .atMost(Duration.ofSeconds(60))
        .until(() -> run("sinfo", "--noheader", "--format=%t").strip().equals("idle"));
  }

  /**
   * Kills the node's {@code slurmd} (SIGKILL), as a node that went away: its jobs' processes go on
   * unseen, and after {@code SlurmdTimeout} the controller ends them {@code NODE_FAIL}.
   */
  void killNode() throws IOException {
    ProcessHandle.of(pid("slurmd.pid")).ifPresent(ProcessHandle::destroyForcibly);
  }

  /**
   * Stops the controller and the node, and every process a job of this cluster left (found by the
   * spool folder in its command line).
   */
  @Override
  public void close() throws IOException {
    for (String daemon : List.of("slurmd.pid", "slurmctld.pid")) {
      if (Files.exists(dir.resolve(daemon))) {
        ProcessHandle.of(pid(daemon)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    String spool = dir.resolve("spool").toString();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(spool)).orElse(false))
        .forEach(
            p -> {
              p.descendants().forEach(ProcessHandle::destroyForcibly);
              p.destroyForcibly();
            });
  }

  private long pid(String file) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(file)).strip());
  }

  private String run(String... argv) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().put("SLURM_CONF", conf.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", argv) + " failed: " + out.strip());
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
