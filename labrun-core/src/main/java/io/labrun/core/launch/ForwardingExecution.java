package io.labrun.core.launch;

import io.labrun.core.supervisor.ExitRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * An execution that forwards everything to another one: the base of followers that add one thing to
 * what they follow (the server copying a remote run's output as it reads it, a run's start at a
 * queueing target recorded as it is polled), overriding only that.
 */
public abstract class ForwardingExecution implements Execution {
  protected final Execution execution;

  protected ForwardingExecution(Execution execution) {
    this.execution = execution;
  }

  @Override
  public Map<String, String> attributes() {
    return execution.attributes();
  }

  @Override
  public byte[] readOutput(long offset, int max) throws IOException {
    return execution.readOutput(offset, max);
  }

  @Override
  public Optional<ExitRecord> poll() throws IOException {
    return execution.poll();
  }

  @Override
  public Optional<String> queued() throws IOException {
    return execution.queued();
  }

  @Override
  public void awaitChange(Duration max) throws InterruptedException {
    execution.awaitChange(max);
  }

  @Override
  public boolean writesLocalOutput() {
    return execution.writesLocalOutput();
  }

  @Override
  public void cancel() throws IOException {
    execution.cancel();
  }

  @Override
  public Collected collect(Path scratch) throws IOException {
    return execution.collect(scratch);
  }

  @Override
  public void cleanUp() throws IOException {
    execution.cleanUp();
  }
}
