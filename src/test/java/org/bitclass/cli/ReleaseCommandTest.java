package org.bitclass.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitclass.eval.tasks.KjvTasks;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.TensorInfo;
import org.bitclass.testutil.Cli;
import org.bitclass.testutil.SharedData;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.CustomBlock;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bitclass release} on Minima with two levels (few chunks everywhere, to stay quick): every figure of
 * results.json (downstream scores on small task files included) against the standalone commands on the same files,
 * the card's tables against results.json, the plots, and a re-run after a simulated crash.
 */
class ReleaseCommandTest {

    private static final Path MODEL = SharedData.path("models/minima-qwen3-bf16.gguf");
    private static final Path CALIB = SharedData.path("corpus/kjv-calib.txt");
    private static final Path EVAL = SharedData.path("corpus/kjv-test.txt");
    private static final List<String> LEVELS = List.of("Q4_K_M", "Q6_K");

    @TempDir
    static Path tmp;
    static Path dir;
    private static Cli.Result run;
    private static JsonNode results;
    /** Task files of four tasks each, by the perplexity option that reads them. */
    private static final Map<String, Path> TASKS = new LinkedHashMap<>();

    static String[] args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("release", MODEL.toString(), "--calib", CALIB.toString(),
                "--calib-chunks", "2", "--probe-chunks", "1", "--eval", EVAL.toString(), "--eval-chunks", "2",
                "--levels", String.join(",", LEVELS), "--name", "Minima", "-t", "2", "-o", out.toString()));
        TASKS.forEach((option, file) -> a.addAll(List.of("--" + option, file.toString())));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @BeforeAll
    static void release() throws IOException {
        dir = tmp.resolve("release");
        TASKS.put("hellaswag", Files.writeString(tmp.resolve("hellaswag.txt"), KjvTasks.hellaswag(4)));
        TASKS.put("winogrande", Files.writeString(tmp.resolve("winogrande.csv"), KjvTasks.winogrande(4)));
        TASKS.put("multiple-choice", Files.write(tmp.resolve("mc.bin"),
                KjvTasks.multipleChoiceFile(KjvTasks.multipleChoice(4))));
        run = Cli.run(args(dir));
        assertThat(run.exitCode()).as(run.err()).isZero();
        results = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
    }

    @Test
    void theFolderHoldsEveryFileNamedByLevel() {
        for (String level : LEVELS) {
            assertThat(dir.resolve("Minima-" + level + ".gguf")).isRegularFile();
            assertThat(dir.resolve("Minima-" + level + "-stock.gguf")).isRegularFile();
            assertThat(dir.resolve("recipes/Minima-" + level + ".json")).isRegularFile();
        }
        assertThat(dir.resolve("README.md")).isRegularFile();
        assertThat(results.get("schema").asText()).isEqualTo("bitclass.release/1");
        assertThat(run.out()).contains("| level |").contains("recommended: ");
    }

    @Test
    void theBaseFiguresAreThoseOfStandalonePerplexity() {
        Cli.Result ppl = Cli.run("perplexity", MODEL.toString(), "-f", EVAL.toString(), "--chunks", "2", "-t", "2");
        assertThat(ppl.exitCode()).as(ppl.err()).isZero();
        JsonNode base = results.get("base").get("ppl");
        assertThat(ppl.out()).contains(String.format(Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f",
                base.get("value").asDouble(), base.get("error").asDouble()));
    }

    @Test
    void everyLevelsFiguresAreThoseOfStandalonePerplexityKld() throws IOException {
        Path base = dir.resolve(results.get("base").get("file").asText());
        for (JsonNode level : results.get("levels")) {
            for (JsonNode s : List.of(level.get("bitclass"), level.get("stock"))) {
                Path file = dir.resolve(s.get("file").asText());
                Cli.Result kld = Cli.run("perplexity", file.toString(), "--kld", base.toString(), "-t", "2");
                assertThat(kld.exitCode()).as(kld.err()).isZero();
                String out = kld.out();
                assertThat(numbers(out, "Mean PPL(Q)")).containsExactly(f6(s.get("ppl").get("value")), f6(s.get("ppl").get("error")));
                assertThat(numbers(out, "Mean ln(PPL(Q)/PPL(base))")).containsExactly(f6(s.get("ln_ppl_ratio").get("value")),
                        f6(s.get("ln_ppl_ratio").get("error")));
                assertThat(numbers(out, "Mean    KLD")).containsExactly(f6(s.get("kld").get("value")), f6(s.get("kld").get("error")));
                assertThat(numbers(out, "Median  KLD")).containsExactly(f6(s.get("kld_median")));
                assertThat(numbers(out, "99.9%   KLD")).containsExactly(f6(s.get("kld_p99_9")));
                assertThat(numbers(out, "Maximum KLD")).containsExactly(f6(s.get("kld_max")));
                assertThat(numbers(out, "Same top p")).containsExactly(percent3(s.get("same_top").get("value")),
                        percent3(s.get("same_top").get("error")));
                assertThat(numbers(out, "RMS Δp")).containsExactly(percent3(s.get("p_diff_rms").get("value")),
                        percent3(s.get("p_diff_rms").get("error")));
                assertThat(s.get("file_bytes").asLong()).isEqualTo(Files.size(file));
                try (GgufModel m = GgufModel.open(file)) {
                    long bytes = m.tensors().stream().mapToLong(TensorInfo::nBytes).sum();
                    long elements = m.tensors().stream().mapToLong(TensorInfo::nElements).sum();
                    assertThat(s.get("bpw").asDouble()).isEqualTo(8.0 * bytes / elements);
                }
            }
            assertThat(level.get("bitclass").get("file_bytes").asLong()).isLessThanOrEqualTo(level.get("budget_bytes").asLong());
        }
    }

    @Test
    void everyDownstreamScoreIsThatOfStandalonePerplexity() {
        List<JsonNode> files = new ArrayList<>(List.of(results.get("original_tasks")));
        results.get("levels").forEach(l -> files.addAll(List.of(l.get("bitclass_tasks"), l.get("stock_tasks"))));
        List<String> scored = new ArrayList<>();
        for (JsonNode scores : files) {
            assertThat(scores).hasSize(TASKS.size());
            for (JsonNode s : scores) {
                String task = s.get("task").asText();
                String file = s.get("command").asText().split(" ")[2];
                scored.add(file + " " + task);
                Path path = file.equals(MODEL.getFileName().toString()) ? MODEL : dir.resolve(file);
                Cli.Result r = Cli.run("perplexity", path.toString(), "--" + task, "-f", TASKS.get(task).toString(),
                        "--hellaswag-tasks", "4", "-t", "2");
                assertThat(r.exitCode()).as(r.err()).isZero();
                List<String> lines = r.out().lines().filter(l -> !l.isEmpty()).toList();
                double p = s.get("percent").asDouble();
                assertThat(s.get("tasks").asInt()).isEqualTo(4);
                switch (task) {
                    case "hellaswag" -> assertThat(lines.get(lines.size() - 1)).isEqualTo("4\t" + fmt(p, 8) + "%\t["
                            + fmt(s.get("low").asDouble(), 4) + "%, " + fmt(s.get("high").asDouble(), 4) + "%]");
                    case "winogrande" -> assertThat(lines.get(lines.size() - 1).split("\t")[1]).isEqualTo(fmt(p, 4));
                    default -> assertThat(lines).contains("Final result: " + fmt(p, 4) + " +/- "
                            + fmt(s.get("high").asDouble() - p, 4));
                }
            }
        }
        assertThat(scored).hasSize(5 * TASKS.size()).doesNotHaveDuplicates();
    }

    @Test
    void theCardParsesAsCommonMarkAndItsTablesAreResultsJson() throws IOException {
        String card = Files.readString(dir.resolve("README.md"));
        assertThat(card).startsWith("---\n").contains("quantized_by: BitClass").contains("base_model: ");
        Node doc = Parser.builder().extensions(List.of(TablesExtension.create())).build().parse(card);
        List<List<List<String>>> tables = tables(doc);
        assertThat(tables).hasSizeGreaterThanOrEqualTo(3);
        List<List<String>> levels = tables.get(0);
        List<List<String>> headToHead = tables.get(1);
        assertThat(levels).hasSize(LEVELS.size());
        assertThat(headToHead).hasSize(LEVELS.size());
        String recommended = results.get("recommended").get("level").asText();
        for (int i = 0; i < LEVELS.size(); i++) {
            JsonNode l = results.get("levels").get(i);
            JsonNode ours = l.get("bitclass");
            JsonNode stock = l.get("stock");
            List<String> row = levels.get(i);
            assertThat(row.get(0)).isEqualTo(l.get("level").asText() + (l.get("level").asText().equals(recommended) ? " ★" : ""));
            assertThat(row.get(1)).isEqualTo(ours.get("file").asText());
            assertThat(row.get(2)).isEqualTo(fmt(ours.get("file_bytes").asDouble() / 1048576, 2));
            assertThat(row.get(3)).isEqualTo(fmt(ours.get("bpw").asDouble(), 2));
            assertThat(row.get(4)).isEqualTo(estimate(ours.get("ppl"), 4));
            assertThat(row.get(5)).isEqualTo(estimate(ours.get("kld"), 6));
            assertThat(row.get(6)).isEqualTo(fmt(ours.get("kld_median").asDouble(), 6));
            assertThat(row.get(7)).isEqualTo(fmt(ours.get("kld_p99_9").asDouble(), 6));
            assertThat(row.get(8)).isEqualTo(fmt(100 * ours.get("same_top").get("value").asDouble(), 2));
            for (int t = 0; t < TASKS.size(); t++) {
                JsonNode s = l.get("bitclass_tasks").get(t);
                double p = s.get("percent").asDouble();
                assertThat(row.get(9 + t)).isEqualTo(s.get("task").asText().equals("hellaswag")
                        ? fmt(p, 2) + " [" + fmt(s.get("low").asDouble(), 2) + ", " + fmt(s.get("high").asDouble(), 2) + "]"
                        : fmt(p, 2) + " ± " + fmt(s.get("high").asDouble() - p, 2));
            }
            assertThat(row.get(9 + TASKS.size())).isEqualTo(l.get("use_case").asText());
            List<String> h = headToHead.get(i);
            assertThat(h.get(0)).isEqualTo(l.get("level").asText());
            assertThat(h.get(3)).isEqualTo(estimate(stock.get("kld"), 6));
            assertThat(h.get(4)).isEqualTo(estimate(ours.get("kld"), 6));
            double change = ours.get("kld").get("value").asDouble() / stock.get("kld").get("value").asDouble() - 1;
            assertThat(l.get("kld_change").asDouble()).isEqualTo(change);
            assertThat(h.get(5)).isEqualTo(String.format(Locale.ROOT, "%+.1f %%", 100 * change));
        }
        assertThat(card).contains("**Recommended: " + recommended + "**");
    }

    @Test
    void thePlotsAreImagesOfTheirSize() throws IOException {
        List<String> names = new ArrayList<>(List.of("kld-mean-vs-size", "kld-99.9-vs-size", "sensitivity-by-layer"));
        LEVELS.forEach(l -> names.add("bpw-" + l));
        for (String name : names) {
            BufferedImage png = ImageIO.read(dir.resolve("plots/" + name + ".png").toFile());
            assertThat(png).as(name).isNotNull();
            assertThat(png.getWidth()).isEqualTo(900);
            assertThat(Files.readString(dir.resolve("plots/" + name + ".svg"))).contains("<svg");
            assertThat(Files.readString(dir.resolve("README.md"))).contains("(plots/" + name + ".png)");
        }
    }

    /**
     * A crash while the second level was being quantized (its file and later stages missing, a temporary file left
     * behind): the re-run redoes those stages only and ends with the same files and results.
     */
    @Test
    void aRerunAfterACrashRedoesOnlyTheUnfinishedStagesAndGivesTheSameBytes() throws IOException {
        Path crashed = tmp.resolve("crashed");
        copy(dir, crashed);
        Files.delete(crashed.resolve("Minima-Q6_K.gguf"));
        Path partial = crashed.resolve(".Minima-Q6_K.gguf.tmp-999999999-1");   // of a process that is gone
        Files.writeString(partial, "half a file");
        for (String stage : List.of("quantize-Q6_K", "eval-Q6_K", "eval-Q6_K-stock")) {
            Files.delete(crashed.resolve(".stages/" + stage + ".json"));
        }
        Files.delete(crashed.resolve("results.json"));
        Cli.Result again = Cli.run(args(crashed));
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(partial).doesNotExist();
        List<String> lines = again.err().lines().filter(l -> l.startsWith("[")).toList();
        assertThat(lines).hasSize(15 + 5 * TASKS.size());
        assertThat(lines.stream().filter(l -> l.contains("done in"))).hasSize(3)
                .allMatch(l -> l.contains("Q6_K: BitClass file") || l.contains("Q6_K: scores"));
        for (String level : LEVELS) {
            assertThat(Files.mismatch(dir.resolve("Minima-" + level + ".gguf"), crashed.resolve("Minima-" + level + ".gguf")))
                    .isEqualTo(-1L);
        }
        assertThat(withoutTimings(crashed)).isEqualTo(withoutTimings(dir));
    }

    @Test
    void badInputIsOneLineNamingTheOption() {
        Cli.Result noCalib = Cli.run("release", MODEL.toString(), "--eval", EVAL.toString(), "-o", tmp.resolve("x").toString());
        assertThat(noCalib.exitCode()).isNotZero();
        assertThat(noCalib.err()).contains("--calib").hasLineCount(1);
        Cli.Result badLevel = Cli.run("release", MODEL.toString(), "--calib", CALIB.toString(), "--eval", EVAL.toString(),
                "--levels", "Q4_K_M,IQ4_NL", "-o", tmp.resolve("x").toString());
        assertThat(badLevel.exitCode()).isNotZero();
        assertThat(badLevel.err()).contains("--levels").hasLineCount(1);
        Cli.Result badSize = Cli.run("release", MODEL.toString(), "--calib", CALIB.toString(), "--eval", EVAL.toString(),
                "--levels", "Q4_K_M", "--size", "Q6_K=4MiB", "-o", tmp.resolve("x").toString());
        assertThat(badSize.exitCode()).isNotZero();
        assertThat(badSize.err()).contains("--size").hasLineCount(1);
        Cli.Result outIsTheModel = Cli.run("release", MODEL.toString(), "--calib", CALIB.toString(), "--eval",
                EVAL.toString(), "--levels", "Q4_K_M", "-o", MODEL.toString());
        assertThat(outIsTheModel.exitCode()).isNotZero();
        assertThat(outIsTheModel.err()).isEqualTo("bitclass release: -o " + MODEL
                + ": a file is there; give a folder for the release" + System.lineSeparator());
        Path modelFolder = tmp.resolve("downloaded");
        Path card = modelFolder.resolve("README.md");
        try {
            Files.createDirectories(modelFolder);
            Files.writeString(card, "the model's own card");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cli.Result otherFiles = Cli.run("release", MODEL.toString(), "--calib", CALIB.toString(), "--eval",
                EVAL.toString(), "--levels", "Q4_K_M", "-o", modelFolder.toString());
        assertThat(otherFiles.exitCode()).isNotZero();
        assertThat(otherFiles.err()).contains("-o " + modelFolder + ": the folder holds other files").hasLineCount(1);
        assertThat(card).hasContent("the model's own card");
    }

    // ---- helpers ----

    static JsonNode withoutTimings(Path release) throws IOException {
        ObjectNode r = (ObjectNode) new ObjectMapper().readTree(release.resolve("results.json").toFile());
        r.remove("timings");
        return r;
    }

    static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+\\.\\d+");

    /** The numbers on the line of llama-perplexity's summary that starts with {@code label}. */
    private static List<String> numbers(String out, String label) {
        String line = out.lines().filter(l -> l.startsWith(label)).findFirst().orElseThrow(() ->
                new AssertionError("no line '" + label + "' in:\n" + out));
        Matcher m = NUMBER.matcher(line.substring(label.length()));
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    private static String f6(JsonNode v) {
        return fmt(v.asDouble(), 6);
    }

    private static String percent3(JsonNode v) {
        return fmt(100 * v.asDouble(), 3);
    }

    private static String estimate(JsonNode e, int digits) {
        return fmt(e.get("value").asDouble(), digits) + " ± " + fmt(e.get("error").asDouble(), digits);
    }

    private static String fmt(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    /** The body rows of every GFM table, each cell's text (code spans included). */
    private static List<List<List<String>>> tables(Node doc) {
        List<List<List<String>>> tables = new ArrayList<>();
        doc.accept(new AbstractVisitor() {
            @Override
            public void visit(CustomBlock block) {
                if (block instanceof TableBlock) {
                    List<List<String>> rows = new ArrayList<>();
                    for (Node part = block.getFirstChild(); part != null; part = part.getNext()) {
                        if (part instanceof TableBody) {
                            for (Node row = part.getFirstChild(); row != null; row = row.getNext()) {
                                List<String> cells = new ArrayList<>();
                                for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                                    cells.add(text(cell));
                                }
                                rows.add(cells);
                            }
                        }
                    }
                    tables.add(rows);
                }
                super.visit(block);
            }
        });
        return tables;
    }

    private static String text(Node node) {
        StringBuilder sb = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text t) {
                sb.append(t.getLiteral());
            }

            @Override
            public void visit(Code c) {
                sb.append(c.getLiteral());
            }
        });
        return sb.toString().strip();
    }
}
