package io.bolometer.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A module's main sources read as text, for the package rules each module checks in its {@code PackageRulesTest}
 * (no new dependency: a plain walk of {@code src/main/java}). Comments and string literals are left out before
 * anything is matched, so a Javadoc that names {@code Instant.now()} is no violation. It sees imports and
 * fully-qualified names alike.
 */
public final class SourcePackages {
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern COMMENTS_AND_STRINGS = Pattern.compile(
            "/\\*.*?\\*/|//[^\\n]*|\"\"\"(?:.|\\n)*?\"\"\"|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'", Pattern.DOTALL);

    /** One source file: its package, its class's simple name and its code without comments and strings. */
    public record Source(Path path, String packageName, String className, String code) {
        /** The first of {@code tokens} the code uses, if any (matched as text, e.g. {@code "java.nio.file."}). */
        public List<String> uses(List<String> tokens) {
            return tokens.stream().filter(code::contains).toList();
        }
    }

    private final String root;
    private final List<Source> sources;

    private SourcePackages(String root, List<Source> sources) {
        this.root = root;
        this.sources = sources;
    }

    /** Reads every {@code .java} file under {@code sourceRoot} (e.g. {@code src/main/java}) whose package is in {@code root}. */
    public static SourcePackages read(Path sourceRoot, String root) {
        List<Source> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                Matcher pkg = PACKAGE.matcher(text);
                if (!pkg.find() || !(pkg.group(1).equals(root) || pkg.group(1).startsWith(root + "."))) {
                    continue;
                }
                String name = file.getFileName().toString().replace(".java", "");
                sources.add(new Source(file, pkg.group(1), name, COMMENTS_AND_STRINGS.matcher(text).replaceAll(" ")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (sources.isEmpty()) {
            throw new IllegalStateException("no sources of " + root + " under " + sourceRoot.toAbsolutePath());
        }
        return new SourcePackages(root, sources);
    }

    public List<Source> sources() {
        return sources;
    }

    /** The package of {@code root} relative to it: "" for the root itself, else e.g. "planning" or "kube". */
    public String relative(String packageName) {
        return packageName.equals(root) ? "" : packageName.substring(root.length() + 1);
    }

    /** The sources of one package, given relative to the root ("" for the root). */
    public List<Source> inPackage(String relativePackage) {
        return sources.stream().filter(s -> relative(s.packageName()).equals(relativePackage)).toList();
    }

    /** Every package (relative names) and the packages of this module it names, itself left out. */
    public Map<String, Set<String>> dependencies() {
        Set<String> known = new TreeSet<>();
        sources.forEach(s -> known.add(relative(s.packageName())));
        Pattern reference = Pattern.compile("\\b" + Pattern.quote(root) + "((?:\\.[a-z][a-z0-9_]*)*)\\.[A-Z]");
        Map<String, Set<String>> dependencies = new TreeMap<>();
        for (Source source : sources) {
            String from = relative(source.packageName());
            Set<String> to = dependencies.computeIfAbsent(from, p -> new TreeSet<>());
            Matcher m = reference.matcher(source.code());
            while (m.find()) {
                String target = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                if (!target.equals(from) && known.contains(target)) {
                    to.add(target);
                }
            }
        }
        return dependencies;
    }

    /** The package cycles: each a sorted set of the packages (relative names) that reach one another. */
    public List<Set<String>> cycles() {
        Map<String, Set<String>> graph = dependencies();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> cycles = new ArrayList<>();
        int[] counter = {0};
        for (String start : graph.keySet()) {
            if (!index.containsKey(start)) {
                strongConnect(start, graph, index, low, stack, onStack, cycles, counter);
            }
        }
        return cycles;
    }

    private static void strongConnect(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
                                      Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                      List<Set<String>> cycles, int[] counter) {
        index.put(node, counter[0]);
        low.put(node, counter[0]);
        counter[0]++;
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                strongConnect(next, graph, index, low, stack, onStack, cycles, counter);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                cycles.add(component);
            }
        }
    }

    /** What a pure package or class must not use: clients, sockets, files, threads, the wall clock. */
    public static final List<String> IMPURE = List.of(
            "io.fabric8.kubernetes.client", "io.vertx.", "software.amazon.awssdk.",
            "java.net.Socket", "java.net.ServerSocket", "java.net.http.", "java.net.URLConnection",
            "java.net.HttpURLConnection", "java.nio.file.", "java.nio.channels.", "java.io.File",
            "java.util.concurrent.Executor", "java.util.concurrent.ScheduledExecutorService",
            "java.util.concurrent.ThreadPoolExecutor", "new Thread(", "Thread.sleep(",
            "Instant.now(", "System.currentTimeMillis(", "System.nanoTime(", "Clock.systemUTC(",
            "Clock.systemDefaultZone(", "LocalDateTime.now(", "LocalDate.now(", "ZonedDateTime.now(",
            "OffsetDateTime.now(");

    /** The Kubernetes client, which only {@code kube} packages may name. */
    public static final List<String> KUBERNETES_CLIENT = List.of("io.fabric8.kubernetes.client");
}
