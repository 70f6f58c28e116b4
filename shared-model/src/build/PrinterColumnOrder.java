import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the additionalPrinterColumns of generated CRDs in the order their {@code @AdditionalPrinterColumn}
 * annotations are declared, because kubectl shows them in CRD order and crd-generator v2 sorts them by JSONPath
 * (which would put Age first). Build-time only, run by the shared-model pom in source-file mode:
 * {@code java -cp <classes> PrinterColumnOrder.java <crd dir> <custom resource class>...}.
 */
public class PrinterColumnOrder {
    private static final Pattern NAME = Pattern.compile("^ {4}[- ] name: \"(.*)\"$");

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        for (String className : Arrays.copyOfRange(args, 1, args.length)) {
            Class<?> type = Class.forName(className, false, PrinterColumnOrder.class.getClassLoader());
            Path file = dir.resolve(type.getAnnotation(Plural.class).value() + "."
                    + type.getAnnotation(Group.class).value() + "-v1.yml");
            List<String> order = Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
                    .map(AdditionalPrinterColumn::name).toList();
            String before = Files.readString(file, StandardCharsets.UTF_8);
            String after = reorder(before, order, file);
            if (!after.equals(before)) {
                Files.writeString(file, after, StandardCharsets.UTF_8);
            }
        }
    }

    static String reorder(String yaml, List<String> order, Path file) {
        List<String> lines = new ArrayList<>(Arrays.asList(yaml.split("\n", -1)));
        int start = lines.indexOf("  - additionalPrinterColumns:") + 1;
        if (start == 0) {
            throw new IllegalStateException(file + " has no additionalPrinterColumns");
        }
        int end = start;
        List<List<String>> columns = new ArrayList<>();
        while (end < lines.size() && (lines.get(end).startsWith("    - ") || lines.get(end).startsWith("      "))) {
            if (lines.get(end).startsWith("    - ")) {
                columns.add(new ArrayList<>());
            }
            columns.get(columns.size() - 1).add(lines.get(end));
            end++;
        }
        columns.sort(Comparator.comparingInt(column -> position(column, order, file)));
        List<String> sorted = columns.stream().flatMap(List::stream).toList();
        lines.subList(start, end).clear();
        lines.addAll(start, sorted);
        return String.join("\n", lines);
    }

    private static int position(List<String> column, List<String> order, Path file) {
        for (String line : column) {
            Matcher m = NAME.matcher(line);
            if (m.matches() && order.contains(m.group(1))) {
                return order.indexOf(m.group(1));
            }
        }
        throw new IllegalStateException(file + ": a printer column has no name among " + order + ": " + column);
    }
}
