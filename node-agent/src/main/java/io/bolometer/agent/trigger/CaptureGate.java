package io.bolometer.agent.trigger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Allows one capture per pod at a time, whichever config or reason asks for it. */
public final class CaptureGate<K> {
    private final Set<K> busy = ConcurrentHashMap.newKeySet();

    /** True when the caller may capture {@code pod} now; it must then call {@link #release}. */
    public boolean tryAcquire(K pod) {
        return busy.add(pod);
    }

    public void release(K pod) {
        busy.remove(pod);
    }

    /** True while a capture of {@code pod} runs. */
    public boolean busy(K pod) {
        return busy.contains(pod);
    }

    public int inProgress() {
        return busy.size();
    }
}
