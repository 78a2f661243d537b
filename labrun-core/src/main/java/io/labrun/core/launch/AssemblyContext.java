package io.labrun.core.launch;

import io.labrun.core.config.ComputeTargetSpec;
import io.labrun.core.config.TargetType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every assembly's {@link TargetContext} does the same way: what it offers by kind, what the
 * target modules share within it (one of each kind, made on first use, closed with the assembly in
 * the order made), and the targets of every installed module.
 */
public abstract class AssemblyContext implements TargetContext, AutoCloseable {
  private final Map<Class<?>, Object> offered;
  private final Map<Class<?>, Object> made = new HashMap<>();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  protected AssemblyContext(Map<Class<?>, Object> offered) {
    this.offered = Map.copyOf(offered);
  }

  @Override
  public <T> Optional<T> offered(Class<T> kind) {
    return Optional.ofNullable(kind.cast(offered.get(kind)));
  }

  // synchronized, not a ConcurrentHashMap: making one shared thing may ask for another
  @Override
  public synchronized <T> T shared(Class<T> kind, Function<TargetContext, T> make) {
    Object part = made.get(kind);
    if (part == null) {
      part = make.apply(this);
      made.put(kind, part);
      if (part instanceof AutoCloseable c) {
        toClose.add(c);
      }
    }
    return kind.cast(part);
  }

  /**
   * One per assembly; an assembly that outlives its commands (a resident labrun) keeps it longer.
   */
  @Override
  public <T extends AutoCloseable> T keptWarm(Class<T> kind, Supplier<T> make) {
    return shared(kind, c -> make.get());
  }

  @Override
  public ComputeTarget target(TargetType kind, ComputeTargetSpec spec) {
    return TargetTypes.installed().create(kind, spec, this);
  }

  /** Closes what the target modules made for this assembly; the runs they started go on. */
  @Override
  public synchronized void close() {
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        // connections and clients only: nothing a run wrote is lost
      }
    }
    toClose.clear();
    made.clear();
  }
}
