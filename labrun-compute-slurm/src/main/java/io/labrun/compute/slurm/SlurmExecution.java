package io.labrun.compute.slurm;

import io.labrun.core.launch.Execution;
import io.labrun.core.supervisor.ExitRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A run that is one Slurm batch job: its output, metrics and exit record come from its state folder
 * on the shared file system, as on every target; whether it is still queued or going, and how it
 * ended when its supervisor could not say, come from Slurm ({@link SlurmStates}).
 */
final class SlurmExecution implements Execution {
  static final String JOB_ID = "slurm_job_id";

  /** How often Slurm's controller is asked while the state folder says nothing new. */
  private static final long LOOK_NANOS = 2_000_000_000L;

  /**
   * How long a follower waits between looks while the job waits in Slurm's queue (a sweep's array
   * elements wait there by the hundred): nothing can happen in the state folder meanwhile.
   */
  private static final long WAITING_MILLIS = 500;

  private final Slurm slurm;
  private final String jobId;
  private final JobFolder folder;
  private final Clock clock;
  private long lastLook;

  /** The job as Slurm last showed it: at the submit, then at each look. */
  private JobInfo lastSeen;

  /** Whether the job is an element of a job array ({@code ARRAYID_TASK}). */
  private final boolean element;

  /** Whether Slurm's answer ended the run (its word on the end is then kept as slurm_state). */
  private boolean endedBySlurm;

  /**
   * @param submitted the job as Slurm showed it right after the submit; null when reattached
   */
  SlurmExecution(Slurm slurm, String jobId, JobFolder folder, Clock clock, JobInfo submitted) {
    this.slurm = slurm;
    this.jobId = jobId;
    this.element = jobId.contains("_");
    this.folder = folder;
    this.clock = clock;
    this.lastSeen = submitted;
    this.lastLook = System.nanoTime();
  }

  @Override
  public Map<String, String> attributes() {
    Map<String, String> a = new LinkedHashMap<>(folder.attributes());
    a.put(JOB_ID, jobId);
    if (endedBySlurm) {
      a.put(
          "slurm_state",
          lastSeen.state()); // Slurm's word on the end, when labrun had to ask for it
    }
    return a;
  }

  @Override
  public byte[] readOutput(long offset, int max) throws IOException {
    if (waiting()) {
      return new byte[0]; // not started at the last look: nothing written yet
    }
    return folder.readOutput(offset, max);
  }

  /**
   * True while the last look, younger than {@link #LOOK_NANOS}, saw this element of a job array
   * waiting in Slurm's queue: its state folder is not read meanwhile (a sweep's elements wait by
   * the hundred, and on a login node each read is a round trip). A job of its own is read as often
   * as ever, so that a short one's end is seen at once.
   */
  private boolean waiting() {
    return element
        && lastSeen != null
        && lastSeen.pending()
        && System.nanoTime() - lastLook < LOOK_NANOS;
  }

  /** Longer while an element of a job array waits in Slurm's queue. */
  @Override
  public void awaitChange(Duration max) throws InterruptedException {
    Thread.sleep(waiting() ? Math.max(max.toMillis(), WAITING_MILLIS) : max.toMillis());
  }

  @Override
  public boolean writesLocalOutput() {
    return folder.writesLocalOutput();
  }

  @Override
  public Optional<ExitRecord> poll() throws IOException {
    if (waiting()) {
      return Optional.empty();
    }
    Optional<ExitRecord> supervisor = folder.exit();
    if (!SlurmStates.stoppedFromOutside(supervisor)) {
      return supervisor; // the script ended by itself: nothing for Slurm to add
    }
    if (supervisor.isEmpty() && System.nanoTime() - lastLook < LOOK_NANOS) {
      return Optional.empty();
    }
    lastLook = System.nanoTime();
    Optional<JobInfo> job = slurm.show(jobId);
    job.ifPresent(j -> lastSeen = j);
    Optional<ExitRecord> ended = SlurmStates.ended(job, supervisor, clock.instant());
    endedBySlurm = ended.isPresent() && job.isPresent();
    return ended;
  }

  /**
   * Slurm's reason while the job waits in its queue ({@code Priority}, {@code Resources}, {@code
   * JobHeldUser}...), from the submit or the last look {@link #poll} made (at most every 2 s);
   * empty once Slurm started it.
   */
  @Override
  public Optional<String> queued() throws IOException {
    if (lastSeen == null) { // reattached: nothing seen yet
      lastLook = System.nanoTime();
      lastSeen = slurm.show(jobId).orElse(null);
    }
    if (lastSeen == null || !lastSeen.pending()) {
      return Optional.empty();
    }
    return Optional.of(lastSeen.reason() == null ? lastSeen.state() : lastSeen.reason());
  }

  @Override
  public void cancel() throws IOException {
    slurm.cancel(jobId);
  }

  @Override
  public Collected collect(Path scratch) throws IOException {
    return folder.collect(scratch);
  }

  @Override
  public void cleanUp() throws IOException {
    folder.remove();
  }
}
