package io.bolometer.charts;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** install.sh and the build scripts are shellcheck-clean. `make test` installs shellcheck (scripts/ensure-shellcheck.sh). */
class ShellcheckTest {

    private static Path shellcheck() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, "shellcheck");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Test
    void installScriptAndBuildScriptsAreShellcheckClean() throws Exception {
        Path shellcheck = shellcheck();
        if (shellcheck == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("shellcheck is not installed and CI=true: run scripts/ensure-shellcheck.sh (make test does)");
            }
            System.err.println("SKIPPED: shellcheck is not installed, install.sh was NOT checked "
                    + "(run scripts/ensure-shellcheck.sh, or make test)");
            assumeTrue(false, "shellcheck is not installed");
        }
        Path root = ChartRenderer.repoRoot();
        Process p = new ProcessBuilder(shellcheck.toString(), "install.sh", "scripts/ensure-shellcheck.sh")
                .directory(root.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("shellcheck finished within 60 s").isTrue();

        assertThat(p.exitValue()).as("shellcheck output:%n%s", out).isZero();
    }
}
