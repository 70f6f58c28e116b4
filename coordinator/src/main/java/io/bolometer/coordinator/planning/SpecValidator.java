package io.bolometer.coordinator.planning;

import io.bolometer.model.v1alpha1.ProfilingConfig;

/**
 * Semantic checks beyond the CRD schema: cross-field rules, the namespace rule and the S3 endpoint and bucket
 * allow-lists. Also repeats the schema's ranges, so a server that skipped schema validation can't slip one by.
 */
public final class SpecValidator {
    private final PlannerSettings settings;

    public SpecValidator(PlannerSettings settings) {
        this.settings = settings;
    }

    public Validation validate(ProfilingConfig config) {
        throw new UnsupportedOperationException("not yet");
    }
}
