package io.bolometer.model.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A user's request to profile the annotated pods a selector picks, when they run hot or periodically, into S3.
 * Short name {@code pcfg} ({@code pc} is PriorityClass's in every cluster); category {@code profiling}.
 */
@Group(ProfilingConfig.GROUP)
@Version(ProfilingConfig.VERSION)
@Kind("ProfilingConfig")
@Plural("profilingconfigs")
@Singular("profilingconfig")
@ShortNames("pcfg")
@Categories("profiling")
// kubectl shows the columns in this order; priority 1 only with -o wide. With any column declared, Age must be too.
@AdditionalPrinterColumn(name = "Matched", jsonPath = ".status.matchedPods", type = Type.INTEGER,
        getDescription = "Annotated pods the selector matches")
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.nodes", type = Type.INTEGER, priority = 1,
        getDescription = "Nodes those pods run on")
@AdditionalPrinterColumn(name = "Captures", jsonPath = ".status.capturesTotal", type = Type.INTEGER,
        getDescription = "Captures on all nodes")
@AdditionalPrinterColumn(name = "Last Capture", jsonPath = ".status.lastCaptureTime", type = Type.DATE,
        getDescription = "Newest capture on any node")
@AdditionalPrinterColumn(name = "Valid", jsonPath = ".status.conditions[?(@.type==\"Valid\")].status", priority = 1,
        getDescription = "Whether the spec passed the coordinator's checks")
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class ProfilingConfig extends CustomResource<ProfilingConfigSpec, ProfilingConfigStatus> implements Namespaced {
    public static final String GROUP = "profiling.io";
    public static final String VERSION = "v1alpha1";

    /** {@code namespace/name}, the form configs are referred to by in assignments and logs. */
    public String id() {
        return getMetadata().getNamespace() + "/" + getMetadata().getName();
    }
}
