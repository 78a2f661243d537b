package io.labrun.core.launch;

import java.util.function.Supplier;

/**
 * What a process that serves many commands (a resident labrun) keeps between them for the target
 * modules ({@link TargetContext#keptWarm}): one of each kind, closed when the process stops.
 */
public interface KeptWarm {
  <T extends AutoCloseable> T keep(Class<T> kind, Supplier<T> make);
}
