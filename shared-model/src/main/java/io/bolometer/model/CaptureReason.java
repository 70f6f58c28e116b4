package io.bolometer.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a profile was captured; stored as the {@code reason} metadata and metric label. */
public enum CaptureReason {
    /** CPU or memory of the pod crossed its threshold. */
    THRESHOLD_EXCEEDED("threshold-exceeded"),
    /** Periodic capture ({@code onDemand} in the spec, the original product's word). */
    ON_DEMAND("on-demand"),
    /** A new value of the {@code profiling.io/capture} pod annotation asked for one capture now. */
    REQUESTED("requested");

    private final String wireName;

    CaptureReason(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    public static CaptureReason fromWireName(String name) {
        for (CaptureReason reason : values()) {
            if (reason.wireName.equals(name)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("unknown capture reason '" + name + "'");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
